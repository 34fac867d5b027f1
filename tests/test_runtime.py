"""Starting apdr: a trust's API workers and worker all start at once on a new database."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx
import pytest

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.application import Actor
from apdr.config import Config
from apdr.runtime import Apdr
from tests.support.processes import open_at_once
from tests.support.server import LiveServer

SPAWN = multiprocessing.get_context("spawn")


def test_given_a_new_database_when_four_processes_open_apdr_at_once_then_all_start(
    database: Config,
) -> None:
    settings = {"database_url": database.database_url, "database_schema": database.database_schema}
    start, out = SPAWN.Barrier(4), SPAWN.Queue()
    processes = [SPAWN.Process(target=open_at_once, args=(settings, start, out)) for _ in range(4)]
    for p in processes:
        p.start()

    answers = [out.get(timeout=180) for _ in processes]
    for p in processes:
        p.join(timeout=60)

    assert answers == ["opened"] * 4
    # Set up once: every read model is there, each at the start of the log.
    opened = Apdr.open(database)
    try:
        models = opened.read_models
        assert {name: models.position(name) for name in models.projections} == dict.fromkeys(
            models.projections, 0
        )
        assert opened.record.recorder.max_notification_id() in (0, None)
    finally:
        opened.close()


def test_given_apdr_today_set_when_the_api_is_asked_about_today_then_it_answers_as_of_that_day(
    database: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APDR_TODAY", "2027-01-11")
    pinned = Config(
        database_url=database.database_url,
        database_schema=database.database_schema,
        token_key_file=database.token_key_file,
    )
    apdr = Apdr.open(pinned)
    try:
        setting_id = apdr.record.register_setting(Actor.system("test"), urn="700001", name="Pinned Primary")
        apdr.record.add_user(
            Actor.system("test"),
            email="senco@pinned.example",
            role=Role.senco,
            password="correct horse battery",
            setting_id=setting_id,
        )
        with http_to_unpinned(apdr) as http:
            token = http.post(
                "/api/v1/auth/token",
                data={"username": "senco@pinned.example", "password": "correct horse battery"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            run = http.post("/api/v1/policies/run", json={}, headers=headers).json()
            calendar = http.get("/api/v1/setting/calendar", headers=headers).json()

        assert pinned.current_date() == apdr.today() == date(2027, 1, 11)
        assert run["as_of"] == "2027-01-11"
        assert calendar["academic_year"] == 2026
    finally:
        apdr.close()


@contextmanager
def http_to_unpinned(apdr: Apdr) -> Iterator[httpx.Client]:
    """The real API over ``apdr`` with no override of today: the service's own."""
    with LiveServer(create_app(apdr=apdr)) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
