"""single_trained_staff: only one trained person can deliver an intervention."""

from __future__ import annotations

from datetime import date

from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import (
    alerts,
    assert_resolved_by_policy,
    of_kind,
    run,
    run_twice_and_find_one,
)

KIND = "single_trained_staff"


def test_given_only_one_member_of_staff_trained_when_the_policy_runs_twice_then_one_alert_until_a_second_is_trained(
    apdr: Apdr, history: History
) -> None:
    jo, sam = history.staff("Jo Bloggs"), history.staff("Sam Green")
    ali, bea = history.staff("Ali Shah"), history.staff("Bea Nowak")
    history.train(jo, "Precision teaching", date(2026, 9, 1))
    history.train(ali, "Lego therapy", date(2026, 9, 1))
    history.train(bea, "Lego therapy", date(2026, 9, 2))
    pt = history.intervention([jo, sam], name="Precision teaching: HFW", programme="Precision teaching")
    history.intervention([ali], name="Lego club", programme="Lego therapy")

    alert = run_twice_and_find_one(apdr, history, date(2026, 10, 1), KIND)

    assert alert["intervention_id"] == pt and alert["subject"] == str(pt)
    assert alert["summary"].startswith(
        "Precision teaching: HFW: only Jo Bloggs is trained in Precision teaching (at least 2 should be)."
    )

    # Programmes match whatever their case and spacing; Sam's training lapses on 1 November.
    history.train(sam, " precision TEACHING", date(2026, 10, 1), expires_on=date(2026, 11, 1))
    assert_resolved_by_policy(apdr, history, date(2026, 10, 1), alert)

    lapsed = run(apdr, history, date(2026, 11, 10))
    (raised,) = of_kind(lapsed.raised, KIND)
    assert raised["id"] == alert["alert_id"] and raised["times_raised"] == 2


def test_given_an_intervention_not_yet_started_when_the_policy_runs_then_it_is_not_watched_yet(
    apdr: Apdr, history: History
) -> None:
    jo = history.staff()
    history.intervention([jo], starts_on=date(2026, 11, 2))

    run(apdr, history, date(2026, 10, 1))

    assert alerts(apdr, history, KIND) == []
