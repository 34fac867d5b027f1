"""Requests for information, decisions and evidence packs: bodies, answers, and the
pack's document as the OpenAPI schema shows it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, PackKind, RequesterKind, RequestType
from apdr.api.schemas.common import Body, Day, Name, Out, Short, Text

# -- bodies -------------------------------------------------------------------------


class InformationRequestIn(Body):
    requester: Name = Field(examples=["Anytown Youth Justice Service"])
    requester_kind: RequesterKind
    reference: Short = ""
    received_on: Day
    asks_for: Text
    purpose: Text
    request_type: RequestType | None = Field(
        None,
        description="The rule the request is made under, which sets its due date (default: a parent's is "
        "educational_record, 15 school days; the LA's ehc_needs_assessment, six weeks; any other "
        "one month, as a subject_access request)",
    )


class DecisionIn(Body):
    decision: DisclosureDecision
    reason: Text
    lawful_basis: LawfulBasis | None = Field(None, description="UK GDPR Article 6: needed to disclose")
    special_category_condition: Text | None = Field(
        None,
        description="UK GDPR Article 9 condition (and DPA 2018 Schedule 1 condition where it applies): "
        "needed to disclose",
        examples=["Article 9(2)(g) substantial public interest; DPA 2018 Sch. 1 para 18, safeguarding"],
    )
    sections: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = Field(
        default_factory=list,
        description="The sections to disclose: needed to disclose in part, and to a YOT, the police, health "
        "or others whatever the decision",
        examples=[["sen_status", "needs", "communication", "current_support"]],
    )
    parents_informed_on: Day | None = None
    decided_on: Day | None = Field(None, description="Default: today")
    as_of: Day | None = Field(None, description="The date the pack is as of (default: the decision's)")


class PackIn(Body):
    kind: PackKind = Field(description="ehc_request or educational_record (the others answer a request)")
    as_of: Day
    recipient: Name = Field(examples=["Anytown Council SEND assessment team"])


class ParentsInformedIn(Body):
    informed_on: Day
    how: Text = Field("", examples=["Phone call to Mrs Khan"])


class AdviceResponseIn(Body):
    responded_on: Day
    action: Text = Field(examples=["SaLT targets added to the plan; visual timetable in class from 3 Nov"])


# -- answers ----------------------------------------------------------------------------


class RequestCreated(Out):
    id: UUID
    due_on: date


class DecisionOut(Out):
    id: UUID
    decision: DisclosureDecision
    pack_id: UUID | None


class InformationRequestOut(Out):
    id: UUID = Field(validation_alias="request_id")
    pupil_id: UUID
    requester: str
    requester_kind: RequesterKind
    reference: str
    request_type: RequestType
    received_on: date
    due_on: date
    asks_for: str
    purpose: str
    status: Literal["open", "decided"]
    decision: DisclosureDecision | None
    decided_on: date | None
    parents_informed_on: date | None
    pack_id: UUID | None


class InformationRequestList(Out):
    information_requests: list[InformationRequestOut]


class PackSummary(Out):
    id: UUID = Field(validation_alias="pack_id")
    kind: PackKind
    pupil_id: UUID
    as_of: date
    recipient: str
    request_id: UUID | None
    issued_at: datetime
    issued_by: str
    sha256: str


class PackList(Out):
    packs: list[PackSummary]


# -- the document -----------------------------------------------------------------------


class SettingOut(Out):
    urn: str
    name: str


class ProvisionRowOut(Out):
    intervention_id: UUID
    intervention: str
    programme: str
    area_of_need: str
    aim: str
    delivery: str
    ratio: str
    sessions_per_week: int
    minutes_per_session: int
    enrolled_on: date
    left_on: date | None
    starts_on: date
    ends_on: date | None
    ended: bool
    sessions_expected: int
    sessions_delivered: int
    sessions_attended: int
    attendance_percent: float | None
    minutes_planned: int
    minutes_attended: int
    cost_per_pupil_per_year: str
    in_year: bool = Field(description="In place during the academic year the total is for")


class ProvisionOut(Out):
    from_: date = Field(alias="from")
    to: date
    rows: list[ProvisionRowOut]
    total_cost_per_year: str = Field(description="This academic year's provision, per pupil, in pounds")
    notional_threshold: str = Field(
        examples=["6000.00"], description="What a mainstream school funds before the LA tops up"
    )
    above_threshold: bool


class ResultOut(Out):
    value: str
    assessed_on: date
    kind: str | None = None


class MeasureOut(Out):
    instrument: str
    measure: str
    scale: str
    baseline: ResultOut
    latest: ResultOut | None
    change: str | None
    months_elapsed: float | None
    ratio_gain: float | None = Field(description="Age-equivalent measures: months gained over months elapsed")
    ratio_gain_band: str | None = Field(
        None,
        description="Brooks (2016) band once baseline and latest are a term or more apart: "
        "doubtful (<1.4), modest, useful, substantial, remarkable",
    )
    results: list[ResultOut]


class PackSections(Out):
    """Each pack holds the sections its kind (and, for a decision, the decision) gives."""

    model_config = {"extra": "allow"}

    pupil: dict | None = None
    sen_status: dict | None = None
    needs: list[dict] | None = None
    communication: dict | None = None
    current_support: dict | None = None
    views: dict | None = None
    plans: list[dict] | None = Field(None, description="Each cycle with its outcomes, strategies and reviews")
    provision: ProvisionOut | None = None
    sessions: list[dict] | None = None
    assessments: list[MeasureOut] | None = None
    advice: list[dict] | None = None
    concerns: list[dict] | None = None
    ehcp: list[dict] | None = None
    disclosures: list[dict] | None = None
    information_requests: list[dict] | None = None


class PackOut(Out):
    """A pack as issued, byte for byte: ``sha256`` is the SHA-256 of this JSON's canonical
    form without that field (keys sorted, no spaces, UTF-8)."""

    id: UUID
    kind: PackKind
    title: str
    pupil_id: UUID
    pupil_name: str
    as_of: date
    issued_at: datetime
    issued_by: str
    recipient: str
    request_id: UUID | None
    setting: SettingOut
    marking: str
    sha256: str
    sections: PackSections
