"""Read models apply each event exactly once, however the projection process dies."""

from __future__ import annotations

import multiprocessing
import random
from datetime import date
from typing import Any

import sqlalchemy as sa

from apdr.config import Config
from apdr.demo.school import load_demo_school
from apdr.projections.positions import positions
from apdr.runtime import Apdr
from tests.support.processes import KILLED_AT_COMMIT, KILLED_MID_BATCH, catch_up_until_killed


def snapshot(apdr: Apdr) -> dict[str, list[Any]]:
    tables = [t for p in apdr.read_models.projections.values() for t in p.tables] + [positions]
    with apdr.engine.connect() as conn:
        return {t.name: sorted((tuple(r) for r in conn.execute(sa.select(t))), key=repr) for t in tables}


def test_given_a_projection_process_killed_at_random_points_when_restarted_then_its_tables_match_an_uninterrupted_run(
    apdr: Apdr, database: Config
) -> None:
    load_demo_school(apdr.record, as_of=date(2026, 10, 16), seed=3)
    events = apdr.read_models.last_notification_id()
    apdr.read_models.catch_up()
    uninterrupted = snapshot(apdr)
    for name in apdr.read_models.projections:
        apdr.read_models.reset(name)

    rng = random.Random(20261123)
    spawn = multiprocessing.get_context("spawn")
    exits = []
    for attempt in range(8):
        mode = "event" if attempt % 2 == 0 else "commit"
        # Every read model takes each batch in one commit: a few commits in is mid-log.
        at = rng.randint(1, events // 4) if mode == "event" else rng.randint(1, 3)
        child = spawn.Process(
            target=catch_up_until_killed,
            args=(database.database_url, database.database_schema, mode, at, rng.choice([7, 50, 333])),
        )
        child.start()
        child.join(120)
        exits.append(child.exitcode)
        if child.exitcode == 0:
            break

    apdr.read_models.catch_up()

    assert KILLED_MID_BATCH in exits and KILLED_AT_COMMIT in exits, exits
    assert snapshot(apdr) == uninterrupted


def test_given_a_rebuild_killed_mid_transaction_when_caught_up_then_its_tables_match_an_uninterrupted_run(
    apdr: Apdr, database: Config
) -> None:
    """A read model catching up on its own takes many batches in one transaction: killed
    after some were sent, none of them is kept, and its position has not moved."""
    load_demo_school(apdr.record, as_of=date(2026, 10, 16), seed=3)
    apdr.read_models.catch_up()
    uninterrupted = snapshot(apdr)
    apdr.read_models.reset("chronology")
    spawn = multiprocessing.get_context("spawn")
    exits = []
    for mode, at in (("event", 300), ("commit", 1)):
        # Batches of seven: the 300th event is in the transaction's 43rd batch; the first commit
        # counted (after the process has opened) is the one that would end it.
        child = spawn.Process(
            target=catch_up_until_killed,
            args=(database.database_url, database.database_schema, mode, at, 7, "chronology"),
        )
        child.start()
        child.join(120)
        exits.append(child.exitcode)
        with apdr.engine.connect() as conn:
            at_position = conn.execute(
                sa.select(positions.c.position).where(positions.c.name == "chronology")
            ).scalar_one()
        assert at_position == 0, (mode, exits)

    apdr.read_models.catch_up()

    assert exits == [KILLED_MID_BATCH, KILLED_AT_COMMIT]
    assert snapshot(apdr) == uninterrupted
