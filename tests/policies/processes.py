"""What each spawned process does in the scheduler tests (importable, so spawn can find it)."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.triggers.date import DateTrigger

from apdr.policies.scheduler import LONDON, run_daily, start_scheduler
from apdr.runtime import Apdr
from tests.conftest import fast_settings


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
