"""An intervention: how it is planned, who is in it, every session, what was missed, observed and reviewed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from apdr.aggregates import Intervention
from apdr.aggregates.codes import (
    AttendanceStatus,
    Delivery,
    InterventionDecision,
    MissedReason,
    Weekday,
)
from apdr.aggregates.school_year import SchoolCalendar, default_calendar
from apdr.errors import Conflict
from tests.support.aggregates import BY, TODAY, given, history, invalid, names, then
from tests.support.history import INTERVENTION

STARTS = date(2026, 9, 21)  # a Monday
MON, TUE, WED = date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)
# apdr's default calendar for 2026-27: autumn half-term is 26-30 October.
CALENDAR = default_calendar(2026, 2026)
STAFF = uuid4()
AMIRA, OLIVER, ZAINAB, HARRY = (uuid4() for _ in range(4))
PRESENT, ABSENT = AttendanceStatus.present, AttendanceStatus.absent
PLANNED: dict[str, Any] = {"setting_id": uuid4(), **INTERVENTION, "staff_ids": [STAFF], "recorded_by": BY}
Command = Callable[[Intervention], object]


def plan(**overrides: Any) -> Intervention:
    return Intervention.plan(**(PLANNED | overrides))


def intervention_after(*commands: Command, **planned: Any) -> Intervention:
    return given(*history(plan(**planned), *commands))


def enrolled(pupil_id: UUID, on: date = STARTS) -> Command:
    return lambda i: i.enrol(pupil_id=pupil_id, starts_on=on, plan_id=None, recorded_by=BY)


def withdrawn(pupil_id: UUID, on: date) -> Command:
    return lambda i: i.withdraw(pupil_id=pupil_id, withdrawn_on=on, reason="", recorded_by=BY, today=TODAY)


def marks(*pupils: UUID, status: AttendanceStatus = PRESENT) -> list[dict[str, Any]]:
    return [{"pupil_id": p, "status": status} for p in pupils]


def deliver(
    intervention: Intervention,
    *,
    session_id: UUID | None = None,
    on: date = MON,
    attendance: list[dict[str, Any]] | None = None,
    minutes: int = 20,
    focus: str = "HFW set 1",
    notes: str = "",
    additional: bool = False,
    calendar: SchoolCalendar = CALENDAR,
) -> bool:
    return intervention.record_session(
        session_id=session_id or uuid4(),
        delivered_on=on,
        minutes=minutes,
        delivered_by=STAFF,
        focus=focus,
        notes=notes,
        attendance=marks(AMIRA) if attendance is None else attendance,
        calendar=calendar,
        additional=additional,
        recorded_by=BY,
        today=TODAY,
    )


def delivered(session_id: UUID, on: date = MON, attendance: list[dict[str, Any]] | None = None) -> Command:
    return lambda i: deliver(i, session_id=session_id, on=on, attendance=attendance)


def missed(on: date, reason: MissedReason = MissedReason.staff_absence, notes: str = "") -> Command:
    return lambda i: i.record_missed_session(
        scheduled_on=on, reason=reason, notes=notes, calendar=CALENDAR, recorded_by=BY, today=TODAY
    )


def ended(on: date) -> Command:
    return lambda i: i.end(ended_on=on, reason="Finished", recorded_by=BY, today=TODAY)


def with_a_voided_session(on: date) -> Intervention:
    """Amira enrolled, and the one session delivered ``on`` then voided."""
    session_id = uuid4()
    return intervention_after(
        enrolled(AMIRA),
        delivered(session_id, on=on),
        lambda i: i.void_session(session_id=session_id, reason="Wrong group", recorded_by=BY),
    )


# -- planning ----------------------------------------------------------------------------


def test_given_nothing_when_an_intervention_is_planned_then_planned_records_it_tidied() -> None:
    intervention = plan(
        ratio=" 1 : 3 ",
        weekdays=[Weekday.fri, Weekday.mon],
        strategy_codes=["cl5", "SpLD3"],
        programme=" ",
    )

    (event,) = then(intervention)
    assert isinstance(event, Intervention.Planned)
    assert (event.ratio, event.weekdays) == ("1:3", [Weekday.mon, Weekday.fri])
    assert (event.strategy_codes, event.programme) == (["CL5", "SPLD3"], "Precision teaching: HFW")
    assert event.cost_per_year == Decimal("1200.00") and event.staff_ids == [STAFF]
    assert given(event).planned_end_on(STARTS) == date(2026, 11, 29)


@pytest.mark.parametrize("ratio", ["3", "1/3", "1:", ":3", "0:3", "1:0", "a:b", "1:2:3", "100:1"])
def test_given_nothing_when_the_ratio_is_not_adults_to_pupils_then_it_is_refused(ratio: str) -> None:
    invalid("ratio", lambda: plan(ratio=ratio))


def test_given_nothing_when_individual_delivery_is_not_1_to_1_then_it_is_refused() -> None:
    error = invalid("ratio", lambda: plan(delivery=Delivery.individual, ratio="1:2"))
    assert "1:1" in error.message
    assert then(plan(delivery=Delivery.individual, ratio="2:1"))[0].ratio == "2:1"


def test_given_nothing_when_weekdays_are_missing_or_repeated_then_they_are_refused() -> None:
    invalid("weekdays", lambda: plan(weekdays=[]))
    invalid("weekdays", lambda: plan(weekdays=[Weekday.mon, Weekday.wed, Weekday.mon]))


@pytest.mark.parametrize(("minutes", "ok"), [(4, False), (5, True), (180, True), (181, False)])
def test_given_nothing_when_a_session_length_is_planned_then_it_is_5_to_180_minutes(
    minutes: int, ok: bool
) -> None:
    if ok:
        assert then(plan(minutes_per_session=minutes))[0].minutes_per_session == minutes
    else:
        invalid("minutes_per_session", lambda: plan(minutes_per_session=minutes))


@pytest.mark.parametrize(("weeks", "ok"), [(0, False), (1, True), (52, True), (53, False)])
def test_given_nothing_when_the_weeks_are_planned_then_they_are_1_to_52(weeks: int, ok: bool) -> None:
    if ok:
        assert then(plan(planned_weeks=weeks))[0].planned_weeks == weeks
    else:
        invalid("planned_weeks", lambda: plan(planned_weeks=weeks))


def test_given_nothing_when_the_planned_weeks_would_run_past_the_calendar_then_the_start_is_refused() -> None:
    """A mistyped year such as 9999 would otherwise be recorded, and every read of the
    intervention's planned end would then fail."""
    error = invalid(
        "starts_on",
        lambda: plan(starts_on=date(9999, 12, 1), review_due_on=date(9999, 12, 31), planned_weeks=10),
    )
    assert "9999-12-01" in error.message
    assert given(*then(plan(starts_on=date(9999, 10, 1), review_due_on=date(9999, 12, 31)))).planned_end_on(
        date(9999, 10, 1)
    ) == date(9999, 12, 9)


