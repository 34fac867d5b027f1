"""Shorthand for the HTTP tests: problem details, a second setting, a school with a group running;
and a ``school`` fixture that serves one apdr per test module and database.

A module opts in with ``school, served = support.school, support.served``. Its tests
then share one database and one running API, each test in a setting of its own. A setting sees
nothing of another's (which these tests check), so the tests cannot disturb each other, and the
module pays once for the database's tables and the server instead of once per test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg import sql

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.api.deps import today
from apdr.application import Actor
from apdr.config import Settings
from apdr.errors import NotFound
from apdr.runtime import Apdr
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, fast_settings, postgres_problem
from tests.support.fixtures import TODAY, Client, School, random_urn
from tests.support.server import LiveServer

NOBODY = "00000000-0000-4000-8000-000000000000"


def problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """Insist on an RFC 9457 problem with ``status``, naming ``field`` as the first error if given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert body["errors"][0]["field"] == field, body
        assert body["errors"][0]["message"]
    return body


def invalid(response: httpx.Response, field: str) -> str:
    """A 422 naming ``field``; answers its message."""
    return str(problem(response, 422, field)["errors"][0]["message"])


def other_setting(school: School, role: Role = Role.senco) -> Client:
    """A user of a second setting, served by the same API."""
    setting_id = school.apdr.record.register_setting(
        Actor.system("test"), urn=random_urn(), name="Other Primary"
    )
    return school.user(role, setting_id=setting_id)


@dataclass
class Group:
    """A small-group intervention run by one TA, with two pupils enrolled from its start."""

    intervention: str
    staff: str
    amira: str
    oliver: str


def group(school: School, **overrides: Any) -> Group:
    staff = school.staff()
    amira, oliver = school.pupil(), school.pupil(given_name="Oliver", family_name="Smith")
    intervention = school.intervention([staff], **overrides)
    school.enrol(intervention, amira)
    school.enrol(intervention, oliver)
    return Group(intervention, staff, amira, oliver)


@contextmanager
def http_to(apdr: Apdr) -> Iterator[httpx.Client]:
    """The real API over ``apdr`` on a local port, with 'today' fixed at TODAY."""
    app = create_app(apdr=apdr)
    app.dependency_overrides[today] = lambda: TODAY
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@contextmanager
def serve(apdr: Apdr, setting_id: UUID, urn: str, senco: Client | None = None) -> Iterator[School]:
    """A school served over ``apdr``. With ``senco``, that user's token is used as it
    is (say, one issued before a restart); otherwise a new SENCO signs in."""
    with http_to(apdr) as http:
        school = School(apdr, http, setting_id, urn, Client(http, "", Role.senco, setting_id))
        school.senco = (
            Client(http, senco.email, Role.senco, setting_id, senco.headers)
            if senco
            else school.user(Role.senco)
        )
        yield school


@contextmanager
def new_database(kind: str, tmp_path: Path) -> Iterator[Settings]:
    """As the ``database`` fixture makes them: an SQLite file, or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        yield fast_settings(database_url=f"sqlite:///{tmp_path / 'apdr.sqlite3'}")
        return
    problem = postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{problem}; APDR_REQUIRE_POSTGRES is set, so this is a failure, not a skip")
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield fast_settings(database_url=POSTGRES_URL, database_schema=schema)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
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
    """A new setting with its SENCO signed in, on the module's running apdr."""
    running, http = served
    urn = random_urn()
    while True:
        try:
            running.record.setting_by_urn(urn)
        except NotFound:
            break
        urn = random_urn()
    setting_id = running.record.register_setting(Actor.system("test"), urn=urn, name="Test Primary")
    school = School(running, http, setting_id, urn, Client(http, "", Role.senco, setting_id))
    school.senco = school.user(Role.senco)
    return school
