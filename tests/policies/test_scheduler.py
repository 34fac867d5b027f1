"""The daily run: in exactly one process, however many run the scheduler."""

from __future__ import annotations

import multiprocessing
import time
from datetime import date, datetime, timedelta
from typing import Any

from apdr.aggregates.policy_run import DailyPolicyRun
from apdr.config import Config
from apdr.policies.scheduler import JOB_ID, LONDON, start_scheduler
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts
from tests.support.processes import run_daily_at_once, schedule_daily_at

AS_OF = date(2026, 11, 16)
SPAWN = multiprocessing.get_context("spawn")


def _overdue_plan(history: History) -> None:
    history.plan(history.pupil(), date(2026, 9, 21), review_due_on=date(2026, 11, 2))


def _settings(database: Config) -> dict[str, Any]:
    return {"database_url": database.database_url, "database_schema": database.database_schema}


def _recorded(apdr: Apdr, aggregate_id: Any) -> list[str]:
    return [type(e).__qualname__ for e in apdr.record.events.get(aggregate_id)]


def _two_processes(target: Any, *args: Any) -> list[Any]:
    out = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, out)) for _ in range(2)]
    for p in processes:
        p.start()
    answers = [out.get(timeout=300) for _ in processes]
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    return answers


def test_given_two_processes_when_both_run_the_same_days_policies_at_once_then_only_one_runs_them(
    apdr: Apdr, database: Config
) -> None:
    history = History(apdr.record)
    _overdue_plan(history)
    start = SPAWN.Barrier(2)

    answers = _two_processes(run_daily_at_once, _settings(database), AS_OF, start)

    assert sorted(answers, key=str) == [1, None]  # one raised the alert, the other skipped
    assert len(alerts(apdr, history, "overdue_review")) == 1
    (alert,) = alerts(apdr, history, "overdue_review")
    assert _recorded(apdr, alert["alert_id"]) == ["Alert.Raised"]
    lease_id = DailyPolicyRun.create_id(AS_OF)
    assert _recorded(apdr, lease_id) == ["DailyPolicyRun.Claimed", "DailyPolicyRun.Completed"]


def test_given_two_processes_running_the_scheduler_when_the_daily_job_fires_in_both_then_the_policies_run_once(
    apdr: Apdr, database: Config
) -> None:
    history = History(apdr.record)
    _overdue_plan(history)
    at = time.time() + 10  # time enough for both processes to start (a late one still fires it)

    answers = _two_processes(schedule_daily_at, _settings(database), AS_OF, at)

    assert answers == ["ran", "ran"]  # the job fired in both processes
    lease_id = DailyPolicyRun.create_id(AS_OF)
    assert _recorded(apdr, lease_id) == ["DailyPolicyRun.Claimed", "DailyPolicyRun.Completed"]
    (alert,) = alerts(apdr, history, "overdue_review")
    assert _recorded(apdr, alert["alert_id"]) == ["Alert.Raised"]


def test_given_a_day_already_claimed_when_another_process_claims_it_then_it_is_refused(
    apdr: Apdr, database: Config
) -> None:
    other = Apdr.open(database)
    try:
        first = apdr.record.claim_daily_policy_run(AS_OF, claimed_by="worker-1")
        second = other.record.claim_daily_policy_run(AS_OF, claimed_by="worker-2")
        next_day = other.record.claim_daily_policy_run(AS_OF + timedelta(days=1), claimed_by="worker-2")
    finally:
        other.close()

    assert first is not None and first.claimed_by == "worker-1"
    assert second is None
    assert next_day is not None


def test_given_the_scheduler_when_it_starts_then_the_job_runs_daily_at_half_past_six_london_time(
    apdr: Apdr,
) -> None:
    scheduler = start_scheduler(apdr.record, apdr.read_models, as_of=lambda: AS_OF, catch_up=False)
    try:
        job = scheduler.get_job(JOB_ID)
        fields = {f.name: str(f) for f in job.trigger.fields}
        next_run = job.next_run_time
    finally:
        scheduler.shutdown()

    assert (fields["hour"], fields["minute"], fields["day"]) == ("6", "30", "*")
    assert str(job.trigger.timezone) == "Europe/London"
    assert (next_run.hour, next_run.minute) == (6, 30)
    assert datetime.now(LONDON) < next_run <= datetime.now(LONDON) + timedelta(days=1)


def test_given_a_worker_starting_when_its_scheduler_starts_then_it_catches_up_yesterdays_run(
    apdr: Apdr,
) -> None:
    lease_id = DailyPolicyRun.create_id(datetime.now(LONDON).date() - timedelta(days=1))

    apdr.start_worker()
    deadline = time.time() + 120
    while time.time() < deadline and DailyPolicyRun.Completed.__qualname__ not in _recorded(apdr, lease_id):
        time.sleep(0.1)

    assert _recorded(apdr, lease_id) == ["DailyPolicyRun.Claimed", "DailyPolicyRun.Completed"]


def test_given_apdr_today_pinned_when_the_worker_starts_then_it_runs_the_policies_as_of_the_day_before(
    database: Config,
) -> None:
    pinned = database.model_copy(update={"today": date(2026, 11, 17)})
    apdr = Apdr.open(pinned)
    try:
        history = History(apdr.record)
        _overdue_plan(history)
        lease_id = DailyPolicyRun.create_id(AS_OF)

        apdr.start_worker()
        deadline = time.time() + 120
        while time.time() < deadline and DailyPolicyRun.Completed.__qualname__ not in _recorded(
            apdr, lease_id
        ):
            time.sleep(0.1)

        assert apdr.today() == date(2026, 11, 17)
        assert _recorded(apdr, lease_id) == ["DailyPolicyRun.Claimed", "DailyPolicyRun.Completed"]
        assert len(alerts(apdr, history, "overdue_review", status="open")) == 1
    finally:
        apdr.close()