def test_given_nothing_when_the_review_is_not_after_the_start_then_it_is_refused() -> None:
    invalid("review_due_on", lambda: plan(review_due_on=STARTS))


def test_given_nothing_when_the_cost_is_negative_then_it_is_refused_and_nothing_costs_nothing() -> None:
    invalid("cost_per_year", lambda: plan(cost_per_year=Decimal("-0.01")))
    assert then(plan(cost_per_year=Decimal(0)))[0].cost_per_year == 0


def test_given_nothing_when_a_strategy_code_is_unknown_then_its_place_is_named() -> None:
    error = invalid("strategy_codes[1]", lambda: plan(strategy_codes=["CL5", "CL10"]))
    assert "CL10" in error.message


def test_given_nothing_when_staff_repeat_or_name_or_aim_are_empty_then_they_are_refused() -> None:
    invalid("staff_ids", lambda: plan(staff_ids=[STAFF, STAFF]))
    invalid("name", lambda: plan(name=" "))
    invalid("aim", lambda: plan(aim=""))


# -- staff and pupils -----------------------------------------------------------------


def test_given_an_intervention_when_staff_are_assigned_and_unassigned_then_each_once() -> None:
    other = uuid4()
    intervention = intervention_after()

    invalid("staff_id", lambda: intervention.assign_staff(staff_id=STAFF, recorded_by=BY))
    invalid("staff_id", lambda: intervention.unassign_staff(staff_id=other, recorded_by=BY))
    intervention.assign_staff(staff_id=other, recorded_by=BY)
    intervention.unassign_staff(staff_id=STAFF, recorded_by=BY)

    assert names(then(intervention)) == ["StaffAssigned", "StaffUnassigned"]
    assert intervention.staff_ids == [other]


def test_given_an_intervention_when_a_pupil_is_enrolled_then_pupil_enrolled() -> None:
    intervention = intervention_after()
    plan_id = uuid4()

    enrolment_id = intervention.enrol(pupil_id=AMIRA, starts_on=STARTS, plan_id=plan_id, recorded_by=BY)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.PupilEnrolled)
    assert (event.enrolment_id, event.pupil_id, event.plan_id) == (enrolment_id, AMIRA, plan_id)
    assert intervention.enrolled_on(STARTS) == {AMIRA}


