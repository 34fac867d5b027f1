"""Fixtures: every test that touches storage runs on SQLite and on PostgreSQL (see tests/support/database.py).

A test that needs a database to itself asks for ``database`` (or ``apdr`` on it). The HTTP tests
ask for ``school``: the tests of a module share one database and one running API (``served``),
each test in a setting of its own. A setting sees nothing of another's (which those tests check),
so the tests cannot disturb each other, and the module pays once for the database's tables and the
server instead of once per test. A module whose tests need the database to themselves defines its
own ``school`` on ``apdr`` (``school_of_its_own``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from apdr.config import Config
from apdr.runtime import Apdr
from tests.support.database import KINDS, new_database
from tests.support.history import History
from tests.support.school import TODAY, School, http_to, new_school


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """Configuration pointing at a new, empty database of each kind."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as settings:
        yield settings


@pytest.fixture
def apdr(database: Config) -> Iterator[Apdr]:
    running = Apdr.open(database)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def today() -> date:
    """The day the ``history`` records are made on; a module may move it."""
    return TODAY


@pytest.fixture
def history(apdr: Apdr, today: date) -> History:
    """A setting whose history is built through the service layer."""
    return History(apdr.record, today=today)


@pytest.fixture(scope="module", params=KINDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Apdr, httpx.Client]]:
    """One apdr on a new database of each kind, served over HTTP, for a whole test module."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as settings:
        running = Apdr.open(settings)
        try:
            with http_to(running) as http:
                yield running, http
        finally:
            running.close()


@pytest.fixture
def school(served: tuple[Apdr, httpx.Client]) -> School:
    """A new setting with its SENCO signed in, on the module's running apdr, with 'today' fixed at TODAY."""
    return new_school(*served)
