"""The repository hands each command a copy of a cached aggregate, made one
container deep (``copy_one_level``). That is only safe if no ``@event`` method
changes a nested value in place: these tests run every kind of change on a copy
and check the original is untouched."""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from apdr.aggregates import Intervention, Pupil, Setting, SupportPlan
from apdr.aggregates.codes import (
    AreaOfNeed,
    AssessmentKind,
    AttendanceStatus,
    Decision,
    Delivery,
    InterventionDecision,
    MissedReason,
    NeedType,
    Rating,
    Weekday,
)
from apdr.aggregates.school_year import default_calendar
from tests.support.fields import assessment_fields, review_fields

TODAY = date(2026, 11, 23)
CALENDAR = default_calendar(2026, 2026)


def unchanged_by_changes_to_a_copy(original: Any, *changes: Any) -> None:
    """Each change on its own fresh copy, so one change cannot hide another."""
    original.collect_events()
    before = pickle.loads(pickle.dumps(original))
    for change in changes:
        clone = copy.deepcopy(original)
        change(clone)
        assert clone.pending_events, f"{change.__name__} recorded nothing, so it tested nothing"
        assert vars(original) == vars(before), change.__name__


def test_given_an_intervention_with_sessions_when_a_copy_is_changed_then_the_original_is_not() -> None:
    intervention = Intervention.plan(
        setting_id=uuid4(),
        name="PT",
        programme="PT",
        area_of_need=AreaOfNeed.cognition_learning,
        strategy_codes=["CL5"],
        aim="aim",
        delivery=Delivery.small_group,
        ratio="1:3",
        location="",
        weekdays=[Weekday.mon, Weekday.wed],
        minutes_per_session=20,
        withdrawn_from="",
        starts_on=date(2026, 9, 21),
        planned_weeks=10,
        review_due_on=date(2026, 11, 30),
        cost_per_year=Decimal("100"),
        staff_ids=[uuid4()],
        recorded_by="t",
    )
    amira, ben = uuid4(), uuid4()
    for pupil in (amira, ben):
        intervention.enrol(pupil_id=pupil, starts_on=date(2026, 9, 21), plan_id=None, recorded_by="t")
    session = uuid4()
    marks = [
        {"pupil_id": amira, "status": AttendanceStatus.present},
        {"pupil_id": ben, "status": AttendanceStatus.absent},
    ]
    intervention.record_session(
        session_id=session,
        delivered_on=date(2026, 9, 21),
        minutes=20,
        delivered_by=uuid4(),
        focus="",
        notes="",
        attendance=marks,
        calendar=CALENDAR,
        recorded_by="t",
        today=TODAY,
    )

    def withdraw(copy_of: Intervention) -> None:
        copy_of.withdraw(
            pupil_id=ben, withdrawn_on=date(2026, 9, 22), reason="", recorded_by="t", today=TODAY
        )

    def correct(copy_of: Intervention) -> None:
        copy_of.correct_session(
            session_id=session,
            changes={"minutes": 25},
            reason="typo",
            calendar=CALENDAR,
            recorded_by="t",
            today=TODAY,
        )

    def void(copy_of: Intervention) -> None:
        copy_of.void_session(session_id=session, reason="wrong group", recorded_by="t")

    def end(copy_of: Intervention) -> None:
        copy_of.review(
            reviewed_on=date(2026, 10, 1),
            summary="ok",
            decision=InterventionDecision.end,
            next_review_due_on=None,
            recorded_by="t",
            today=TODAY,
        )

    def miss(copy_of: Intervention, on: date) -> UUID:
        """A timetabled session on ``on`` that did not run."""
        return copy_of.record_missed_session(
            scheduled_on=on,
            reason=MissedReason.other,
            notes="",
            calendar=CALENDAR,
            recorded_by="t",
            today=TODAY,
        )

    def enrol_and_miss(copy_of: Intervention) -> None:
        copy_of.enrol(pupil_id=uuid4(), starts_on=date(2026, 9, 22), plan_id=None, recorded_by="t")
        miss(copy_of, date(2026, 9, 23))

    def reschedule(copy_of: Intervention) -> None:
        copy_of.change_schedule(
            effective_on=date(2026, 10, 5), weekdays=[Weekday.tue], planned_weeks=12, recorded_by="t"
        )

    def miss_and_void(copy_of: Intervention) -> None:
        missed_id = miss(copy_of, date(2026, 9, 28))
        copy_of.void_missed_session(missed_id=missed_id, reason="it ran", recorded_by="t")

    unchanged_by_changes_to_a_copy(
        intervention, withdraw, correct, void, end, enrol_and_miss, reschedule, miss_and_void
    )