def test_given_an_intervention_when_a_pupil_is_enrolled_before_it_starts_then_it_is_refused() -> None:
    invalid("starts_on", lambda: enrolled(AMIRA, on=date(2026, 9, 20))(intervention_after()))


def test_given_an_enrolled_pupil_when_enrolled_again_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA))

    error = invalid("pupil_id", lambda: enrolled(AMIRA, on=MON)(intervention))
    assert "already enrolled" in error.message


def test_given_a_full_group_when_another_pupil_is_enrolled_then_the_ratio_says_no() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER), enrolled(ZAINAB))

    error = invalid("pupil_id", lambda: enrolled(HARRY)(intervention))
    assert "1:3" in error.message


def test_given_a_full_group_when_one_leaves_then_another_may_join() -> None:
    intervention = intervention_after(
        enrolled(AMIRA), enrolled(OLIVER), enrolled(ZAINAB), withdrawn(ZAINAB, MON)
    )

    enrolled(HARRY, on=TUE)(intervention)

    assert names(then(intervention)) == ["PupilEnrolled"]


def test_given_a_withdrawn_pupil_when_re_enrolled_then_only_after_the_last_enrolment_ended() -> None:
    intervention = intervention_after(enrolled(AMIRA), withdrawn(AMIRA, MON))

    invalid("starts_on", lambda: enrolled(AMIRA, on=MON)(intervention))
    enrolled(AMIRA, on=WED)(intervention)

    assert names(then(intervention)) == ["PupilEnrolled"]
    # Enrolled up to and including the day of withdrawal, and again from the new start.
    assert [AMIRA in intervention.enrolled_on(d) for d in (MON, TUE, WED)] == [True, False, True]


def test_given_an_ended_intervention_when_a_pupil_is_enrolled_then_it_is_refused() -> None:
    invalid("starts_on", lambda: enrolled(AMIRA, on=MON)(intervention_after(ended(MON))))


def test_given_an_enrolled_pupil_when_withdrawn_then_pupil_withdrawn_and_the_enrolment_ends() -> None:
    intervention = intervention_after(enrolled(AMIRA))

    withdrawn(AMIRA, MON)(intervention)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.PupilWithdrawn) and event.withdrawn_on == MON
    assert not intervention.is_enrolled(AMIRA)
    assert intervention.enrolments[AMIRA][-1]["ends_on"] == MON


def test_given_an_intervention_when_a_withdrawal_breaks_a_rule_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA, on=MON))

    invalid("pupil_id", lambda: withdrawn(OLIVER, MON)(intervention))
    invalid("withdrawn_on", lambda: withdrawn(AMIRA, date(2026, 9, 27))(intervention))
    invalid("withdrawn_on", lambda: withdrawn(AMIRA, date(2026, 11, 24))(intervention))


# -- sessions ----------------------------------------------------------------------------


def test_given_enrolled_pupils_when_a_session_is_recorded_then_session_delivered() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER))
    session_id = uuid4()

    created = deliver(
        intervention,
        session_id=session_id,
        attendance=[*marks(AMIRA), *marks(OLIVER, status=ABSENT)],
        focus=" Set 2 ",
    )

    (event,) = then(intervention)
    assert created is True
    assert isinstance(event, Intervention.SessionDelivered)
    assert (event.session_id, event.delivered_on, event.minutes, event.focus) == (
        session_id,
        MON,
        20,
        "Set 2",
    )
    assert [a["status"] for a in event.attendance] == [PRESENT, ABSENT]


@pytest.mark.parametrize(
    ("on", "past", "what"),
    [
        (date(2026, 9, 18), [], "before the intervention starts"),
        (date(2026, 11, 24), [], "in the future"),
        (date(2026, 10, 5), [ended(date(2026, 10, 2))], "after the intervention ended"),
    ],
)
def test_given_an_intervention_when_a_session_is_outside_its_life_then_the_date_is_refused(
    on: date, past: list[Command], what: str
) -> None:
    intervention = intervention_after(enrolled(AMIRA), *past)

    error = invalid("delivered_on", lambda: deliver(intervention, on=on))
    assert what in error.message


def test_given_a_pupil_enrolled_later_when_a_session_before_that_lists_them_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER, on=WED))

    error = invalid("attendance[1].pupil_id", lambda: deliver(intervention, attendance=marks(AMIRA, OLIVER)))
    assert "not enrolled" in error.message
    assert deliver(intervention, attendance=marks(AMIRA)) is True


def test_given_a_withdrawn_pupil_when_a_later_session_lists_them_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER), withdrawn(OLIVER, date(2026, 9, 25)))

    invalid("attendance[0].pupil_id", lambda: deliver(intervention, attendance=marks(OLIVER, AMIRA)))
    assert deliver(intervention, attendance=marks(AMIRA)) is True


