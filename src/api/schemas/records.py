"""The shapes of a pupil's chronology and of the SEN register, for the OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from apdr.aggregates.codes import AreaOfNeed, NeedType, SenProvision
from apdr.api.schemas.common import Out
from apdr.api.schemas.pupils import EhcpMilestoneOut


class ChronologyEntry(Out):
    occurred_on: date = Field(description="When it happened (for a correction: the date of what it corrects)")
    recorded_at: datetime = Field(description="When it was recorded (UTC)")
    recorded_by: str
    kind: str = Field(examples=["sen_status_changed", "session", "assessment_corrected"])
    summary: str = Field(examples=["SEN support (K) began; parents notified on 20 Sep 2026"])
    data: dict[str, Any] = Field(description="What the event recorded; a correction's names what it corrects")


class ChronologyOut(Out):
    pupil_id: UUID
    limit: int | None
    offset: int
    entries: list[ChronologyEntry]


class RegisterRow(Out):
    pupil_id: UUID
    upn: str
    given_name: str
    family_name: str
    name: str
    date_of_birth: date
    year_group: int
    class_name: str
    sen_status: SenProvision
    sen_status_since: date | None
    parents_notified_on: date | None
    primary_need: NeedType | None
    primary_need_area: AreaOfNeed | None
    secondary_need: NeedType | None
    secondary_need_area: AreaOfNeed | None
    ehcp_milestones: list[EhcpMilestoneOut]


class RegisterTotals(Out):
    pupils: int
    on_register: int = Field(description="Pupils with SEN support (K) or an EHC plan (E)")
    by_status: dict[str, int]
    by_primary_need: dict[str, int] = Field(description="Of the pupils on the register (K or E)")


class CensusProblem(Out):
    """Something the DfE's school census would reject, shown before the census does."""

    pupil_id: UUID
    pupil_name: str
    upn: str
    field: str = Field(description="What to put right: primary_need, needs or upn")
    problem: str = Field(description="What is wrong and how to put it right, in a SENCO's words")
    census_rule: str = Field(description="The census validation rule it breaks", examples=["1530"])


class RegisterOut(Out):
    as_of: date
    include_no_sen: bool
    pupils: list[RegisterRow]
    totals: RegisterTotals
    problems: list[CensusProblem] = Field(
        description="Census readiness: every pupil on roll on as_of whose record the school census would "
        "reject (on the register with no primary need; no SEN yet holding needs; a UPN whose "
        "characters 2-4 are not an LA code), whether or not include_no_sen lists them"
    )
