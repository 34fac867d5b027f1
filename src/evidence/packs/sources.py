"""What a pack is built from: the order, and what the read models hold about the
pupil up to the pack's date, read in one pass (one catch-up, one connection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from apdr.aggregates import Pupil, SupportPlan
from apdr.aggregates.codes import PackKind
from apdr.aggregates.school_year import SchoolCalendar
from apdr.application import Actor, SenRecord
from apdr.application.evidence import PackOrder
from apdr.projections.chronology import pupil_entries_of_kinds
from apdr.projections.impact import pupil_assessments
from apdr.projections.projection import reads
from apdr.projections.provision_map import Window, provision_rows, pupil_sessions

TITLES = {
    PackKind.ehc_request: "Evidence of SEN support for an EHC needs assessment request",
    PackKind.educational_record: "Educational record: special educational needs",
    PackKind.yot: "Information for the Youth Offending Team",
    PackKind.disclosure: "Information shared about a pupil",
}

# The chronology entries a pack reads, by kind.
RECORDED = (
    "need_identified",
    "need_ended",
    "sen_status_changed",
    "parents_notified",
    "profile_updated",
    "concern_raised",
    "advice_received",
    "advice_acted_on",
    "ehcp_milestone",
    "information_shared",
    "information_request_received",
    "information_request_decided",
    "pack_issued",
)


@dataclass(frozen=True)
class Recorded:
    """What the read models hold about one pupil up to a date, read in one pass."""

    entries: dict[str, list[dict[str, Any]]]
    provision: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    assessments: list[dict[str, Any]]


@reads("chronology", "provision_map", "pupils", "impact")
def recorded_about(conn: sa.Connection, pupil: Pupil, as_of: date, calendar: SchoolCalendar) -> Recorded:
    """Every read model a pack draws on, caught up once and read on one connection, so
    that each section agrees with the others."""
    entries: dict[str, list[dict[str, Any]]] = {k: [] for k in RECORDED}
    for e in pupil_entries_of_kinds(conn, pupil.id, RECORDED):
        if e["occurred_on"] <= as_of:
            entries[e["kind"]].append(e["data"])
    window = Window(pupil.admitted_on, as_of)
    return Recorded(
        entries=entries,
        provision=list(provision_rows(conn, pupil.setting_id, window, calendar, pupil.id)),
        sessions=pupil_sessions(conn, pupil.setting_id, pupil.id, as_of),
        assessments=[a for a in pupil_assessments(conn, pupil.id) if a["assessed_on"] <= as_of],
    )


@dataclass
class Sources:
    """The order, and what the record holds about the pupil up to the pack's date."""

    record: SenRecord
    actor: Actor
    order: PackOrder
    recorded: Recorded

    @property
    def as_of(self) -> date:
        return self.order.as_of

    def entries(self, kind: str) -> list[dict[str, Any]]:
        """What each of the pupil's chronology entries of ``kind`` recorded, up to the date."""
        return self.recorded.entries[kind]

    @property
    def provision(self) -> list[dict[str, Any]]:
        return self.recorded.provision

    @property
    def sessions(self) -> list[dict[str, Any]]:
        return self.recorded.sessions

    @cached_property
    def plans(self) -> list[SupportPlan]:
        """The pupil's plans begun by the date, oldest first."""
        plans = [self.record.plan(self.actor, plan_id) for plan_id in self.order.pupil.plan_ids]
        return sorted((p for p in plans if p.starts_on <= self.as_of), key=lambda p: p.starts_on)


def current_plan(s: Sources) -> SupportPlan | None:
    open_then = [p for p in s.plans if p.closed_on is None or p.closed_on > s.as_of]
    return open_then[-1] if open_then else None


def reviews_of(plan: SupportPlan, as_of: date) -> list[dict[str, Any]]:
    return [r for r in plan.reviews if r["reviewed_on"] <= as_of]
