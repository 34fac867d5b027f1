"""Starting apdr: a trust's API workers and worker all start at once on a new database."""

from __future__ import annotations

import multiprocessing

from apdr.config import Settings
from apdr.runtime import Apdr
from tests.support.opening import open_at_once

SPAWN = multiprocessing.get_context("spawn")


def test_given_a_new_database_when_four_processes_open_apdr_at_once_then_all_start(
    database: Settings,
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
