"""The daily policy run: APScheduler 3 in the one process that follows the log.

``apdr worker`` (and ``apdr serve`` when it runs the worker in process)
starts a BackgroundScheduler with one cron job, every day at 06:30 London
time, before the school day. It runs every setting's policies as of the day
before: the last day whose history is complete. It also runs once as soon as
the process starts, so a worker that was down at 06:30 catches up.

APScheduler 3 cannot share its job store between processes, and someone will
one day start two workers, or restart one at 06:30. So each run first claims
the day's lease in the event store (``DailyPolicyRun``, its id derived from
the day): the first process to save it runs the policies, any other gets a
conflict and skips. A run that dies part-way is not retried that day; the
next day's run finds every cause still there.

The daily run goes through the same rule as any other: in a setting whose
policies someone has already run live as of a later date, it is a preview
and changes no alert (the live alerts only move forward in time).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from apdr.application import Actor
from apdr.policies.runner import PolicyRunner, RunResult

if TYPE_CHECKING:
    from apdr.application import SenRecord
    from apdr.projections.runner import ReadModels

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
DAILY_AT = {"hour": 6, "minute": 30}
SCHEDULER = Actor.system("scheduler")
JOB_ID = "daily-policies"


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_daily(record: SenRecord, read_models: ReadModels, as_of: date) -> list[RunResult] | None:
    """Run every setting's policies as of ``as_of``, unless another process
    already has: answers the results, or None when this process skipped."""
    lease = record.claim_daily_policy_run(as_of, claimed_by=this_process())
    if lease is None:
        log.info("policies as of %s: already run by another process; skipping", as_of)
        return None
    results = PolicyRunner(record, read_models).run_all(SCHEDULER, as_of)
    raised = sum(len(r.raised) for r in results)
    resolved = sum(len(r.resolved) for r in results)
    record.complete_daily_policy_run(lease, raised=raised, resolved=resolved)
    for preview in (r for r in results if r.preview):
        log.info(
            "policies as of %s for setting %s: a preview, changing nothing; its live alerts stand as of %s",
            as_of,
            preview.setting_id,
            preview.live_as_of,
        )
    log.info("policies as of %s: %d alerts raised, %d resolved", as_of, raised, resolved)
    return results


def start_scheduler(
    record: SenRecord,
    read_models: ReadModels,
    *,
    trigger: BaseTrigger | None = None,
    as_of: Callable[[], date],
    catch_up: bool = True,
) -> BackgroundScheduler:
    """Start the daily run as of the date ``as_of`` answers (tests give their own trigger)."""
    scheduler = BackgroundScheduler(timezone=LONDON)
    options: dict[str, Any] = {}
    if catch_up:
        options["next_run_time"] = datetime.now(LONDON)
    scheduler.add_job(
        _daily_job,
        trigger or CronTrigger(**DAILY_AT, timezone=LONDON),
        args=[record, read_models, as_of],
        id=JOB_ID,
        name="run the policies as of yesterday",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
        **options,
    )
    scheduler.start()
    return scheduler


def _daily_job(record: SenRecord, read_models: ReadModels, as_of: Callable[[], date]) -> None:
    try:
        run_daily(record, read_models, as_of())
    except Exception:
        log.exception("the daily policy run failed; the next run will try again")