def test_given_two_enrolled_pupils_when_attendance_leaves_one_out_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER))

    error = invalid("attendance", lambda: deliver(intervention, attendance=marks(AMIRA)))
    assert "missing for 1 enrolled pupil" in error.message


def test_given_an_intervention_when_attendance_is_empty_or_repeated_then_it_is_refused() -> None:
    intervention = intervention_after(enrolled(AMIRA), enrolled(OLIVER))

    invalid("attendance", lambda: deliver(intervention, attendance=[]))
    invalid("attendance[2].pupil_id", lambda: deliver(intervention, attendance=marks(AMIRA, OLIVER, AMIRA)))
    assert then(intervention) == []


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (180, True), (181, False)])
def test_given_an_intervention_when_a_session_lasted_minutes_then_1_to_180(minutes: int, ok: bool) -> None:
    intervention = intervention_after(enrolled(AMIRA))

    if ok:
        assert deliver(intervention, minutes=minutes) is True
    else:
        invalid("minutes", lambda: deliver(intervention, minutes=minutes))


def test_given_an_individual_intervention_when_a_session_lists_two_pupils_then_it_is_one_pupil_at_a_time() -> (
    None
):
    intervention = intervention_after(
        enrolled(AMIRA), enrolled(OLIVER), delivery=Delivery.individual, ratio="1:1"
    )

    error = invalid("attendance", lambda: deliver(intervention, attendance=marks(AMIRA, OLIVER)))
    assert "one pupil" in error.message
    assert deliver(intervention, attendance=marks(OLIVER)) is True


def test_given_a_recorded_session_when_the_same_one_is_sent_again_then_nothing_is_recorded() -> None:
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id))

    again = deliver(intervention, session_id=session_id, focus="  HFW set 1 ")

    assert again is False
    assert then(intervention) == []


def test_given_a_recorded_session_when_the_same_id_comes_with_a_different_body_then_it_is_a_conflict() -> (
    None
):
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id))

    with pytest.raises(Conflict) as raised:
        deliver(intervention, session_id=session_id, minutes=25)

    assert str(session_id) in raised.value.message
    assert then(intervention) == []


# -- correcting and voiding sessions ------------------------------------------------------


def correct(
    intervention: Intervention,
    session_id: UUID,
    reason: str = "Wrong length",
    additional: bool = False,
    **changes: Any,
) -> bool:
    return intervention.correct_session(
        session_id=session_id,
        changes=changes,
        reason=reason,
        calendar=CALENDAR,
        additional=additional,
        recorded_by=BY,
        today=TODAY,
    )


def corrected_to_15_minutes() -> tuple[UUID, Intervention]:
    """Given: Amira enrolled, and a session delivered and then corrected to 15 minutes."""
    session_id = uuid4()
    return session_id, intervention_after(
        enrolled(AMIRA), delivered(session_id), lambda i: correct(i, session_id, minutes=15)
    )


def test_given_a_session_when_it_is_corrected_then_session_corrected_holds_the_whole_session() -> None:
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id))

    correct(intervention, session_id, minutes=15, notes=None)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.SessionCorrected)
    assert (event.session_id, event.minutes, event.delivered_on, event.focus) == (
        session_id,
        15,
        MON,
        "HFW set 1",
    )
    assert event.reason == "Wrong length"


def test_given_a_session_when_a_correction_changes_nothing_or_breaks_a_rule_then_it_is_refused() -> None:
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id))

    invalid("session_id", lambda: correct(intervention, uuid4(), minutes=15))
    invalid("body", lambda: correct(intervention, session_id, minutes=20, focus=" HFW set 1"))
    invalid("delivered_on", lambda: correct(intervention, session_id, delivered_on=date(2026, 11, 24)))
    invalid("minutes", lambda: correct(intervention, session_id, minutes=0))
    invalid("reason", lambda: correct(intervention, session_id, reason=" ", minutes=15))
    assert then(intervention) == []


def test_given_a_corrected_session_when_it_is_corrected_back_to_what_was_first_recorded_then_it_is_recorded() -> (
    None
):
    session_id, intervention = corrected_to_15_minutes()

    correct(intervention, session_id, minutes=20, reason="The first record was right after all")

    (event,) = then(intervention)
    assert isinstance(event, Intervention.SessionCorrected) and event.minutes == 20


def test_given_a_corrected_session_when_the_same_correction_is_sent_again_then_it_answers_as_before_and_records_nothing() -> (
    None
):
    session_id, intervention = corrected_to_15_minutes()

    assert correct(intervention, session_id, minutes=15) is False
    assert then(intervention) == []


