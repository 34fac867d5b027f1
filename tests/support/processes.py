"""What each process a test spawns does: importable, so that spawn can find it.

Each opens apdr afresh from plain settings (a dict, or a URL and schema), as a new worker would.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date, datetime
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.triggers.date import DateTrigger

from apdr.policies.scheduler import LONDON, run_daily, start_scheduler
from apdr.projections.projection import Projection
from apdr.runtime import Apdr
from tests.support.database import fast_settings

# -- the start-up test -----------------------------------------------------------------


def open_at_once(settings: dict[str, Any], start: Barrier, out: Queue[Any]) -> None:
    """Wait for the others, then open apdr on a database nobody has set up yet."""
    start.wait(timeout=120)
    try:
        Apdr.open(fast_settings(**settings)).close()
        out.put("opened")
    except BaseException as error:
        out.put(f"error: {error!r}")
        raise


# -- a projection process that dies at a chosen point, as a kill -9 would leave it -----

KILLED_MID_BATCH, KILLED_AT_COMMIT = 70, 71


def catch_up_until_killed(
    database_url: str, schema: str, mode: str, at: int, batch_size: int, only: str | None = None
) -> None:
    """Run the projections (or catch up ``only`` that read model, its batches in
    transactions of up to a minute), and die without cleaning up at the ``at``-th
    event applied (mode 'event') or the ``at``-th commit (mode 'commit')."""
    apdr = Apdr.open(fast_settings(database_url=database_url, database_schema=schema))
    apdr.read_models.batch_size = batch_size
    apdr.read_models.transaction_seconds = 60.0
    seen = 0

    if mode == "event":
        original = Projection.apply

        def apply(self: Projection, event: object, batch: object) -> None:
            nonlocal seen
            seen += 1
            if seen == at:
                os._exit(KILLED_MID_BATCH)
            original(self, event, batch)  # type: ignore[arg-type]

        Projection.apply = apply  # type: ignore[method-assign]
    else:

        @sa.event.listens_for(apdr.engine, "commit")
        def commit(conn: sa.Connection) -> None:
            nonlocal seen
            seen += 1
            if seen == at:
                os._exit(KILLED_AT_COMMIT)

    apdr.read_models.catch_up(only)
    os._exit(0)


# -- the scheduler tests ---------------------------------------------------------------


def run_daily_at_once(settings: dict[str, Any], as_of: date, start: Barrier, out: Queue[Any]) -> None:
    """Open apdr, wait for the other process, then both run the day's policies at once."""
    try:
        apdr = Apdr.open(fast_settings(**settings))
    except BaseException as error:
        start.abort()
        out.put(f"error: {error!r}")
        raise
    try:
        start.wait(timeout=180)
        results = run_daily(apdr.record, apdr.read_models, as_of)
        out.put(None if results is None else sum(len(r.raised) for r in results))
    except BaseException as error:
        out.put(f"error: {error!r}")
        raise
    finally:
        apdr.close()


def schedule_daily_at(settings: dict[str, Any], as_of: date, at: float, out: Queue[Any]) -> None:
    """Start the real scheduler with the daily job due at ``at`` (a timestamp), wait
    until it has fired here, and stop."""
    try:
        apdr = Apdr.open(fast_settings(**settings))
    except BaseException as error:
        out.put(f"error: {error!r}")
        raise
    try:
        trigger = DateTrigger(run_date=datetime.fromtimestamp(at, LONDON))
        scheduler = start_scheduler(
            apdr.record, apdr.read_models, trigger=trigger, as_of=lambda: as_of, catch_up=False
        )
        fired: list[int] = []
        finished = threading.Event()

        def listen(event: Any) -> None:
            fired.append(event.code)
            finished.set()

        scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        finished.wait(timeout=max(0.0, at - time.time()) + 120)
        scheduler.shutdown(wait=True)
        out.put("ran" if fired == [EVENT_JOB_EXECUTED] else f"not run: {fired}")
    except BaseException as error:
        out.put(f"error: {error!r}")
        raise
    finally:
        apdr.close()
