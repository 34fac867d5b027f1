"""intervention_review_overdue: an intervention past its review date and not reviewed."""

from __future__ import annotations

from datetime import date

from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, of_kind, run, run_twice_and_find_one

KIND = "intervention_review_overdue"


def test_given_an_intervention_two_weeks_past_its_review_date_when_the_policy_runs_twice_then_one_alert_until_it_is_reviewed(
    apdr: Apdr, history: History
) -> None:
    jo, late = history.group(name="Precision teaching: HFW", review_due_on=date(2026, 10, 30))
    history.intervention([jo], name="Toe by Toe", review_due_on=date(2026, 12, 4))

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 13), "intervention_review_overdue")

    assert alert["intervention_id"] == late and alert["pupil_id"] is None
    assert alert["summary"].startswith(
        "Precision teaching: HFW was due for review on 30 Oct 2026, 14 days ago (not reviewed since it started)."
    )

    history.review_intervention(
        late, date(2026, 11, 13), "Most pupils on track; keep going", date(2027, 1, 15)
    )
    assert_resolved_by_policy(apdr, history, date(2026, 11, 13), alert)


def test_given_an_overdue_intervention_when_it_is_ended_then_its_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    _, pt = history.group(review_due_on=date(2026, 10, 30))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 13), "intervention_review_overdue")

    history.end_intervention(pt, date(2026, 11, 13), "Programme complete")

    assert_resolved_by_policy(apdr, history, date(2026, 11, 13), alert)


def test_given_an_intervention_reviewed_when_its_next_review_date_passes_then_it_is_overdue_again(
    apdr: Apdr, history: History
) -> None:
    _, pt = history.group(review_due_on=date(2026, 10, 16))
    history.review_intervention(pt, date(2026, 10, 16), "On track", date(2026, 11, 6))

    before = run(apdr, history, date(2026, 11, 13))  # seven days after: still within the grace
    after = run(apdr, history, date(2026, 11, 14))

    assert of_kind(before.raised, KIND) == []
    (raised,) = of_kind(after.raised, KIND)
    assert raised["intervention_id"] == pt
    assert "last reviewed on 16 Oct 2026" in raised["summary"]
    assert len(alerts(apdr, history, "intervention_review_overdue")) == 1
