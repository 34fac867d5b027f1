"""A new, empty database of each kind for a test: an SQLite file, or a PostgreSQL schema of its own.

PostgreSQL is found at APDR_TEST_POSTGRES_URL (default: the local server
these machines run). Where it is not reachable those tests skip, saying why;
with APDR_REQUIRE_POSTGRES=1 (as CI sets it) they fail instead.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from apdr.config import Config

POSTGRES_URL = os.environ.get("APDR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("APDR_REQUIRE_POSTGRES", "") not in ("", "0", "false", "no")
KINDS = ["sqlite", "postgresql"]


def _postgres_problem() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return (
            f"PostgreSQL not reachable at {POSTGRES_URL} ({type(error).__name__}: {str(error).strip()[:120]})"
        )


_POSTGRES_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be reached, or None; asked once a test run."""
    if not _POSTGRES_PROBLEM:
        _POSTGRES_PROBLEM.append(_postgres_problem())
    return _POSTGRES_PROBLEM[0]


def require_postgres() -> None:
    """Skip the test, saying why, where PostgreSQL is not reachable (fail it, with APDR_REQUIRE_POSTGRES)."""
    problem = postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{problem}; APDR_REQUIRE_POSTGRES is set, so this is a failure, not a skip")
        pytest.skip(problem)


def fast_settings(**overrides: object) -> Config:
    """Configuration for tests: a cheap password hash, quick polling."""
    values = {"password_hash_memory_kib": 64, "password_hash_iterations": 1, "projection_poll_seconds": 0.05}
    values.update(overrides)
    if str(values.get("database_url", "")).startswith("postgresql"):
        # The token key's file, outside the working tree (SQLite keeps it beside its database).
        values.setdefault("token_key_file", Path(tempfile.gettempdir()) / "apdr-tests-token.key")
    return Config(**values)  # type: ignore[arg-type]


@contextmanager
def new_database(kind: str, directory: Path) -> Iterator[Config]:
    """Configuration pointing at a new, empty database of ``kind``: an SQLite file in ``directory``,
    or a PostgreSQL schema of its own, dropped afterwards."""
    if kind == "sqlite":
        yield fast_settings(database_url=f"sqlite:///{directory / 'apdr.sqlite3'}")
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield fast_settings(database_url=POSTGRES_URL, database_schema=schema)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
