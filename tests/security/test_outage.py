"""A database outage, staged for real: a signed-in tablet is told 503 with Retry-After
within seconds, never 401 (which would make it throw its token away), and the service
mends by itself when the database is back, worker and subscription included.

On PostgreSQL the app reaches the server through a relay that refuses new connections
while the server terminates the open ones. On SQLite, another connection holds the write
lock, or every connection of the event store is taken.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from apdr.application import Actor, SenRecord
from apdr.config import Config
from apdr.persistence import is_postgres
from apdr.runtime import Apdr
from tests.support.database import POSTGRES_URL
from tests.support.outage import (
    DatabaseProxy,
    event_store_connections_taken,
    read_model_connections_taken,
    sqlite_write_locked,
    timed,
    wait_until,
)
from tests.support.school import School, problem, pupil_body, random_urn, school_of_its_own

PROMPT = 5.0
"""A 503 answers within this many seconds (the default database timeout is 3)."""

PATIENCE = 10.0
"""How long a test waits for an answer: longer than PROMPT, far shorter than the old hang."""

WORKER_POLL_SECONDS = 30.0
"""The worker's polling, on PostgreSQL: so slow that only the subscription brings new events in time."""

SUSTAINED_OUTAGE_SECONDS = 20.0
"""Long enough that a pool re-making its connections with a doubling back-off would next try
only many seconds after the database is back."""

RECOVERY_SECONDS = 5.0
"""Once the database is back, answers come back within this."""

OUTAGE_SECONDS = 5.0
"""How long the worker's outage lasts: long enough for it to fail to subscribe again, and back off."""

postgres_only = pytest.mark.parametrize("database", ["postgresql"], indirect=True)
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@pytest.fixture
def proxy(database: Config) -> Iterator[DatabaseProxy | None]:
    """On PostgreSQL, the relay the app reaches the server through; on SQLite, none."""
    if not is_postgres(database):
        yield None
        return
    url = make_url(database.database_url)
    with DatabaseProxy((url.host or "127.0.0.1", url.port or 5432)) as relay:
        yield relay


@pytest.fixture
def apdr(database: Config, proxy: DatabaseProxy | None) -> Iterator[Apdr]:
    """The ``school`` fixture's apdr, with its database reached through the relay on PostgreSQL."""
    settings = (
        database if proxy is None else proxy.settings(database, projection_poll_seconds=WORKER_POLL_SECONDS)
    )
    running = Apdr.open(settings)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def school(apdr: Apdr) -> Iterator[School]:
    """A school on ``apdr``, its database to itself: an outage here must not reach other tests."""
    with school_of_its_own(apdr) as school:
        yield school


def unavailable(response: httpx.Response, seconds: float) -> None:
    """A 503 problem with Retry-After, answered promptly."""
    problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert seconds < PROMPT, f"the 503 took {seconds:.1f} s"


def ask(school: School, method: str, path: str, body: Any = None) -> tuple[httpx.Response, float]:
    """The SENCO's request, and how long it took to answer."""
    return timed(lambda: school.senco.request(method, path, json=body, timeout=PATIENCE))


def unavailable_while(taken: AbstractContextManager[object], school: School, path: str) -> None:
    """While ``taken`` holds the connections, the SENCO's GET of ``path`` is a prompt 503;
    afterwards, 200."""
    with taken:
        response, seconds = ask(school, "GET", path)
        unavailable(response, seconds)

    assert ask(school, "GET", path)[0].status_code == 200
    print(f"503 in {seconds:.2f} s")


def down(proxy: DatabaseProxy) -> None:
    """PostgreSQL goes down: new connections refused, the open ones terminated by the server."""
    proxy.refuse()
    proxy.terminate(POSTGRES_URL)
    proxy.cut()


# -- PostgreSQL: the server goes away, and comes back -------------------------------------