def test_given_a_pupil_with_an_assessment_when_a_copy_is_changed_then_the_original_is_not() -> None:
    pupil = Pupil.register(
        setting_id=uuid4(),
        upn="B801200005001",
        given_name="A",
        family_name="K",
        date_of_birth=date(2017, 3, 14),
        class_name="4B",
        recorded_by="t",
        today=TODAY,
    )
    for rank, need_type in enumerate((NeedType.SPLD, NeedType.SLCN), start=1):
        pupil.identify_need(
            need_type=need_type,
            rank=rank,
            identified_on=date(2026, 9, 1),
            description="",
            recorded_by="t",
            today=TODAY,
        )
    assessment = uuid4()
    fields = assessment_fields(date(2026, 9, 7), 84, AssessmentKind.baseline, instrument="SWRT")
    pupil.record_assessment(assessment_id=assessment, **fields, recorded_by="t", today=TODAY)

    def correct(copy_of: Pupil) -> None:
        copy_of.correct_assessment(
            assessment_id=assessment,
            value=Decimal(86),
            assessed_on=None,
            reason="typo",
            recorded_by="t",
            today=TODAY,
        )

    def end_need(copy_of: Pupil) -> None:
        copy_of.end_need(
            need_type=NeedType.SPLD, ended_on=date(2026, 10, 1), reason="", recorded_by="t", today=TODAY
        )

    def start_plan(copy_of: Pupil) -> None:
        copy_of.start_plan(plan_id=uuid4(), starts_on=date(2026, 10, 1), recorded_by="t")

    def correct_details(copy_of: Pupil) -> None:
        copy_of.correct_details(changes={"family_name": "K-A"}, reason="typo", recorded_by="t", today=TODAY)

    def update_profile(copy_of: Pupil) -> None:
        copy_of.update_profile(
            sections={"likes": "Lego"},
            updated_on=date(2026, 10, 1),
            replace=False,
            recorded_by="t",
            today=TODAY,
        )

    unchanged_by_changes_to_a_copy(pupil, correct, end_need, start_plan, correct_details, update_profile)


def test_given_a_plan_when_a_copy_is_changed_then_the_original_is_not() -> None:
    plan = SupportPlan.draft(
        plan_id=uuid4(),
        pupil_id=uuid4(),
        setting_id=uuid4(),
        starts_on=date(2026, 9, 21),
        review_due_on=date(2026, 12, 11),
        outcomes=[{"description": "d", "measure": "m", "target": "t"}],
        strategies=[],
        expected_impact="e",
        pupil_views="",
        parent_views="",
        home_actions="",
        follows_plan_id=None,
        recorded_by="t",
    )
    (outcome,) = plan.outcomes

    def change(copy_of: SupportPlan) -> None:
        copy_of.revise_outcome(
            outcome_id=outcome, changes={"target": "120"}, reason="raised", recorded_by="t"
        )
        copy_of.add_strategy(strategy={"code": "CL5", "description": "PT"}, recorded_by="t")
        rated = [{"outcome_id": outcome, "rating": Rating.met}]
        fields = review_fields(date(2026, 11, 20), rated, Decision.end_support, None)
        copy_of.review(**fields, recorded_by="t", today=TODAY)

    unchanged_by_changes_to_a_copy(plan, change)


def test_given_a_setting_with_term_dates_and_thresholds_when_a_copy_is_changed_then_the_original_is_not() -> (
    None
):
    setting = Setting.register(urn="100001", name="Anytown Primary", recorded_by="t")
    terms = [
        {"name": "Autumn", "starts_on": date(2026, 9, 2), "ends_on": date(2026, 12, 18)},
        {"name": "Spring", "starts_on": date(2027, 1, 5), "ends_on": date(2027, 3, 26)},
        {"name": "Summer", "starts_on": date(2027, 4, 12), "ends_on": date(2027, 7, 21)},
    ]
    setting.set_term_dates(academic_year=2026, terms=terms, closures=[date(2026, 10, 5)], recorded_by="t")
    setting.set_thresholds(thresholds={"low_attendance_percent": 80}, recorded_by="t")

    def new_year(clone: Setting) -> None:
        later = [{**t, "starts_on": t["starts_on"].replace(year=t["starts_on"].year + 1)} for t in terms]
        later = [{**t, "ends_on": t["ends_on"].replace(year=t["ends_on"].year + 1)} for t in later]
        clone.set_term_dates(academic_year=2027, terms=later, closures=[], recorded_by="t")

    def same_year_again(clone: Setting) -> None:
        clone.set_term_dates(academic_year=2026, terms=terms[:2], closures=[], recorded_by="t")

    def thresholds(clone: Setting) -> None:
        clone.set_thresholds(thresholds={"low_attendance_percent": 70}, recorded_by="t")

    unchanged_by_changes_to_a_copy(setting, new_year, same_year_again, thresholds)
