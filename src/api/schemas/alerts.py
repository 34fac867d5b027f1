"""Alerts, the policy run that raises and resolves them, and the thresholds policies use."""

from __future__ import annotations

from datetime import date
from enum import Enum
from uuid import UUID

from pydantic import Field

from apdr.api.schemas.common import Body, Day, Out, Text
from apdr.policies.catalogue import KINDS

AlertKind = Enum("AlertKind", {kind: kind for kind in KINDS})  # type: ignore[misc]


class AlertOut(Out):
    id: UUID
    kind: str
    status: str
    raised_on: date = Field(description="when it was (last) raised: the as-of date of the run")
    summary: str
    pupil_id: UUID | None
    intervention_id: UUID | None
    plan_id: UUID | None
    subject: str = Field(description="what it is about, stable while the cause lasts")
    first_raised_on: date
    times_raised: int
    raised_by: str
    acknowledged_on: date | None
    acknowledged_by: str | None
    acknowledgement: str | None
    resolved_on: date | None
    resolved_by: str | None
    resolution: str | None


class AlertList(Out):
    alerts: list[AlertOut]


class AlertNoteIn(Body):
    note: Text = ""


class PolicyRunIn(Body):
    as_of: Day | None = Field(None, description="run as of the end of this day (default: today)")


class FoundOut(Out):
    """A cause the policies found, shaped like the alert it raises (or keeps)."""

    id: UUID = Field(description="the id of the alert for this cause")
    kind: str
    status: str = Field(description="open: the alert as it would be")
    raised_on: date = Field(description="the run's as-of date")
    summary: str
    pupil_id: UUID | None
    intervention_id: UUID | None
    plan_id: UUID | None
    subject: str


class PolicyRunOut(Out):
    as_of: date
    preview: bool = Field(
        description="true when as_of is before the latest live run: the answer says what the "
        "policies find as of that date, and no alert is changed (the live alerts only move forward)"
    )
    live_as_of: date | None = Field(description="the as-of date of the latest live run, after this one")
    raised: list[AlertOut] = Field(description="alerts this run raised (none in a preview)")
    resolved: list[AlertOut] = Field(description="alerts this run resolved (none in a preview)")
    found: list[FoundOut] = Field(description="every cause the policies find as of as_of")
    failed: list[str] = Field(description="policies that could not run (see the server's log)")


class ThresholdOut(Out):
    name: str
    value: int
    default: int
    is_default: bool
    minimum: int
    maximum: int
    unit: str
    policy: str
    description: str
    source: str = Field(
        description='where the default comes from: a document and paragraph, or "apdr\'s default: <why>"'
    )


class ThresholdsOut(Out):
    thresholds: list[ThresholdOut]
