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
from apdr.api.schemas.common import Body, Day, Money, Name, Out, Short, Text


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
    withdrawn_from: Short = Field("", description="The lesson or activity pupils miss to attend")
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
    delivered_on: Day
    minutes: Annotated[int, Field(strict=True, ge=1, le=LONGEST_SESSION)]
    delivered_by: UUID
    focus: Text = ""
    notes: Text = ""
    attendance: Annotated[list[AttendanceIn], Field(max_length=40)]


class SessionCorrectionIn(Body):
    delivered_on: Day | None = None
    minutes: Annotated[int, Field(strict=True, ge=1, le=LONGEST_SESSION)] | None = None
    delivered_by: UUID | None = None
    focus: Text | None = None
    notes: Text | None = None
    attendance: Annotated[list[AttendanceIn], Field(max_length=40)] | None = None
    reason: Text


class SessionVoidIn(Body):
    reason: Text


class MissedSessionIn(Body):
    scheduled_on: Day
    reason: MissedReason
    notes: Text = ""


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


class InterventionEndIn(Body):
    ended_on: Day
    reason: Text = ""


class EnrolmentOut(Out):
    pupil_id: UUID
    starts_on: date
    ends_on: date | None
    plan_id: UUID | None


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
    weekdays: list[Weekday]
    minutes_per_session: int
    withdrawn_from: str
    starts_on: date
    planned_weeks: int
    planned_end: date
    review_due_on: date
    ended_on: date | None
    cost_per_year: Money
    staff_ids: list[UUID]
    enrolments: list[EnrolmentOut]
    sessions_recorded: int
    version: int
