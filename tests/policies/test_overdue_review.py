"""overdue_review: a support plan past its review date and not reviewed."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import Rating
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import (
    alerts,
    assert_resolved_by_policy,
    of_kind,
    run,
    run_twice_and_find_one,
)


def test_given_a_plan_two_weeks_past_its_review_date_when_the_policy_runs_twice_then_one_alert_until_it_is_reviewed(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    late = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 11, 2))
    history.plan(ben, date(2026, 9, 21), review_due_on=date(2026, 12, 11))

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 16), "overdue_review")

    assert (alert["pupil_id"], alert["plan_id"]) == (amira, late)
    assert alert["subject"] == f"{amira}/{late}"
    assert alert["summary"].startswith(
        "Amira Khan's support plan was due for review on 2 Nov 2026, 14 days ago, and has not been reviewed."
    )

    history.review(late, date(2026, 11, 16), Rating.partly_met, next_due=date(2027, 2, 12))
    assert_resolved_by_policy(apdr, history, date(2026, 11, 16), alert)


def test_given_a_plan_within_a_week_of_its_review_date_when_the_policy_runs_then_it_is_not_yet_overdue(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 11, 2))

    run(apdr, history, date(2026, 11, 9))  # seven days: the grace a review needs to be written up

    assert alerts(apdr, history, "overdue_review") == []


def test_given_a_review_recorded_later_when_the_policy_runs_for_an_earlier_date_then_the_plan_was_overdue_then(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 10, 19))
    history.review(plan_id, date(2026, 11, 16), Rating.met, next_due=date(2027, 2, 12))

    back_then = run(apdr, history, date(2026, 11, 2))
    now = run(apdr, history, date(2026, 11, 20))

    assert [a["plan_id"] for a in of_kind(back_then.raised, "overdue_review")] == [plan_id]
    assert [a["plan_id"] for a in of_kind(now.resolved, "overdue_review")] == [plan_id]


def test_given_an_overdue_plan_resolved_by_hand_when_the_cause_persists_then_it_stays_resolved_until_the_cause_goes_and_comes_back(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 10, 19))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 2), "overdue_review")
    history.record.resolve_alert(
        history.senco, alert["alert_id"], today=date(2026, 11, 2), note="Review held; notes to follow"
    )

    persisting = run(apdr, history, date(2026, 11, 3))
    history.record.move_review(history.senco, plan_id, review_due_on=date(2026, 11, 9), reason="Parent asked")
    gone = run(apdr, history, date(2026, 11, 4))
    back = run(apdr, history, date(2026, 11, 20))

    assert persisting.raised == persisting.resolved == []
    assert gone.raised == gone.resolved == []  # already resolved: only its cause is marked gone
    assert [a["id"] for a in back.raised] == [alert["alert_id"]]
    (now,) = alerts(apdr, history, "overdue_review")
    assert now["status"] == "open" and now["times_raised"] == 2 and now["raised_on"] == date(2026, 11, 20)
    assert now["resolved_on"] is None and now["first_raised_on"] == date(2026, 11, 2)
    recorded = [type(e).__qualname__ for e in apdr.record.events.get(alert["alert_id"])]
    assert recorded == ["Alert.Raised", "Alert.Resolved", "Alert.CauseCleared", "Alert.Reraised"]
