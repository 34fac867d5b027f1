"""Every benchmark script runs at its small size, on SQLite and on PostgreSQL,
so that the scripts cannot rot. Their figures are not checked here: the bars
are measured at full size (see BENCHMARKS.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.database import KINDS, require_postgres

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = ("queries", "rebuild", "sessions", "memory", "packs", "pages", "imports")


@pytest.mark.parametrize("database", KINDS)
def test_every_benchmark_runs_at_its_small_size(database: str, tmp_path: Path) -> None:
    if database == "postgresql":
        require_postgres()
    env = {**os.environ, "APDR_BENCHMARK_RESULTS": str(tmp_path)}
    # The scripts run side by side: this checks that they work, not how fast.
    running = {
        name: subprocess.Popen(
            [sys.executable, str(BENCHMARKS / f"{name}.py"), "--database", database, "--size", "small"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for name in SCRIPTS
    }
    failures = []
    for name, process in running.items():
        output, _ = process.communicate(timeout=300)
        if process.returncode != 0 or "bars (DESIGN.md)" not in output:
            failures.append(f"benchmarks/{name}.py exited {process.returncode}:\n{output[-4000:]}")
        elif not (tmp_path / f"{name}-{database}-small.json").exists():
            failures.append(f"benchmarks/{name}.py saved no figures")
    assert not failures, "\n\n".join(failures)
