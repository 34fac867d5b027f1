"""untrained_delivery: sessions delivered by staff not trained in the programme."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from apdr.aggregates.codes import AttendanceStatus
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, run, run_twice_and_find_one

KIND = "untrained_delivery"
PRESENT = AttendanceStatus.present
AS_OF = date(2026, 10, 2)


def _sam_covers_for_trained_jo(history: History, *covered: date) -> tuple[UUID, UUID, UUID, UUID]:
    """Amira in Jo's Precision teaching group, Jo trained in it and delivering on 21 September 2026, and
    untrained Sam delivering on each ``covered`` day: (Amira, Jo, Sam, the intervention)."""
    amira = history.pupil()
    jo, sam = history.staff("Jo Bloggs"), history.staff("Sam Green")
    history.train(jo, "Precision teaching", date(2026, 9, 1))
    pt = history.intervention([jo], programme="Precision teaching")
    history.enrol(pt, amira)
    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT})
    for on in covered:
        history.session(pt, sam, on, {amira: PRESENT})
    return amira, jo, sam, pt


def test_given_sessions_delivered_by_untrained_cover_when_the_policy_runs_twice_then_one_alert_until_they_are_trained(
    apdr: Apdr, history: History
) -> None:
    amira, jo, sam, pt = _sam_covers_for_trained_jo(history, date(2026, 9, 23), date(2026, 9, 25))
    history.session(pt, jo, date(2026, 9, 28), {amira: PRESENT})

    alert = run_twice_and_find_one(apdr, history, AS_OF, KIND)

    assert alert["intervention_id"] == pt and alert["subject"] == f"{pt}/{sam}"
    assert alert["summary"].startswith(
        "Sam Green delivered 2 sessions of Precision teaching: HFW since 5 Sep 2026 with no training "
        "recorded in Precision teaching."
    )

    history.train(sam, "Precision teaching", AS_OF)
    assert_resolved_by_policy(apdr, history, AS_OF, alert)


def test_given_training_that_expired_when_its_holder_delivers_then_the_alert_says_when_it_lapsed(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo = history.staff("Jo Bloggs")
    history.train(jo, "Precision teaching", date(2024, 9, 1), expires_on=date(2026, 9, 30))
    pt = history.intervention([jo], programme="Precision teaching")
    history.enrol(pt, amira)
    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT})
    history.session(pt, jo, date(2026, 9, 23), {amira: PRESENT})

    before = run(apdr, history, date(2026, 9, 30))
    after = run(apdr, history, date(2026, 10, 1))

    assert [a for a in before.raised if a["kind"] == KIND] == []
    (raised,) = [a for a in after.raised if a["kind"] == KIND]
    assert "whose training expired on 30 Sep 2026" in raised["summary"]


def test_given_an_untrained_session_long_ago_when_the_look_back_has_passed_then_the_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    sam = history.staff("Sam Green")
    pt = history.intervention([sam])
    history.enrol(pt, amira)
    history.session(pt, sam, date(2026, 9, 21), {amira: PRESENT})
    history.session(pt, sam, date(2026, 9, 23), {amira: PRESENT})
    # 18 October is the 28th day counting 21 September.
    alert = run_twice_and_find_one(apdr, history, date(2026, 10, 18), KIND)

    # From 19 October only the session of 23 September is within the 28 days: one is not a pattern.
    assert_resolved_by_policy(apdr, history, date(2026, 10, 19), alert)
    assert len(alerts(apdr, history, KIND)) == 1


def test_given_one_cover_session_by_untrained_staff_when_the_policy_runs_then_it_is_not_a_pattern(
    apdr: Apdr, history: History
) -> None:
    _sam_covers_for_trained_jo(history, date(2026, 9, 23))

    run(apdr, history, AS_OF)

    assert alerts(apdr, history, KIND) == []