@postgres_only
def test_given_postgres_down_when_a_signed_in_tablet_asks_then_503_with_retry_after_within_5s_not_401(
    school: School, proxy: DatabaseProxy
) -> None:
    assert ask(school, "GET", "/me")[0].status_code == 200

    down(proxy)
    answers = {
        "GET /me": ask(school, "GET", "/me"),
        "GET /pupils": ask(school, "GET", "/pupils"),
        "POST /pupils": ask(school, "POST", "/pupils", pupil_body()),
    }

    for response, seconds in answers.values():
        unavailable(response, seconds)
    print({request: f"{seconds:.2f} s" for request, (_, seconds) in answers.items()})


@pytest.mark.slow
@postgres_only
def test_given_a_sustained_postgres_outage_when_the_database_is_back_then_the_same_requests_succeed_within_seconds_without_a_restart(
    school: School, proxy: DatabaseProxy
) -> None:
    down(proxy)
    slowest = 0.0
    outage = time.monotonic() + SUSTAINED_OUTAGE_SECONDS
    while time.monotonic() < outage:
        response, seconds = ask(school, "GET", "/me")
        unavailable(response, seconds)
        slowest = max(slowest, seconds)

    proxy.restore()
    recovered = wait_until(lambda: ask(school, "GET", "/me")[0].status_code == 200, seconds=RECOVERY_SECONDS)

    assert ask(school, "POST", "/pupils", pupil_body())[0].status_code == 201
    assert ask(school, "GET", "/pupils")[0].status_code == 200
    print(f"slowest 503 {slowest:.2f} s; answering again {recovered:.2f} s after the database came back")


@postgres_only
def test_given_the_worker_following_when_postgres_drops_and_returns_then_it_subscribes_again_and_applies_new_events(
    apdr: Apdr, proxy: DatabaseProxy
) -> None:
    apdr.start_worker()
    wait_until(lambda: proxy.listening(POSTGRES_URL), seconds=10)

    down(proxy)
    time.sleep(OUTAGE_SECONDS)
    proxy.restore()
    resubscribed = wait_until(lambda: proxy.listening(POSTGRES_URL), seconds=20)

    apdr.record.register_setting(Actor.system("test"), urn=random_urn(), name="After the outage")
    last = apdr.read_models.last_notification_id()
    models = apdr.read_models
    # No query takes the event in (that would catch up on its own): only the worker can, and with
    # polling every 30 s only the subscription wakes it in time.
    applied = wait_until(lambda: all(models.position(name) >= last for name in models.projections), seconds=5)
    print(
        f"subscribed again {resubscribed:.2f} s after the database came back; new event applied in {applied:.2f} s"
    )


# -- SQLite: another connection holds the lock --------------------------------------------


@sqlite_only
def test_given_sqlite_locked_by_another_connection_when_a_tablet_writes_or_reads_behind_then_503_within_5s_then_recovers(
    school: School, database: Config
) -> None:
    # An event the read models have not taken in (another process recorded it, so not
    # inline): the next query must write them, under the lock.
    elsewhere = SenRecord(school.apdr.settings)
    try:
        elsewhere.register_setting(Actor.system("test"), urn=random_urn(), name="Behind")
    finally:
        elsewhere.close()
    path = make_url(database.database_url).database
    assert path is not None and Path(path).exists()

    with sqlite_write_locked(path):
        answers = {
            "POST /pupils": ask(school, "POST", "/pupils", pupil_body()),
            "GET /pupils": ask(school, "GET", "/pupils"),
        }
        for response, seconds in answers.values():
            unavailable(response, seconds)

    assert ask(school, "POST", "/pupils", pupil_body())[0].status_code == 201
    assert ask(school, "GET", "/pupils")[0].status_code == 200
    print({request: f"{seconds:.2f} s" for request, (_, seconds) in answers.items()})


# -- Both: the database cannot serve a request in time --------------------------------------


def test_given_every_event_store_connection_taken_when_a_signed_in_tablet_asks_then_503_not_401_and_the_token_still_works(
    school: School,
) -> None:
    unavailable_while(event_store_connections_taken(school.apdr.record), school, "/me")


def test_given_every_read_model_connection_taken_when_a_tablet_reads_then_503_within_5s_and_then_200(
    school: School,
) -> None:
    unavailable_while(read_model_connections_taken(school.apdr.engine), school, "/pupils")