def test_given_a_corrected_session_when_another_correction_changes_nothing_then_there_is_nothing_to_correct() -> (
    None
):
    session_id, intervention = corrected_to_15_minutes()

    invalid("body", lambda: correct(intervention, session_id, reason="Checked the log", minutes=15))


def test_given_a_corrected_session_when_the_original_request_is_retried_then_it_still_answers_as_before() -> (
    None
):
    session_id, intervention = corrected_to_15_minutes()

    assert deliver(intervention, session_id=session_id) is False
    assert then(intervention) == []


def test_given_a_session_when_it_is_voided_then_session_voided_and_it_is_gone_for_good() -> None:
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id))

    invalid("reason", lambda: intervention.void_session(session_id=session_id, reason="", recorded_by=BY))
    intervention.void_session(session_id=session_id, reason="Wrong group", recorded_by=BY)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.SessionVoided) and event.session_id == session_id
    # Sent again (a resend after a dropped connection), the void answers as before and records nothing.
    assert intervention.void_session(session_id=session_id, reason="x", recorded_by=BY) is False
    assert then(intervention) == []
    invalid("session_id", lambda: correct(intervention, session_id, minutes=15))
    invalid("session_id", lambda: intervention.void_session(session_id=uuid4(), reason="x", recorded_by=BY))


# -- missed sessions ---------------------------------------------------------------------


def test_given_a_scheduled_day_when_the_session_was_missed_then_session_missed_with_an_id_from_the_date() -> (
    None
):
    intervention = intervention_after()

    missed_id = missed(WED, MissedReason.staff_absence, notes=" Off sick ")(intervention)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.SessionMissed)
    assert (event.missed_id, event.scheduled_on, event.reason, event.notes) == (
        missed_id,
        WED,
        MissedReason.staff_absence,
        "Off sick",
    )


@pytest.mark.parametrize("day", [TUE, date(2026, 10, 3)])
def test_given_mon_wed_fri_when_a_session_is_missed_on_another_day_then_none_was_scheduled(day: date) -> None:
    error = invalid("scheduled_on", lambda: missed(day)(intervention_after()))
    assert "mon, wed, fri" in error.message


def test_given_a_missed_session_when_the_same_is_sent_again_then_it_answers_with_the_same_id_and_records_nothing() -> (
    None
):
    events = history(plan(), missed(WED))
    intervention = given(*events)

    assert missed(WED)(intervention) == events[-1].missed_id
    assert then(intervention) == []


def test_given_a_missed_session_when_the_day_is_missed_again_for_another_reason_then_it_conflicts() -> None:
    intervention = intervention_after(missed(WED))

    with pytest.raises(Conflict) as raised:
        missed(WED, MissedReason.school_event)(intervention)

    assert raised.value.conflicts_with is not None and raised.value.conflicts_with["kind"] == "missed_session"


def test_given_a_delivered_session_when_its_day_is_recorded_as_missed_then_it_conflicts_unless_voided() -> (
    None
):
    session_id = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(session_id, on=WED))

    with pytest.raises(Conflict) as raised:
        missed(WED)(intervention)
    assert raised.value.conflicts_with == {"kind": "session", "id": str(session_id), "on": "2026-09-30"}
    intervention.void_session(session_id=session_id, reason="Never happened", recorded_by=BY)
    missed(WED)(intervention)

    assert names(then(intervention)) == ["SessionVoided", "SessionMissed"]


@pytest.mark.parametrize("day", [date(2026, 9, 18), date(2026, 11, 25)])
def test_given_an_intervention_when_a_missed_session_is_before_the_start_or_in_the_future_then_it_is_refused(
    day: date,
) -> None:
    invalid("scheduled_on", lambda: missed(day)(intervention_after()))


# -- observation, review and the end -------------------------------------------------------


def observe(intervention: Intervention, fidelity: int, on: date = MON, observer: str = "Priya Shah") -> UUID:
    return intervention.observe_delivery(
        observed_on=on,
        observer=observer,
        fidelity=fidelity,
        notes="",
        actions="",
        recorded_by=BY,
        today=TODAY,
    )


@pytest.mark.parametrize(("fidelity", "ok"), [(0, False), (1, True), (4, True), (5, False)])
def test_given_an_intervention_when_delivery_is_observed_then_fidelity_is_1_to_4(
    fidelity: int, ok: bool
) -> None:
    intervention = intervention_after()

    if ok:
        observation_id = observe(intervention, fidelity)
        (event,) = then(intervention)
        assert isinstance(event, Intervention.DeliveryObserved)
        assert (event.observation_id, event.fidelity) == (observation_id, fidelity)
    else:
        invalid("fidelity", lambda: observe(intervention, fidelity))


