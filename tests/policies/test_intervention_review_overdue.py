"""intervention_review_overdue: an intervention past its review date and not reviewed."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import InterventionDecision
from apdr.runtime import Apdr
from tests.policies.support import alerts, assert_resolved_by_policy, of_kind, run, run_twice_and_find_one
from tests.support.history import History

KIND = "intervention_review_overdue"


def test_given_an_intervention_two_weeks_past_its_review_date_when_the_policy_runs_twice_then_one_alert_until_it_is_reviewed(
    apdr: Apdr, history: History
) -> None:
    jo = history.staff()
    late = history.intervention([jo], name="Precision teaching: HFW", review_due_on=date(2026, 10, 30))
    history.intervention([jo], name="Toe by Toe", review_due_on=date(2026, 12, 4))

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 13), "intervention_review_overdue")

    assert alert["intervention_id"] == late and alert["pupil_id"] is None
    assert alert["summary"].startswith(
        "Precision teaching: HFW was due for review on 30 Oct 2026, 14 days ago (not reviewed since it started)."
    )

    history.record.review_intervention(
        history.senco,
        late,
        today=history.today,
        reviewed_on=date(2026, 11, 13),
        summary="Most pupils on track; keep going",
        decision=InterventionDecision.continue_,
        next_review_due_on=date(2027, 1, 15),
    )
    assert_resolved_by_policy(apdr, history, date(2026, 11, 13), alert)


def test_given_an_overdue_intervention_when_it_is_ended_then_its_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    jo = history.staff()
    pt = history.intervention([jo], review_due_on=date(2026, 10, 30))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 13), "intervention_review_overdue")

    history.record.end_intervention(
        history.senco, pt, today=history.today, ended_on=date(2026, 11, 13), reason="Programme complete"
    )

    assert_resolved_by_policy(apdr, history, date(2026, 11, 13), alert)


def test_given_an_intervention_reviewed_when_its_next_review_date_passes_then_it_is_overdue_again(
    apdr: Apdr, history: History
) -> None:
    jo = history.staff()
    pt = history.intervention([jo], review_due_on=date(2026, 10, 16))
    history.record.review_intervention(
        history.senco,
        pt,
        today=history.today,
        reviewed_on=date(2026, 10, 16),
        summary="On track",
        decision=InterventionDecision.continue_,
        next_review_due_on=date(2026, 11, 6),
    )

    before = run(apdr, history, date(2026, 11, 13))  # seven days after: still within the grace
    after = run(apdr, history, date(2026, 11, 14))

    assert of_kind(before.raised, KIND) == []
    (raised,) = of_kind(after.raised, KIND)
    assert raised["intervention_id"] == pt
    assert "last reviewed on 16 Oct 2026" in raised["summary"]
    assert len(alerts(apdr, history, "intervention_review_overdue")) == 1
