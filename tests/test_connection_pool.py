"""The read models' PostgreSQL pool checks a connection before use only when it sat idle.

A ping is a round trip; on every checkout (two a session) it was a tenth of recording one. A
connection back in the pool within ``PING_AFTER_IDLE_SECONDS`` goes out unchecked; one
idle longer is pinged, and replaced if its server process is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from apdr import persistence
from apdr.persistence import read_model_engine
from tests.support.database import POSTGRES_URL, new_database


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    with new_database("postgresql", tmp_path) as settings:
        engine = read_model_engine(settings)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def pings(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each ping the pool sends, as it sends it."""
    sent: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def end_backend(pid: int) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


def test_given_a_connection_back_in_the_pool_just_now_when_used_again_then_it_is_not_pinged(
    engine: sa.Engine, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persistence, "PING_AFTER_IDLE_SECONDS", 3600.0)
    first = backend_pid(engine)

    again = [backend_pid(engine) for _ in range(5)]

    assert again == [first] * 5
    assert pings == []


def test_given_an_idle_connection_whose_server_process_ended_when_used_then_it_is_replaced(
    engine: sa.Engine, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persistence, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection counts as idle
    first = backend_pid(engine)
    end_backend(first)
    before = len(pings)

    replaced = backend_pid(engine)

    assert replaced != first
    assert pings[before].broken  # the dead one was pinged before use, and found dead


def test_given_a_connection_ended_within_the_second_when_used_then_the_error_says_so_and_the_next_use_reconnects(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the saved round trip costs: a connection ended in the second since its last
    use fails once (the request answers 503), and the pool replaces it."""
    monkeypatch.setattr(persistence, "PING_AFTER_IDLE_SECONDS", 3600.0)
    first = backend_pid(engine)
    end_backend(first)

    with pytest.raises(sa.exc.OperationalError) as failed:
        backend_pid(engine)

    assert failed.value.connection_invalidated
    assert backend_pid(engine) != first