def test_given_an_intervention_when_an_observation_has_no_observer_or_is_before_the_start_then_it_is_refused() -> (
    None
):
    intervention = intervention_after()

    invalid("observer", lambda: observe(intervention, 3, observer=""))
    invalid("observed_on", lambda: observe(intervention, 3, on=date(2026, 9, 18)))


def review(
    intervention: Intervention,
    decision: InterventionDecision,
    next_due: date | None = None,
    on: date = date(2026, 11, 20),
) -> None:
    intervention.review(
        reviewed_on=on,
        summary="Most pupils read 60 words",
        decision=decision,
        next_review_due_on=next_due,
        recorded_by=BY,
        today=TODAY,
    )


def test_given_an_intervention_when_reviewed_and_continued_then_reviewed_and_the_next_review_is_due() -> None:
    intervention = intervention_after(enrolled(AMIRA))

    review(intervention, InterventionDecision.continue_, next_due=date(2027, 2, 12))

    (event,) = then(intervention)
    assert isinstance(event, Intervention.Reviewed) and event.decision is InterventionDecision.continue_
    assert intervention.review_due_as_of(TODAY) == date(2027, 2, 12) and intervention.ended_on is None


def test_given_an_intervention_when_a_review_decides_to_end_it_then_reviewed_and_ended_and_enrolments_end() -> (
    None
):
    intervention = intervention_after(enrolled(AMIRA))

    review(intervention, InterventionDecision.end, next_due=date(2027, 2, 12))

    reviewed_event, ended_event = then(intervention)
    assert isinstance(reviewed_event, Intervention.Reviewed) and reviewed_event.next_review_due_on is None
    assert isinstance(ended_event, Intervention.Ended) and ended_event.ended_on == date(2026, 11, 20)
    assert intervention.enrolments[AMIRA][-1]["ends_on"] == date(2026, 11, 20)


def test_given_an_intervention_when_a_review_breaks_a_rule_then_the_field_is_named() -> None:
    intervention = intervention_after()

    invalid("next_review_due_on", lambda: review(intervention, InterventionDecision.adjust))
    invalid(
        "next_review_due_on", lambda: review(intervention, InterventionDecision.continue_, date(2026, 11, 20))
    )
    invalid("reviewed_on", lambda: review(intervention, InterventionDecision.end, on=date(2026, 9, 18)))
    invalid("reviewed_on", lambda: review(intervention, InterventionDecision.end, on=date(2026, 11, 24)))
    invalid("reviewed_on", lambda: review(intervention_after(ended(MON)), InterventionDecision.end))


def test_given_sessions_when_the_intervention_ends_then_not_before_the_last_session() -> None:
    intervention = intervention_after(enrolled(AMIRA), delivered(uuid4(), on=WED))

    error = invalid("ended_on", lambda: ended(TUE)(intervention))
    assert "2026-09-30" in error.message
    ended(WED)(intervention)

    (event,) = then(intervention)
    assert isinstance(event, Intervention.Ended) and event.ended_on == WED
    assert intervention.enrolments[AMIRA][-1]["ends_on"] == WED


def test_given_a_voided_last_session_when_the_intervention_ends_before_it_then_it_is_allowed() -> None:
    intervention = with_a_voided_session(on=WED)

    ended(TUE)(intervention)

    assert names(then(intervention)) == ["Ended"]


def test_given_an_intervention_when_it_ends_twice_before_it_starts_or_in_the_future_then_it_is_refused() -> (
    None
):
    invalid("ended_on", lambda: ended(WED)(intervention_after(ended(MON))))
    invalid("ended_on", lambda: ended(date(2026, 9, 18))(intervention_after()))
    invalid("ended_on", lambda: ended(date(2026, 11, 24))(intervention_after()))


# -- sessions that cannot have happened ------------------------------------------------------


# The setting closed for an INSET day on Monday 5 October.
WITH_INSET_DAY = SchoolCalendar(CALENDAR.terms, frozenset({date(2026, 10, 5)}))


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 10, 3), "Saturday"),
        (date(2026, 10, 28), "half-term"),
        (date(2026, 10, 5), "closed"),
    ],
)
def test_given_an_enrolled_pupil_when_a_session_is_dated_on_a_day_with_no_teaching_then_delivered_on_is_refused(
    day: date, why: str
) -> None:
    intervention = intervention_after(enrolled(AMIRA))

    error = invalid("delivered_on", lambda: deliver(intervention, on=day, calendar=WITH_INSET_DAY))

    assert why in error.message
    assert then(intervention) == []


