"""The live alerts only move forward in time: a run as of a date before the latest
live run is a preview that changes nothing, whoever or whatever runs it; and an
acknowledgement lasts as long as the alert's cause."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from apdr.aggregates import Alert
from apdr.aggregates.codes import Rating
from apdr.aggregates.policy_run import DailyPolicyRun, LivePolicyRuns
from apdr.policies.scheduler import run_daily
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import POLICY_RUN, alerts, of_kind, run

LATE_NOVEMBER = date(2026, 11, 20)
OCTOBER = date(2026, 10, 20)


def _recorded(apdr: Apdr, aggregate_id: UUID) -> list[str]:
    return [type(e).__qualname__ for e in apdr.record.events.get(aggregate_id)]


def _overdue_in_november(history: History) -> tuple[UUID, UUID]:
    """Due for review on 2 November, unreviewed: overdue in late November, not in October."""
    amira = history.pupil("Amira", "Khan")
    return amira, history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 11, 2))


def _overdue_in_october(history: History) -> tuple[UUID, UUID]:
    """Due for review on 5 October, reviewed on 30 October: overdue on 20 October only."""
    cara = history.pupil("Cara", "Jones")
    plan_id = history.plan(cara, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    history.review(plan_id, date(2026, 10, 30), Rating.partly_met, next_due=date(2027, 2, 12))
    return cara, plan_id


def _snapshot(apdr: Apdr, history: History) -> list[tuple[dict[str, Any], int]]:
    return [
        (a, apdr.record.repository.get(a["alert_id"]).version)
        for kind in ("overdue_review", "ehcp_deadline")
        for a in alerts(apdr, history, kind)
    ]


def test_given_a_live_run_as_of_late_november_when_the_daily_scheduler_runs_as_of_october_then_it_changes_nothing(
    apdr: Apdr, history: History
) -> None:
    _overdue_in_november(history)
    cara, cara_plan = _overdue_in_october(history)
    (alert,) = run(apdr, history, LATE_NOVEMBER).raised
    history.record.acknowledge_alert(history.senco, alert["id"], today=LATE_NOVEMBER, note="Review on Friday")
    before = _snapshot(apdr, history)
    runs_before = _recorded(apdr, LivePolicyRuns.create_id(history.setting_id))

    results = run_daily(apdr.record, apdr.read_models, OCTOBER)

    assert results is not None
    (result,) = results
    assert (result.preview, result.live_as_of) == (True, LATE_NOVEMBER)
    assert result.raised == result.resolved == []
    assert [f["id"] for f in result.found] == [Alert.create_id("overdue_review", f"{cara}/{cara_plan}")]
    assert _snapshot(apdr, history) == before
    (now,) = alerts(apdr, history, "overdue_review")
    assert (now["status"], now["acknowledgement"]) == ("acknowledged", "Review on Friday")
    assert _recorded(apdr, LivePolicyRuns.create_id(history.setting_id)) == runs_before
    assert _recorded(apdr, DailyPolicyRun.create_id(OCTOBER)) == [
        "DailyPolicyRun.Claimed",
        "DailyPolicyRun.Completed",
    ]


def test_given_live_runs_when_each_runs_as_of_the_same_date_or_later_then_it_is_recorded_before_it_changes_anything(
    apdr: Apdr, history: History
) -> None:
    _overdue_in_november(history)

    first = run(apdr, history, date(2026, 11, 16))
    again = run(apdr, history, date(2026, 11, 16))
    later = run(apdr, history, LATE_NOVEMBER)
    earlier = run(apdr, history, date(2026, 11, 17))

    assert [(r.preview, r.live_as_of) for r in (first, again, later, earlier)] == [
        (False, date(2026, 11, 16)),
        (False, date(2026, 11, 16)),
        (False, LATE_NOVEMBER),
        (True, LATE_NOVEMBER),
    ]
    runs = apdr.record.repository.get(LivePolicyRuns.create_id(history.setting_id))
    assert (runs.setting_id, runs.latest_as_of, runs.latest_by) == (
        history.setting_id,
        LATE_NOVEMBER,
        POLICY_RUN.email,
    )
    events = list(apdr.record.events.get(runs.id))
    assert [type(e).__qualname__ for e in events] == ["LivePolicyRuns.Opened"] + ["LivePolicyRuns.Ran"] * 3
    assert [(e.as_of, e.recorded_by) for e in events[1:]] == [
        (date(2026, 11, 16), POLICY_RUN.email),
        (date(2026, 11, 16), POLICY_RUN.email),
        (LATE_NOVEMBER, POLICY_RUN.email),
    ]
    assert apdr.record.latest_live_policy_run(history.setting_id) == LATE_NOVEMBER
    # The run was recorded before the alert it raised.
    (alert,) = alerts(apdr, history, "overdue_review")
    notifications = apdr.record.recorder.select_notifications(start=1, limit=10_000)
    ids = [n.originator_id for n in notifications]
    assert ids.index(runs.id) < ids.index(alert["alert_id"])


def test_given_an_acknowledged_alert_when_its_cause_persists_then_goes_and_comes_back_then_only_the_new_occurrence_is_unacknowledged(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2026, 12, 14)
    _, plan_id = _overdue_in_november(history)
    (raised,) = run(apdr, history, date(2026, 11, 16)).raised
    history.record.acknowledge_alert(
        history.senco, raised["id"], today=date(2026, 11, 16), note="Review booked for the 24th"
    )

    persisting = run(apdr, history, LATE_NOVEMBER)
    (kept,) = alerts(apdr, history, "overdue_review")
    history.review(plan_id, date(2026, 11, 24), Rating.partly_met, next_due=date(2026, 12, 4))
    gone = run(apdr, history, date(2026, 11, 24))
    back = run(apdr, history, date(2026, 12, 14))

    assert persisting.raised == persisting.resolved == []
    assert [f["id"] for f in of_kind(persisting.found, "overdue_review")] == [raised["id"]]
    assert (kept["status"], kept["acknowledgement"]) == ("acknowledged", "Review booked for the 24th")
    assert kept["acknowledged_by"] == history.senco.email
    assert [a["id"] for a in gone.resolved] == [raised["id"]]
    assert [a["id"] for a in back.raised] == [raised["id"]]
    (now,) = alerts(apdr, history, "overdue_review")
    assert (now["status"], now["times_raised"], now["raised_on"]) == ("open", 2, date(2026, 12, 14))
    assert (
        now["acknowledgement"] is None and now["acknowledged_on"] is None and now["acknowledged_by"] is None
    )
    assert _recorded(apdr, raised["id"]) == [
        "Alert.Raised",
        "Alert.Acknowledged",
        "Alert.Resolved",
        "Alert.Reraised",
    ]


def test_given_an_alert_a_newer_run_resolved_when_an_older_run_still_finds_its_cause_then_it_is_skipped(
    apdr: Apdr, history: History
) -> None:
    amira, plan_id = _overdue_in_november(history)
    (raised,) = run(apdr, history, date(2026, 11, 16)).raised
    history.review(plan_id, LATE_NOVEMBER, Rating.met, next_due=date(2027, 2, 12))
    run(apdr, history, LATE_NOVEMBER)  # resolved by policy as of 20 November

    # What an older live run, overlapping the newer one, would try next.
    raised_again = history.record.raise_alert(
        POLICY_RUN,
        setting_id=history.setting_id,
        kind="overdue_review",
        subject=f"{amira}/{plan_id}",
        raised_on=date(2026, 11, 17),
        summary="overdue as of 17 November",
        pupil_id=amira,
        plan_id=plan_id,
    )

    assert raised_again is False
    assert _recorded(apdr, raised["id"]) == ["Alert.Raised", "Alert.Resolved"]
    (now,) = alerts(apdr, history, "overdue_review")
    assert (now["status"], now["resolved_on"]) == ("resolved", LATE_NOVEMBER)


def test_given_an_alert_a_newer_run_raised_when_an_older_run_no_longer_finds_its_cause_then_it_is_skipped(
    apdr: Apdr, history: History
) -> None:
    _overdue_in_november(history)
    (raised,) = run(apdr, history, LATE_NOVEMBER).raised

    resolved = history.record.cause_gone(POLICY_RUN, raised["id"], on=date(2026, 11, 9))

    assert resolved is False
    assert _recorded(apdr, raised["id"]) == ["Alert.Raised"]
    (now,) = alerts(apdr, history, "overdue_review")
    assert now["status"] == "open"
