"""Peak memory during a rebuild and a large export, at two sizes of log.

The bar (DESIGN.md): memory stays flat while a rebuild or an export streams:
it does not grow with the number of events.

For each of two databases, a smaller and a much larger history, a fresh
process opens apdr and measures, for each operation, its peak resident set
size above what the process held just before it (Linux: the peak is reset
through /proc/self/clear_refs before each operation and read from VmHWM):

- the rebuild of every read model from the whole log;
- the provision map over the whole history of the largest setting, streamed
  over HTTP as CSV and as JSON (the largest exports apdr makes), and as an XLSX
  workbook (written row by row to a temporary file, then sent): at the smaller
  size, a school's map, the workbook's time and peak beside the CSV's.

Flat means: at the larger size, the peak above the baseline is no more than
16 MB or a quarter above that at the smaller size, whichever is more, while
the log is many times longer; for a rebuild on SQLite, plus the page cache
each connection keeps (a fixed 64 MiB, ``apdr.persistence.SQLITE_PAGE_CACHE_KIB``),
which a small log never fills and a large one fills once.

    python benchmarks/memory.py --database sqlite --size full
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from apdr.aggregates.school_year import academic_year_of
from apdr.demo.synthetic import Plan, SettingSpec, plan_for
from apdr.persistence import SQLITE_PAGE_CACHE_KIB
from harness import TODAY, Report, arguments, database, fast_settings, load, served, sign_in

ALLOWANCE_MB = 16.0
OPS = ["rebuild", "export_csv", "export_json", "export_xlsx"]


def plans(size: str) -> tuple[Plan, Plan]:
    if size == "full":
        return Plan("memory-school-2y", plan_for("school").settings, years=2), plan_for("la")
    smaller = Plan("memory-small-a", (SettingSpec("709301", "Small Primary School", "primary", 70),), years=1)
    larger = Plan("memory-small-b", (SettingSpec("709301", "Small Primary School", "primary", 140),), years=3)
    return smaller, larger


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0], lambda p: p.add_argument("--child", help=argparse_hidden()))
    if args.child:
        return child(json.loads(args.child))
    report = Report("memory", args)
    figures: dict[str, dict[str, Any]] = {}
    for label, plan in zip(("smaller", "larger"), plans(args.size), strict=True):
        with database(args.database) as settings:
            loaded = load(settings, plan, args.seed, cache=args.cache)
            history = loaded.history
            events = loaded.apdr.read_models.last_notification_id()
            loaded.apdr.close()
            largest = max(history.settings, key=lambda s: s.on_roll)
            spec = {
                "url": settings.database_url,
                "schema": settings.database_schema,
                "senco": largest.users["senco"],
                "from": f"{academic_year_of(TODAY) - plan.years + 1}-09-01",
            }
            # At full size each operation runs in a process of its own, so that memory one
            # of them leaves to the allocator does not hide another's peak.
            groups = [[op] for op in OPS] if args.size == "full" else [OPS]
            measured: dict[str, Any] = {"events": events}
            for ops in groups:
                output = subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--child",
                        json.dumps({**spec, "ops": ops}),
                    ],
                    check=True,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                measured.update(json.loads(output.stdout.strip().splitlines()[-1]))
            figures[label] = measured
            report.row(
                f"{label} log", f"{events:,} events", f"{history.plan}: {len(history.settings)} setting(s)"
            )
            for op in OPS:
                m = measured[op]
                report.row(
                    f"  {op.replace('_', ' ')}",
                    f"peak +{m['growth_mb']:.1f} MB",
                    f"over {m['baseline_mb']:.0f} MB before; {m['seconds']:.1f} s; {m['what']}",
                )
            for name, m in measured["rebuild"].get("projections", {}).items():
                report.row(f"    rebuild {name}", f"peak +{m['growth_mb']:.1f} MB", f"{m['seconds']:.1f} s")
    smaller, larger = figures["smaller"], figures["larger"]
    times = larger["events"] / smaller["events"]
    report.row("log size ratio", f"{times:.1f} x")
    # SQLite's page cache fills as a rebuild writes a big table, up to a fixed size and no
    # further: a bound that does not move with the log, allowed once on top.
    cache_mb = SQLITE_PAGE_CACHE_KIB / 1024 if args.database == "sqlite" else 0.0
    exports = (("export_csv", "CSV export"), ("export_json", "JSON export"), ("export_xlsx", "XLSX export"))
    for op, name in (("rebuild", "rebuild"), *exports):
        a, b = smaller[op]["growth_mb"], larger[op]["growth_mb"]
        allowed = a + max(ALLOWANCE_MB, 0.25 * a) + (cache_mb if op == "rebuild" else 0.0)
        report.bar(
            f"{name}: memory flat",
            f"+{a:.1f} MB -> +{b:.1f} MB",
            f"<= +{allowed:.1f} MB",
            b <= allowed,
            f"log {times:.0f}x longer; {smaller[op]['what']} -> {larger[op]['what']}",
        )
    report.data.update(figures)
    return report.finish()


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


# -- the measuring process ---------------------------------------------------------


def _status() -> dict[str, int]:
    text = Path("/proc/self/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", text).group(1)) for key in ("VmRSS", "VmHWM")}  # type: ignore[union-attr]


def measure(action: Callable[[], str]) -> dict[str, Any]:
    """Peak resident memory while ``action`` runs, above what the process held before."""
    gc.collect()
    before = _status()["VmRSS"]
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
    started = time.perf_counter()
    what = action()
    seconds = time.perf_counter() - started
    peak = _status()["VmHWM"]
    return {
        "baseline_mb": before / 1024,
        "peak_mb": peak / 1024,
        "growth_mb": max(peak - before, 0) / 1024,
        "seconds": seconds,
        "what": what,
    }


def child(spec: dict[str, Any]) -> int:
    from apdr.runtime import Apdr

    apdr = Apdr.open(fast_settings(database_url=spec["url"], database_schema=spec["schema"]))
    results: dict[str, Any] = {}
    try:
        if "rebuild" in spec["ops"]:
            results["rebuild"] = _rebuild(apdr)
        exports = [op.removeprefix("export_") for op in spec["ops"] if op.startswith("export_")]
        if not exports:
            return _done(results)
        with served(apdr) as url, httpx.Client(base_url=url, timeout=600) as http:
            headers = sign_in(http, spec["senco"])
            for fmt in exports:

                def export(first: str = spec["from"], fmt: str = fmt) -> str:
                    params = {"from": first, "as_of": TODAY.isoformat(), "format": fmt}
                    size = rows = 0
                    mark = b"\n" if fmt == "csv" else b'"pupil_id"'
                    tail = b""  # the end of the last chunk, for a mark cut in two
                    with http.stream(
                        "GET", "/api/v1/provision-map", params=params, headers=headers
                    ) as response:
                        response.raise_for_status()
                        for chunk in response.iter_bytes():
                            size += len(chunk)
                            rows += (tail + chunk).count(mark)
                            tail = chunk[1 - len(mark) :] if len(mark) > 1 else b""
                    rows -= fmt == "csv"  # the header
                    if fmt == "xlsx":  # compressed: its rows are not counted in its bytes
                        return f"{size / 1024 / 1024:.1f} MB"
                    return f"{rows:,} rows, {size / 1024 / 1024:.1f} MB"

                export(TODAY.isoformat())  # warm the route on a one-day window
                results[f"export_{fmt}"] = measure(export)
    finally:
        apdr.close()
    return _done(results)


def _done(results: dict[str, Any]) -> int:
    print(json.dumps(results))
    return 0


def _rebuild(apdr: Any) -> dict[str, Any]:
    """Every read model rebuilt, one after another; the peak over them all, and each one's own."""
    models = apdr.read_models
    gc.collect()
    before = _status()["VmRSS"]
    started = time.perf_counter()
    each: dict[str, Any] = {}
    applied = 0
    for name in models.projections:

        def rebuild(name: str = name) -> str:
            return str(models.rebuild(name))

        each[name] = measure(rebuild)
        applied += int(each[name]["what"])
    peak = max(m["peak_mb"] for m in each.values()) * 1024
    return {
        "baseline_mb": before / 1024,
        "peak_mb": peak / 1024,
        "growth_mb": max(peak - before, 0) / 1024,
        "seconds": time.perf_counter() - started,
        "what": f"{applied:,} events applied",
        "projections": each,
    }


if __name__ == "__main__":
    sys.exit(main())
