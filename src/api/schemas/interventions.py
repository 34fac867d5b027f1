from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field

from apdr.aggregates.codes import (
    AreaOfNeed,
    AttendanceStatus,
    Delivery,
    InterventionDecision,
    MissedReason,
    Weekday,
)
from apdr.aggregates.intervention import LONGEST_SESSION
from apdr.api.schemas.common import Body, Day, EndIn, Money, Name, Out, Short, Text


class InterventionIn(Body):
    name: Name
    programme: Short = ""
    area_of_need: AreaOfNeed
    strategy_codes: Annotated[list[Annotated[str, Field(max_length=10)]], Field(max_length=20)] = []
    aim: Text
    delivery: Delivery
    ratio: Annotated[str, Field(max_length=10, examples=["1:3"])]
    location: Short = ""
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=5)]
    minutes_per_session: Annotated[int, Field(strict=True, ge=5, le=LONGEST_SESSION)]
    withdrawn_from: Short = Field(
        "",
        description="The lesson or activity pupils miss to attend (left blank, taken to be the same lesson "
        "each session)",
    )
    outside_lessons: bool = Field(
        False, description="Held before school, at break or lunch, or after school: no lesson is missed"
    )
    starts_on: Day
    planned_weeks: Annotated[int, Field(strict=True, ge=1, le=52)]
    review_due_on: Day
    cost_per_year: Money
    staff_ids: Annotated[list[UUID], Field(max_length=20)] = []


class StaffAssignmentIn(Body):
    staff_id: UUID


class EnrolmentIn(Body):
    pupil_id: UUID
    starts_on: Day
    plan_id: UUID | None = None


class WithdrawalIn(Body):
    withdrawn_on: Day
    reason: Text = ""


class AttendanceIn(Body):
    pupil_id: UUID
    status: AttendanceStatus


class SessionIn(Body):
    session_id: UUID = Field(description="Made by the client: sending the same session again changes nothing")
    delivered_on: Day = Field(description="A teaching day of the setting's calendar")
    minutes: Annotated[int, Field(strict=True, ge=1, le=LONGEST_SESSION)]
    delivered_by: UUID | None = Field(
        None,
        description="The member of staff who delivered it (default: the signed-in user's own staff id; "
        "a teaching assistant records only their own sessions)",
    )
    focus: Text = ""
    notes: Text = ""
    attendance: Annotated[list[AttendanceIn], Field(max_length=40)]
    additional: bool = Field(
        False, description="A second session of the same group on the same day (otherwise a conflict)"
    )


class SessionCorrectionIn(Body):
    delivered_on: Day | None = None
    minutes: Annotated[int, Field(strict=True, ge=1, le=LONGEST_SESSION)] | None = None
    delivered_by: UUID | None = None
    focus: Text | None = None
    notes: Text | None = None
    attendance: Annotated[list[AttendanceIn], Field(max_length=40)] | None = None
    additional: bool = Field(False, description="Moved onto a day that already has a session of the group")
    reason: Text


class SessionVoidIn(Body):
    reason: Text


class MissedSessionIn(Body):
    scheduled_on: Day
    reason: MissedReason
    notes: Text = ""


class MissedSessionVoidIn(Body):
    reason: Text


class ScheduleChangeIn(Body):
    """The timetable from ``effective_on`` on; what was expected before it stays as it was."""

    effective_on: Day
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=5)] | None = None
    minutes_per_session: Annotated[int, Field(strict=True, ge=5, le=LONGEST_SESSION)] | None = None
    planned_weeks: Annotated[int, Field(strict=True, ge=1, le=52)] | None = Field(
        None, description="Weeks from the start (not from effective_on)"
    )
    review_due_on: Day | None = None
    withdrawn_from: Short | None = Field(None, description="The lesson or activity pupils miss from then on")
    outside_lessons: bool | None = Field(
        None, description="Held outside lessons from then on: no lesson missed"
    )
    reason: Text = ""


class ObservationIn(Body):
    observed_on: Day
    observer: Short
    fidelity: int = Field(
        strict=True, ge=1, le=4, description="1 (not delivered as designed) to 4 (fully as designed)"
    )
    notes: Text = ""
    actions: Text = ""


class InterventionReviewIn(Body):
    reviewed_on: Day
    summary: Text
    decision: InterventionDecision
    next_review_due_on: Day | None = None


class InterventionEndIn(EndIn):
    pass


class EnrolmentOut(Out):
    pupil_id: UUID
    starts_on: date
    ends_on: date | None
    plan_id: UUID | None


class ScheduleOut(Out):
    effective_on: date
    weekdays: list[Weekday]
    minutes_per_session: int
    planned_weeks: int
    planned_end: date
    review_due_on: date | None = Field(description="Set where this schedule moved the review date")
    withdrawn_from: str
    outside_lessons: bool


class InterventionOut(Out):
    id: UUID
    name: str
    programme: str
    area_of_need: AreaOfNeed
    strategy_codes: list[str]
    aim: str
    delivery: Delivery
    ratio: str
    location: str
    weekdays: list[Weekday] = Field(description="As timetabled today (see schedule)")
    minutes_per_session: int
    withdrawn_from: str
    outside_lessons: bool
    starts_on: date
    planned_weeks: int
    planned_end: date
    review_due_on: date | None
    ended_on: date | None
    cost_per_year: Money
    staff_ids: list[UUID]
    schedule: list[ScheduleOut] = Field(description="The timetable as planned, then each change")
    enrolments: list[EnrolmentOut]
    sessions_recorded: int
    version: int


class PupilName(Out):
    pupil_id: UUID
    pupil_name: str


class InterventionSummary(Out):
    id: UUID
    name: str
    programme: str
    area_of_need: AreaOfNeed
    delivery: Delivery
    ratio: str
    location: str
    withdrawn_from: str
    outside_lessons: bool
    weekdays: list[Weekday] = Field(description="As timetabled today")
    minutes_per_session: int
    starts_on: date
    planned_weeks: int
    ends_on: date = Field(description="The day it ended, or its planned end")
    ended: bool
    review_due_on: date | None
    staff_ids: list[UUID]
    pupils: list[PupilName] = Field(description="Enrolled today or later (an ended one: on its last day)")


class InterventionList(Out):
    interventions: list[InterventionSummary]


class MarkOut(Out):
    pupil_id: UUID
    status: AttendanceStatus


class SessionOut(Out):
    session_id: UUID
    delivered_on: date
    minutes: int
    delivered_by: UUID
    focus: str
    notes: str
    voided: bool
    attendance: list[MarkOut]


class MissedOut(Out):
    missed_id: UUID
    scheduled_on: date
    reason: MissedReason
    notes: str


class SessionRegister(Out):
    intervention_id: UUID
    sessions: list[SessionOut] = Field(description="As corrected; a voided session is marked so")
    missed: list[MissedOut]
