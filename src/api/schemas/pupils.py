from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field, PlainSerializer, StringConstraints

from apdr.aggregates.codes import (
    AdviceSource,
    AreaOfNeed,
    AssessmentKind,
    ConcernSource,
    EhcpMilestone,
    LawfulBasis,
    NeedType,
    Scale,
    SenProvision,
)
from apdr.api.schemas.common import Body, Day, EndIn, Name, Out, Page, Short, Text

Upn = Annotated[str, StringConstraints(min_length=13, max_length=13)]


class PupilIn(Body):
    upn: Upn = Field(examples=["B801200005001"])
    given_name: Name
    family_name: Name
    date_of_birth: Day
    class_name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    admitted_on: Day | None = Field(None, description="The day the pupil joined the setting (default: today)")


class DetailsCorrectionIn(Body):
    upn: Upn | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    date_of_birth: Day | None = None
    class_name: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None
    reason: Text


class ClassMoveIn(Body):
    class_name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    moved_on: Day


class NeedIn(Body):
    need_type: NeedType
    rank: Annotated[int, Field(strict=True, ge=1, le=2)]
    identified_on: Day
    description: Text = ""


class NeedEndIn(EndIn):
    pass


class SenStatusIn(Body):
    status: SenProvision
    effective_on: Day
    parents_notified_on: Day | None = None
    reason: Text = ""


class ParentNotificationIn(Body):
    notified_on: Day
    how: Short = ""


class ConcernIn(Body):
    raised_on: Day
    raised_by: ConcernSource
    raised_by_name: Short = ""
    concern: Text


class AssessmentIn(Body):
    assessment_id: UUID | None = Field(
        None, description="Made by the client (optional): sending the same assessment again changes nothing"
    )
    instrument: Short
    measure: Short
    scale: Scale
    value: Annotated[Decimal, Field(max_digits=8, decimal_places=2, allow_inf_nan=False)]
    assessed_on: Day
    kind: AssessmentKind
    intervention_id: UUID | None = None
    notes: Text = ""


class AssessmentCorrectionIn(Body):
    value: Annotated[Decimal, Field(max_digits=8, decimal_places=2, allow_inf_nan=False)] | None = None
    assessed_on: Day | None = None
    reason: Text


class ProfileIn(Body):
    """The one-page profile, in the pupil's own words where possible."""

    like_and_admire: Text = Field("", description="What people like and admire about me")
    important_to_me: Text = Field("", description="Who and what is important to me")
    likes: Text = ""
    dislikes: Text = ""
    finds_hard: Text = Field("", description="Things I find hard")
    what_helps: Text = Field("", description="What helps me")
    what_does_not_help: Text = Field("", description="What does not help me")
    aspirations: Text = ""
    teacher_needs_to_know: Text = Field("", description="What my teacher needs to know to support me")
    updated_on: Day | None = Field(None, description="Defaults to today")


class ProfileChangeIn(Body):
    """The sections to change; the others stay as they are."""

    like_and_admire: Text | None = None
    important_to_me: Text | None = None
    likes: Text | None = None
    dislikes: Text | None = None
    finds_hard: Text | None = None
    what_helps: Text | None = None
    what_does_not_help: Text | None = None
    aspirations: Text | None = None
    teacher_needs_to_know: Text | None = None
    updated_on: Day | None = Field(None, description="Defaults to today")


class AdviceIn(Body):
    source: AdviceSource
    received_on: Day
    author: Short = ""
    summary: Text
    recommendations: Annotated[list[Text], Field(max_length=50)] = []


class EhcpMilestoneIn(Body):
    milestone: EhcpMilestone
    reached_on: Day
    notes: Text = ""


class InformationSharedIn(Body):
    shared_on: Day
    shared_with: Short
    purpose: Text
    lawful_basis: LawfulBasis
    what: Text


class LeavingIn(Body):
    left_on: Day
    destination: Short = ""


class NeedOut(Out):
    need_type: NeedType
    area_of_need: AreaOfNeed | None
    rank: int
    identified_on: date
    description: str


class PupilSummary(Out):
    id: UUID
    upn: str
    given_name: str
    family_name: str
    date_of_birth: date
    year_group: int
    class_name: str
    sen_status: SenProvision
    primary_need: NeedType | None
    secondary_need: NeedType | None
    current_plan_id: UUID | None
    left_on: date | None


class PupilList(Page):
    pupils: list[PupilSummary]


class EhcpMilestoneOut(Out):
    milestone: EhcpMilestone
    reached_on: date


class PupilOut(Out):
    id: UUID
    upn: str
    given_name: str
    family_name: str
    date_of_birth: date
    age: int
    year_group: int
    class_name: str
    sen_status: SenProvision
    sen_status_since: date | None
    parents_notified_on: date | None
    needs: list[NeedOut]
    profile: dict[str, str | date] | None
    current_plan_id: UUID | None
    plan_ids: list[UUID]
    ehcp_milestones: list[EhcpMilestoneOut]
    admitted_on: date
    left_on: date | None
    version: int


# -- reading the record back ---------------------------------------------------


class ProfileOut(Out):
    """The one-page profile as it stands: every section "" and ``updated_on`` null until one is written."""

    like_and_admire: str
    important_to_me: str
    likes: str
    dislikes: str
    finds_hard: str
    what_helps: str
    what_does_not_help: str
    aspirations: str
    teacher_needs_to_know: str
    updated_on: date | None


AssessmentValue = Annotated[
    Decimal,
    PlainSerializer(
        lambda d: int(d) if d == d.to_integral_value() else float(d),
        return_type=int | float,
        when_used="json",
    ),
    Field(description="as recorded, or as last corrected: a number (84, 84.5)"),
]


class AssessmentOut(Out):
    id: UUID
    instrument: str
    measure: str
    scale: Scale
    value: AssessmentValue
    assessed_on: date
    kind: AssessmentKind
    intervention_id: UUID | None


class AssessmentList(Out):
    assessments: list[AssessmentOut]


class AdviceOut(Out):
    id: UUID
    source: AdviceSource
    received_on: date
    author: str
    summary: str
    recommendations: list[str]


class AdviceList(Out):
    advice: list[AdviceOut]


class ConcernOut(Out):
    id: UUID
    raised_on: date
    raised_by: ConcernSource
    raised_by_name: str
    concern: str


class ConcernList(Out):
    concerns: list[ConcernOut]