def test_given_a_group_session_on_a_day_when_another_session_of_it_is_sent_that_day_then_it_conflicts_naming_the_first() -> (
    None
):
    first = uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(first, on=WED))

    with pytest.raises(Conflict) as raised:
        deliver(intervention, on=WED)

    assert raised.value.conflicts_with == {"kind": "session", "id": str(first), "on": "2026-09-30"}
    assert "additional" in raised.value.message
    assert then(intervention) == []


def test_given_a_group_session_on_a_day_when_a_second_is_marked_additional_then_session_delivered() -> None:
    intervention = intervention_after(enrolled(AMIRA), delivered(uuid4(), on=WED))

    assert deliver(intervention, on=WED, additional=True) is True

    assert names(then(intervention)) == ["SessionDelivered"]


def test_given_one_to_one_sessions_when_each_pupil_has_one_a_day_then_both_are_recorded_but_a_second_for_one_pupil_conflicts() -> (
    None
):
    intervention = intervention_after(
        enrolled(AMIRA),
        enrolled(OLIVER),
        lambda i: deliver(i, on=WED, attendance=marks(AMIRA)),
        delivery=Delivery.individual,
        ratio="1:1",
    )

    deliver(intervention, on=WED, attendance=marks(OLIVER))
    with pytest.raises(Conflict):
        deliver(intervention, on=WED, attendance=marks(AMIRA))

    assert names(then(intervention)) == ["SessionDelivered"]


def test_given_a_day_recorded_as_missed_when_a_session_is_sent_for_it_then_it_conflicts_until_the_missed_record_is_voided() -> (
    None
):
    events = history(plan(), enrolled(AMIRA), missed(WED))
    missed_id = events[-1].missed_id
    intervention = given(*events)

    with pytest.raises(Conflict) as raised:
        deliver(intervention, on=WED, additional=True)
    assert raised.value.conflicts_with == {"kind": "missed_session", "id": str(missed_id), "on": "2026-09-30"}

    assert intervention.void_missed_session(missed_id=missed_id, reason="It ran after lunch", recorded_by=BY)
    assert intervention.void_missed_session(missed_id=missed_id, reason="again", recorded_by=BY) is False
    deliver(intervention, on=WED)

    assert names(then(intervention)) == ["MissedSessionVoided", "SessionDelivered"]


def test_given_two_sessions_when_one_is_corrected_onto_the_others_day_then_it_conflicts_unless_additional() -> (
    None
):
    first, second = uuid4(), uuid4()
    intervention = intervention_after(enrolled(AMIRA), delivered(first, on=MON), delivered(second, on=WED))

    with pytest.raises(Conflict):
        correct(intervention, second, reason="Wrong date", delivered_on=MON)
    correct(
        intervention,
        second,
        reason="Wrong date: a second session that Monday",
        additional=True,
        delivered_on=MON,
    )

    (event,) = then(intervention)
    assert event.delivered_on == MON


def test_given_a_voided_session_when_another_is_recorded_that_day_then_it_is_the_only_one() -> None:
    intervention = with_a_voided_session(on=WED)

    assert deliver(intervention, on=WED) is True


# -- the timetable changes -------------------------------------------------------------------


def reschedule(intervention: Intervention, **change: Any) -> bool:
    return intervention.change_schedule(**({"effective_on": date(2026, 11, 30)} | change), recorded_by=BY)


def test_given_an_intervention_when_its_schedule_changes_from_a_date_then_schedule_changed_keeps_the_old_one_before_it() -> (
    None
):
    intervention = intervention_after()

    assert (
        reschedule(intervention, weekdays=[Weekday.thu, Weekday.tue], planned_weeks=16, reason="Continue")
        is True
    )

    (event,) = then(intervention)
    assert isinstance(event, Intervention.ScheduleChanged)
    assert (event.effective_on, event.weekdays, event.minutes_per_session, event.planned_weeks) == (
        date(2026, 11, 30),
        [Weekday.tue, Weekday.thu],
        20,
        16,
    )
    assert event.previous == {"weekdays": [Weekday.mon, Weekday.wed, Weekday.fri], "planned_weeks": 10}
    assert intervention.schedule_on(date(2026, 11, 27)).weekdays == (Weekday.mon, Weekday.wed, Weekday.fri)
    assert intervention.schedule_on(date(2026, 11, 30)).weekdays == (Weekday.tue, Weekday.thu)
    assert intervention.planned_end_on(date(2026, 11, 27)) == date(2026, 11, 29)
    assert intervention.planned_end_on(date(2026, 11, 30)) == date(2027, 1, 10)


def test_given_a_changed_schedule_when_the_same_change_is_sent_again_then_nothing_is_recorded() -> None:
    intervention = intervention_after(lambda i: reschedule(i, minutes_per_session=30))

    assert reschedule(intervention, minutes_per_session=30) is False
    assert then(intervention) == []


