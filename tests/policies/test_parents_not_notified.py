"""parents_not_notified: SEN support begun without parents being formally notified."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import SenProvision
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, of_kind, run, run_twice_and_find_one

KIND = "parents_not_notified"


def on_sen_support(history: History, pupil_id: object, on: date, notified_on: date | None) -> object:
    return history.sen_status(
        pupil_id,
        SenProvision.sen_support,
        on,
        notified_on=notified_on,
        reason="Needs support additional to high-quality teaching",
    )


def test_given_sen_support_for_over_a_week_without_notifying_parents_when_the_policy_runs_twice_then_one_alert_until_they_are(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    change = on_sen_support(history, amira, date(2026, 9, 14), notified_on=None)
    on_sen_support(history, ben, date(2026, 9, 14), notified_on=date(2026, 9, 15))

    within_the_week = run(apdr, history, date(2026, 9, 21))
    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 22), KIND)

    assert of_kind(within_the_week.raised, KIND) == []
    assert alert["pupil_id"] == amira and alert["subject"] == f"{amira}/{change}"
    assert alert["summary"].startswith(
        "Amira Khan has been on SEN support since 14 Sep 2026 (8 days) and no formal notification of parents"
    )

    history.notify_parents(amira, date(2026, 9, 23), "Letter home")
    assert_resolved_by_policy(apdr, history, date(2026, 9, 23), alert)


def test_given_a_pupil_who_left_when_the_policy_runs_then_their_parents_are_not_chased(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    on_sen_support(history, amira, date(2026, 9, 14), notified_on=None)
    history.leave(amira, date(2026, 9, 18), "Moved school")

    run(apdr, history, date(2026, 9, 30))

    assert alerts(apdr, history, KIND) == []