def test_given_an_intervention_when_a_schedule_change_breaks_a_rule_then_the_field_is_named() -> None:
    intervention = intervention_after(lambda i: reschedule(i, minutes_per_session=30))

    invalid(
        "effective_on", lambda: reschedule(intervention, effective_on=date(2026, 9, 18), planned_weeks=12)
    )
    invalid(
        "effective_on", lambda: reschedule(intervention, effective_on=date(2026, 11, 23), planned_weeks=12)
    )
    invalid("planned_weeks", lambda: reschedule(intervention, planned_weeks=4))
    invalid("weekdays", lambda: reschedule(intervention, weekdays=[]))
    invalid("minutes_per_session", lambda: reschedule(intervention, minutes_per_session=500))
    invalid("review_due_on", lambda: reschedule(intervention, review_due_on=date(2026, 11, 1)))
    invalid(
        "effective_on", lambda: reschedule(intervention_after(ended(date(2026, 11, 20))), planned_weeks=12)
    )
    assert then(intervention) == []


def test_given_a_schedule_changed_to_tuesdays_when_sessions_are_missed_then_the_weekdays_in_force_that_day_count() -> (
    None
):
    intervention = intervention_after(
        lambda i: i.change_schedule(effective_on=date(2026, 10, 5), weekdays=[Weekday.tue], recorded_by=BY)
    )

    invalid("scheduled_on", lambda: missed(TUE)(intervention))  # before the change: mon, wed, fri
    invalid("scheduled_on", lambda: missed(date(2026, 10, 7))(intervention))  # a Wednesday after it
    missed(date(2026, 10, 6))(intervention)

    assert names(then(intervention)) == ["SessionMissed"]


def test_given_an_additional_session_when_its_notes_are_corrected_then_session_corrected() -> None:
    first, second = uuid4(), uuid4()
    intervention = intervention_after(
        enrolled(AMIRA),
        delivered(first, on=WED),
        lambda i: deliver(i, session_id=second, on=WED, additional=True),
    )

    assert correct(intervention, second, reason="Typo in the notes", notes="Phonics games") is True

    assert names(then(intervention)) == ["SessionCorrected"]


def test_given_corrections_a_then_b_when_a_is_sent_again_late_then_it_answers_as_before_and_records_nothing() -> (
    None
):
    session_id = uuid4()
    intervention = intervention_after(
        enrolled(AMIRA),
        delivered(session_id),
        lambda i: correct(i, session_id, reason="Fire drill", minutes=15),
        lambda i: correct(i, session_id, reason="Checked the log", minutes=10),
    )

    assert correct(intervention, session_id, reason="Fire drill", minutes=15) is False
    assert then(intervention) == []


def test_given_a_missed_session_voided_and_recorded_again_when_it_is_sent_once_more_then_it_answers_the_new_id() -> (
    None
):
    events = history(plan(), missed(WED))
    first = events[-1].missed_id
    intervention = given(*events)
    intervention.void_missed_session(missed_id=first, reason="It ran after all", recorded_by=BY)
    again = missed(WED, MissedReason.school_event)(intervention)
    intervention = given(*events, *then(intervention))

    assert again != first
    assert missed(WED, MissedReason.school_event)(intervention) == again
    assert then(intervention) == []


def test_given_a_change_from_a_later_date_when_asked_about_today_then_today_has_the_schedule_in_force_now() -> (
    None
):
    intervention = intervention_after(
        lambda i: reschedule(
            i, effective_on=date(2026, 12, 7), minutes_per_session=40, review_due_on=date(2027, 1, 8)
        )
    )

    assert intervention.schedule_on(TODAY).minutes_per_session == 20
    assert intervention.schedule_on(date(2026, 12, 7)).minutes_per_session == 40
    assert intervention.review_due_as_of(TODAY) == date(2026, 11, 30)
    assert intervention.review_due_as_of(date(2026, 12, 7)) == date(2027, 1, 8)


def test_given_an_intervention_when_a_change_names_nothing_to_change_then_the_body_is_refused() -> None:
    invalid("body", lambda: reschedule(intervention_after()))


def test_given_an_intervention_held_in_lessons_when_it_moves_outside_lessons_then_no_lesson_is_missed_from_then() -> (
    None
):
    intervention = intervention_after()

    reschedule(intervention, effective_on=date(2026, 11, 30), outside_lessons=True)
    invalid("withdrawn_from", lambda: reschedule(intervention, withdrawn_from="maths"))

    assert intervention.schedule_on(date(2026, 11, 27)).withdrawn_from == "guided reading"
    after = intervention.schedule_on(date(2026, 11, 30))
    assert (after.withdrawn_from, after.outside_lessons) == ("", True)
