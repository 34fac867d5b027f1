"""A pupil's chronology: every event about the pupil, in the order it happened,
with who recorded it and when, and a line a parent could read.

An event that names its pupil (or whose plan, alert or session names them)
becomes a row of ``chronology_entries`` for that pupil. An event about an
intervention as a whole (a missed session, an observation of delivery, a
review, its end) concerns every pupil enrolled that day: it is kept once, in
``chronology_intervention_entries``, and joined to the pupils' enrolment spans
when a chronology is read, so the handler reads nothing and a withdrawal
recorded later still decides who sees it.

Each entry is dated on the day it happened (``admitted_on``, ``identified_on``,
``effective_on``, ``delivered_on``…); a plan drafted on the day it was
recorded at school, or the day it started if that was earlier (history typed
in later); an event with no date of its own (an outcome added) on the day it
was recorded. Entries are read in that order, then in the order recorded,
then by log position.
Bookkeeping with nothing to tell a parent (``Pupil.CurrentPlanEnded``,
``Alert.CauseCleared``) is left out.

Corrections are entries of their own (``details_corrected``,
``assessment_corrected``, ``session_corrected``, ``session_voided``), with
``data.corrects`` naming what they correct, and dated on the date of the
original so that they stand beside it. The original entry is never changed.

Handlers write through the batch and read only for corrections (rare), or
when a fact kept in memory (an intervention's name, a plan's or an alert's
pupil: none of them ever changes) was forgotten.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa

from apdr.aggregates import Alert, Intervention, Pupil, SupportPlan
from apdr.aggregates.codes import (
    AdviceSource,
    AttendanceStatus,
    ConcernSource,
    Decision,
    EhcpMilestone,
    NeedType,
    Rating,
    Scale,
    SenProvision,
)
from apdr.aggregates.pupil import PROFILE_SECTIONS
from apdr.config import SCHOOL_TIME
from apdr.projections.projection import Batch, Projection, handles, metadata


def _entry_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),  # JSON, written once, returned as it is
    ]


entries = sa.Table(
    "chronology_entries",
    metadata,
    sa.Column("pupil_id", sa.Uuid, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    *_entry_columns(),
)
intervention_entries = sa.Table(
    "chronology_intervention_entries",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("intervention_id", sa.Uuid, nullable=False),
    *_entry_columns(),
    sa.Index("chronology_intervention_entries_by_date", "intervention_id", "occurred_on"),
)
enrolments = sa.Table(
    "chronology_enrolments",
    metadata,
    sa.Column("enrolment_id", sa.Uuid, primary_key=True),
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("pupil_id", sa.Uuid, nullable=False, index=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date),
)
interventions = sa.Table(
    "chronology_interventions",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
)
plans = sa.Table(
    "chronology_plans",
    metadata,
    sa.Column("plan_id", sa.Uuid, primary_key=True),
    sa.Column("pupil_id", sa.Uuid, nullable=False),
)
alerts = sa.Table(
    "chronology_alerts",
    metadata,
    sa.Column("alert_id", sa.Uuid, primary_key=True),
    sa.Column("pupil_id", sa.Uuid),  # none: the alert is about no one pupil
    sa.Column("kind", sa.String(40), nullable=False),
)
# Each session, once: the pupils' entries for it are made from this row when a
# chronology is read (most of the log is sessions; one row a session rather than
# one a pupil keeps a rebuild quick). Kept in order of intervention and date (on
# SQLite the table is that order itself), so a batch of sessions appends to a
# few pages. ``details`` and ``marks`` are the session as first recorded, which
# its entries show; ``now`` is the session as corrections have left it, which a
# later correction or a void compares with.
sessions = sa.Table(
    "chronology_sessions",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("delivered_on", sa.Date, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("session_id", sa.Uuid, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("marks", sa.Text, nullable=False),  # "hex:status …"
    sa.Column("now", sa.Text),  # {"details": …, "marks": …} once corrected
    sqlite_with_rowid=False,
)
assessments = sa.Table(
    "chronology_assessments",
    metadata,
    sa.Column("assessment_id", sa.Uuid, primary_key=True),
    sa.Column("instrument", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(200), nullable=False),
    sa.Column("scale", sa.String(30), nullable=False),
    sa.Column("first_assessed_on", sa.Date, nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("value", sa.Numeric(10, 2), nullable=False),
)

_withdraw = (
    enrolments.update()
    .where(
        enrolments.c.intervention_id == sa.bindparam("w_intervention_id"),
        enrolments.c.pupil_id == sa.bindparam("w_pupil_id"),
        enrolments.c.ends_on.is_(None),
    )
    .values(ends_on=sa.bindparam("v_ends_on"))
)
_end_enrolments = (
    enrolments.update()
    .where(enrolments.c.intervention_id == sa.bindparam("w_intervention_id"), enrolments.c.ends_on.is_(None))
    .values(ends_on=sa.bindparam("v_ends_on"))
)

# What every event carries that is not what it says.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "recorded_by"})


# -- plain words --------------------------------------------------------------

NEED_NAMES = {
    NeedType.SLCN: "speech, language and communication needs",
    NeedType.ASD: "autistic spectrum disorder",
    NeedType.SPLD: "specific learning difficulty",
    NeedType.MLD: "moderate learning difficulty",
    NeedType.SLD: "severe learning difficulty",
    NeedType.PMLD: "profound and multiple learning difficulty",
    NeedType.SEMH: "social, emotional and mental health",
    NeedType.HI: "hearing impairment",
    NeedType.VI: "visual impairment",
    NeedType.MSI: "multi-sensory impairment",
    NeedType.PD: "physical disability",
    NeedType.OTH: "other difficulty or disability",
    NeedType.NSA: "SEN support without a specialist assessment of the type of need",
    NeedType.DS: "Down syndrome",
}
PROVISION_NAMES = {
    SenProvision.no_sen: "no SEN (N)",
    SenProvision.sen_support: "SEN support (K)",
    SenProvision.ehc_plan: "EHC plan (E)",
}
RAISED_BY = {
    ConcernSource.parent: "a parent",
    ConcernSource.staff: "a member of staff",
    ConcernSource.pupil: "the pupil",
    ConcernSource.other: "someone outside the school",
}
ADVISERS = {
    AdviceSource.educational_psychologist: "an educational psychologist",
    AdviceSource.speech_and_language_therapist: "a speech and language therapist",
    AdviceSource.occupational_therapist: "an occupational therapist",
    AdviceSource.camhs: "CAMHS",
    AdviceSource.specialist_teacher: "a specialist teacher",
    AdviceSource.physiotherapist: "a physiotherapist",
    AdviceSource.paediatrician: "a paediatrician",
    AdviceSource.other: "an outside professional",
}
MILESTONES = {
    EhcpMilestone.requested: "EHC needs assessment requested",
    EhcpMilestone.decision_to_assess: "The local authority decided to carry out an EHC needs assessment",
    EhcpMilestone.decided_not_to_assess: "The local authority decided not to assess for an EHC plan",
    EhcpMilestone.plan_issued: "EHC plan issued",
    EhcpMilestone.decided_not_to_issue: "The local authority decided not to issue an EHC plan",
    EhcpMilestone.annual_review: "Annual review of the EHC plan held",
}
DECISIONS = {
    Decision.continue_: "continue",
    Decision.adjust: "adjust the plan",
    Decision.end_support: "end SEN support",
    Decision.request_ehcp: "request an EHC needs assessment",
}
DETAILS = {
    "upn": "UPN",
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "class_name": "class",
}


def day(value: date) -> str:
    """20 Sep 2026: a date as a parent reads it."""
    return f"{value.day} {value:%b %Y}"


def recorded_on(event: Any) -> date:
    """The date, at school, on which an event with no date of its own was recorded."""
    return event.timestamp.astimezone(SCHOOL_TIME).date()


def words(value: Enum | str) -> str:
    return (value.value if isinstance(value, Enum) else value).replace("_", " ")


def clip(text: str, length: int = 100) -> str:
    """One line of at most ``length`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def because(reason: str) -> str:
    return f" ({clip(reason, 80)})" if reason else ""


def number(value: Decimal) -> str:
    """84.00 as 84, 84.50 as 84.5."""
    return format(value.normalize(), "f")


def score(scale: Scale, value: Decimal) -> str:
    shown = number(value)
    return {
        Scale.age_equivalent_months: f"{shown} months",
        Scale.percent: f"{shown}%",
        Scale.standard_score: f"standard score {shown}",
        Scale.scaled_score: f"scaled score {shown}",
    }.get(scale, shown)


def counted(n: int, thing: str, things: str) -> str:
    return f"{n} {thing if n == 1 else things}"


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    # UUID, Decimal, and anything a later event may carry: as text, rather than
    # stopping the chronology at an event it cannot write.
    return str(value)


def as_json(data: dict[str, Any]) -> str:
    """orjson writes UUIDs, dates and enums as the API does, several times
    faster than the json module: most events in a rebuild pass through here."""
    return orjson.dumps(data, default=_plain).decode()


def attributes(event: Any, **extra: Any) -> dict[str, Any]:
    """What the event says, without its envelope."""
    return {**extra, **{k: v for k, v in vars(event).items() if k not in ENVELOPE}}


class Remembered(dict[Any, Any]):
    """Facts that never change once recorded (an intervention's name, a plan's
    pupil), kept so that a handler need not ask the database for them; bounded,
    so memory does not grow with the log."""

    def __init__(self, limit: int = 50_000) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value
        return value


class Chronology(Projection):
    name = "chronology"
    tables = (entries, intervention_entries, enrolments, interventions, plans, alerts, sessions, assessments)

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.names = Remembered()
        self.plan_pupils = Remembered()
        self.alert_subjects = Remembered()

    # -- writing entries ----------------------------------------------------

    def entry(
        self,
        batch: Batch,
        pupil_id: UUID,
        e: Any,
        occurred_on: date,
        kind: str,
        summary: str,
        data: dict[str, Any] | str,
    ) -> None:
        """One entry in the pupil's chronology; ``data`` as a dict, or already as JSON."""
        batch.insert(
            entries,
            {
                "pupil_id": pupil_id,
                "position": batch.position,
                "occurred_on": occurred_on,
                "recorded_at": e.timestamp,
                "recorded_by": getattr(e, "recorded_by", "apdr"),
                "kind": kind,
                "summary": summary,
                "data": data if isinstance(data, str) else as_json(data),
            },
        )

    def pupil_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        self.entry(batch, e.originator_id, e, occurred_on, kind, summary, attributes(e))

    def intervention_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        batch.insert(
            intervention_entries,
            {
                "position": batch.position,
                "intervention_id": e.originator_id,
                "occurred_on": occurred_on,
                "recorded_at": e.timestamp,
                "recorded_by": e.recorded_by,
                "kind": kind,
                "summary": summary,
                "data": as_json(attributes(e, intervention_id=e.originator_id)),
            },
        )

    # -- what is remembered -------------------------------------------------

    def name_of(self, batch: Batch, intervention_id: UUID) -> str:
        name = self.names.get(intervention_id)
        if name is None:
            found = batch.read(
                sa.select(interventions.c.name).where(interventions.c.intervention_id == intervention_id)
            ).scalar()
            name = self.names.remember(intervention_id, found or "an intervention")
        return str(name)

    def pupil_of_plan(self, batch: Batch, plan_id: UUID) -> UUID | None:
        if plan_id not in self.plan_pupils:
            found = batch.read(sa.select(plans.c.pupil_id).where(plans.c.plan_id == plan_id)).scalar()
            self.plan_pupils.remember(plan_id, found)
        return self.plan_pupils[plan_id]

    def subject_of_alert(self, batch: Batch, alert_id: UUID) -> tuple[UUID | None, str]:
        if alert_id not in self.alert_subjects:
            found = batch.read(
                sa.select(alerts.c.pupil_id, alerts.c.kind).where(alerts.c.alert_id == alert_id)
            ).first()
            self.alert_subjects.remember(alert_id, (found.pupil_id, found.kind) if found else (None, ""))
        return self.alert_subjects[alert_id]

    # -- the pupil's own record -----------------------------------------------

    @handles(Pupil.Registered)
    def registered(self, e: Any, batch: Batch) -> None:
        summary = (
            f"Registered: {e.given_name} {e.family_name}, born {day(e.date_of_birth)}, "
            f"UPN {e.upn}, class {e.class_name}"
        )
        self.pupil_entry(batch, e, e.admitted_on, "registered", summary)

    @handles(Pupil.DetailsCorrected)
    def details_corrected(self, e: Any, batch: Batch) -> None:
        original_kind, original_on = self._original_details(batch, e)
        shown = "; ".join(
            f"{DETAILS[k]} is {_detail(v)}, not {_detail(e.previous.get(k))}" for k, v in e.changes.items()
        )
        data = attributes(e, corrects={"kind": original_kind})
        summary = f"Details corrected: {shown}{because(e.reason)}"
        self.entry(batch, e.originator_id, e, original_on, "details_corrected", summary, data)

    def _original_details(self, batch: Batch, e: Any) -> tuple[str, date]:
        """The entry that recorded what is corrected: the registration, or for a
        class alone the latest class move."""
        rows = batch.read(
            sa.select(entries.c.kind, entries.c.occurred_on)
            .where(entries.c.pupil_id == e.originator_id, entries.c.kind.in_(("registered", "moved_class")))
            .order_by(entries.c.position)
        ).all()
        if not rows:
            return "registered", recorded_on(e)
        chosen = rows[-1] if set(e.changes) == {"class_name"} else rows[0]
        return str(chosen.kind), chosen.occurred_on

    @handles(Pupil.MovedClass)
    def moved_class(self, e: Any, batch: Batch) -> None:
        self.pupil_entry(batch, e, e.moved_on, "moved_class", f"Moved to class {e.class_name}")

    @handles(Pupil.NeedIdentified)
    def need_identified(self, e: Any, batch: Batch) -> None:
        which = "Primary" if e.rank == 1 else "Secondary"
        summary = f"{which} need identified: {NEED_NAMES[e.need_type]} ({e.need_type.value})"
        self.pupil_entry(batch, e, e.identified_on, "need_identified", summary)

    @handles(Pupil.NeedEnded)
    def need_ended(self, e: Any, batch: Batch) -> None:
        summary = f"Need ended: {NEED_NAMES[e.need_type]} ({e.need_type.value}){because(e.reason)}"
        self.pupil_entry(batch, e, e.ended_on, "need_ended", summary)

    @handles(Pupil.SenStatusChanged)
    def sen_status_changed(self, e: Any, batch: Batch) -> None:
        was = PROVISION_NAMES[e.previous]
        if e.status is SenProvision.no_sen:
            summary = f"No longer on the SEN register (was {was})"
        else:
            summary = f"{_capital(PROVISION_NAMES[e.status])} began"
            if e.previous is not SenProvision.no_sen:
                summary += f" (was {was})"
            notified = e.parents_notified_on
            summary += f"; parents notified on {day(notified)}" if notified else "; parents not yet notified"
        self.pupil_entry(batch, e, e.effective_on, "sen_status_changed", summary)

    @handles(Pupil.ParentsNotified)
    def parents_notified(self, e: Any, batch: Batch) -> None:
        summary = "Parents formally notified of the pupil's SEN provision" + (f" ({e.how})" if e.how else "")
        self.pupil_entry(batch, e, e.notified_on, "parents_notified", summary)

    @handles(Pupil.ConcernRaised)
    def concern_raised(self, e: Any, batch: Batch) -> None:
        who = RAISED_BY[e.raised_by] + (f" ({e.raised_by_name})" if e.raised_by_name else "")
        self.pupil_entry(
            batch, e, e.raised_on, "concern_raised", f"Concern raised by {who}: {clip(e.concern)}"
        )

    @handles(Pupil.AssessmentRecorded)
    def assessment_recorded(self, e: Any, batch: Batch) -> None:
        summary = f"{_capital(e.measure)} {score(e.scale, e.value)} ({e.instrument}), {e.kind.value}"
        if e.intervention_id is not None:
            summary += f" for '{self.name_of(batch, e.intervention_id)}'"
        self.pupil_entry(batch, e, e.assessed_on, "assessment", summary)
        batch.insert(
            assessments,
            {
                "assessment_id": e.assessment_id,
                "instrument": e.instrument,
                "measure": e.measure,
                "scale": e.scale.value,
                "first_assessed_on": e.assessed_on,
                "assessed_on": e.assessed_on,
                "value": e.value,
            },
        )

    @handles(Pupil.AssessmentCorrected)
    def assessment_corrected(self, e: Any, batch: Batch) -> None:
        was = batch.read(sa.select(assessments).where(assessments.c.assessment_id == e.assessment_id)).first()
        if was is None:  # Not possible while the log is whole; keep the correction anyway.
            self.pupil_entry(batch, e, e.assessed_on, "assessment_corrected", "Assessment corrected")
            return
        scale = Scale(was.scale)
        shown = []
        if Decimal(e.value) != Decimal(was.value):
            shown.append(f"{score(scale, e.value)}, not {score(scale, Decimal(was.value))}")
        if e.assessed_on != was.assessed_on:
            shown.append(f"assessed on {day(e.assessed_on)}, not {day(was.assessed_on)}")
        summary = (
            f"Assessment corrected: {was.measure} ({was.instrument}) of {day(was.first_assessed_on)}: "
            f"{'; '.join(shown)}{because(e.reason)}"
        )
        data = attributes(
            e,
            corrects={"kind": "assessment", "assessment_id": e.assessment_id},
            previous_value=number(Decimal(was.value)),
            previous_assessed_on=was.assessed_on,
        )
        self.entry(batch, e.originator_id, e, was.first_assessed_on, "assessment_corrected", summary, data)
        batch.update(
            assessments,
            {"assessment_id": e.assessment_id},
            {"value": e.value, "assessed_on": e.assessed_on},
        )

    @handles(Pupil.ProfileUpdated)
    def profile_updated(self, e: Any, batch: Batch) -> None:
        filled = sum(1 for k in PROFILE_SECTIONS if e.profile.get(k))
        summary = f"One-page profile updated ({filled} of {len(PROFILE_SECTIONS)} sections filled in)"
        self.pupil_entry(batch, e, e.updated_on, "profile_updated", summary)

    @handles(Pupil.AdviceReceived)
    def advice_received(self, e: Any, batch: Batch) -> None:
        who = ADVISERS[e.source] + (f" ({e.author})" if e.author else "")
        self.pupil_entry(batch, e, e.received_on, "advice_received", f"Advice from {who}: {clip(e.summary)}")

    @handles(Pupil.EhcpMilestoneRecorded)
    def ehcp_milestone(self, e: Any, batch: Batch) -> None:
        self.pupil_entry(batch, e, e.reached_on, "ehcp_milestone", MILESTONES[e.milestone])

    @handles(Pupil.InformationShared)
    def information_shared(self, e: Any, batch: Batch) -> None:
        summary = f"Information shared with {e.shared_with} ({words(e.lawful_basis)}): {clip(e.purpose)}"
        self.pupil_entry(batch, e, e.shared_on, "information_shared", summary)

    @handles(Pupil.PlanStarted)
    def plan_started(self, e: Any, batch: Batch) -> None:
        summary = "Next support plan began" if e.follows_plan_id else "First support plan began"
        self.pupil_entry(batch, e, e.starts_on, "plan_started", summary)

    @handles(Pupil.LeftSetting)
    def left_setting(self, e: Any, batch: Batch) -> None:
        summary = "Left the setting" + (f" for {e.destination}" if e.destination else "")
        self.pupil_entry(batch, e, e.left_on, "left_setting", summary)

    # -- support plans --------------------------------------------------------

    def plan_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        pupil_id = self.pupil_of_plan(batch, e.originator_id)
        if pupil_id is not None:
            self.entry(batch, pupil_id, e, occurred_on, kind, summary, attributes(e, plan_id=e.originator_id))

    @handles(SupportPlan.Drafted)
    def plan_drafted(self, e: Any, batch: Batch) -> None:
        batch.insert(plans, {"plan_id": e.originator_id, "pupil_id": e.pupil_id})
        self.plan_pupils.remember(e.originator_id, e.pupil_id)
        summary = (
            f"Support plan drafted: {counted(len(e.outcomes), 'outcome', 'outcomes')}, "
            f"{counted(len(e.strategies), 'strategy', 'strategies')}, "
            f"from {day(e.starts_on)}, review due {day(e.review_due_on)}"
        )
        # Drafted by the day it started at the latest, however much later it was typed in.
        self.plan_entry(batch, e, min(recorded_on(e), e.starts_on), "plan_drafted", summary)

    @handles(SupportPlan.AgreedWithParents)
    def plan_agreed(self, e: Any, batch: Batch) -> None:
        summary = "Support plan agreed with parents" + (f" ({e.agreed_with})" if e.agreed_with else "")
        self.plan_entry(batch, e, e.agreed_on, "plan_agreed", summary)

    @handles(SupportPlan.OutcomeAdded)
    def outcome_added(self, e: Any, batch: Batch) -> None:
        summary = f"Outcome added to the support plan: {clip(e.outcome['description'])}"
        self.plan_entry(batch, e, recorded_on(e), "plan_outcome_added", summary)

    @handles(SupportPlan.OutcomeRevised)
    def outcome_revised(self, e: Any, batch: Batch) -> None:
        shown = "; ".join(f"{k} now '{clip(v, 60)}'" for k, v in e.changes.items())
        summary = f"Support plan outcome revised: {shown}{because(e.reason)}"
        self.plan_entry(batch, e, recorded_on(e), "plan_outcome_revised", summary)

    @handles(SupportPlan.StrategyAdded)
    def strategy_added(self, e: Any, batch: Batch) -> None:
        code = e.strategy.get("code")
        strategy = (f"{code} " if code else "") + clip(e.strategy["description"])
        summary = f"Strategy added to the support plan: {strategy}"
        self.plan_entry(batch, e, recorded_on(e), "plan_strategy_added", summary)

    @handles(SupportPlan.ReviewMoved)
    def review_moved(self, e: Any, batch: Batch) -> None:
        summary = (
            f"Support plan review moved from {day(e.previous)} to {day(e.review_due_on)}{because(e.reason)}"
        )
        self.plan_entry(batch, e, recorded_on(e), "plan_review_moved", summary)

    @handles(SupportPlan.Reviewed)
    def plan_reviewed(self, e: Any, batch: Batch) -> None:
        ratings = Counter(o["rating"] for o in e.outcomes)
        rated = ", ".join(f"{ratings[r]} {words(r)}" for r in reversed(Rating) if ratings[r])
        summary = f"Support plan reviewed: {rated}; decision: {DECISIONS[e.decision]}"
        if e.next_review_due_on:
            summary += f"; next review {day(e.next_review_due_on)}"
        self.plan_entry(batch, e, e.reviewed_on, "plan_reviewed", summary)

    @handles(SupportPlan.Closed)
    def plan_closed(self, e: Any, batch: Batch) -> None:
        self.plan_entry(batch, e, e.closed_on, "plan_closed", f"Support plan closed{because(e.reason)}")

    # -- interventions ----------------------------------------------------------

    @handles(Intervention.Planned)
    def intervention_planned(self, e: Any, batch: Batch) -> None:
        batch.insert(interventions, {"intervention_id": e.originator_id, "name": e.name})
        self.names.remember(e.originator_id, e.name)

    @handles(Intervention.PupilEnrolled)
    def enrolled(self, e: Any, batch: Batch) -> None:
        batch.insert(
            enrolments,
            {
                "enrolment_id": e.enrolment_id,
                "intervention_id": e.originator_id,
                "pupil_id": e.pupil_id,
                "starts_on": e.starts_on,
                "ends_on": None,
            },
        )
        summary = f"Enrolled in '{self.name_of(batch, e.originator_id)}'"
        data = attributes(e, intervention_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.starts_on, "enrolled", summary, data)

    @handles(Intervention.PupilWithdrawn)
    def withdrawn(self, e: Any, batch: Batch) -> None:
        batch.execute(
            _withdraw,
            {"w_intervention_id": e.originator_id, "w_pupil_id": e.pupil_id, "v_ends_on": e.withdrawn_on},
        )
        summary = f"Withdrawn from '{self.name_of(batch, e.originator_id)}'{because(e.reason)}"
        data = attributes(e, intervention_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.withdrawn_on, "withdrawn", summary, data)

    @handles(Intervention.SessionDelivered)
    def session_delivered(self, e: Any, batch: Batch) -> None:
        # One row for the whole session; each pupil's entry is read from it (see
        # ``_session_entries``), showing their own mark only: another pupil's
        # attendance is not part of this pupil's record.
        batch.insert(
            sessions,
            {
                "intervention_id": e.originator_id,
                "delivered_on": e.delivered_on,
                "position": batch.position,
                "session_id": e.session_id,
                "recorded_at": e.timestamp,
                "recorded_by": e.recorded_by,
                "minutes": e.minutes,
                "details": as_json(_session_data(e)),
                "marks": _marks_text(e.attendance),
                "now": None,
            },
        )

    def _session_now(self, batch: Batch, e: Any) -> Any:
        """The session a correction or void is about, as it now stands."""
        return batch.read(
            sa.select(sessions).where(
                sessions.c.intervention_id == e.originator_id, sessions.c.session_id == e.session_id
            )
        ).first()

    @handles(Intervention.SessionCorrected)
    def session_corrected(self, e: Any, batch: Batch) -> None:
        was = self._session_now(batch, e)
        if was is None:
            return  # Not possible while the log is whole: the session was recorded before.
        now = json.loads(was.now) if was.now else {"details": was.details, "marks": was.marks}
        name = self.name_of(batch, e.originator_id)
        before = _marks(now["marks"])
        after = {m["pupil_id"]: m["status"] for m in e.attendance}
        common = _session_changes(json.loads(now["details"]), e)
        for pupil_id in [*before, *(p for p in after if p not in before)]:
            own = _mark_change(before.get(pupil_id), after.get(pupil_id))
            if not common and not own:
                continue  # Only another pupil's mark changed.
            summary = (
                f"Session of '{name}' on {day(was.delivered_on)} corrected: "
                f"{'; '.join([*own, *common])}{because(e.reason)}"
            )
            data = _session_data(e) | {
                "status": after.get(pupil_id),
                "previous_status": before.get(pupil_id),
                "corrects": {"kind": "session", "session_id": e.session_id},
                "reason": e.reason,
            }
            self.entry(batch, pupil_id, e, was.delivered_on, "session_corrected", summary, data)
        corrected = {"details": as_json(_session_data(e)), "marks": _marks_text(e.attendance)}
        batch.update(
            sessions,
            {"intervention_id": e.originator_id, "delivered_on": was.delivered_on, "position": was.position},
            {"now": as_json(corrected)},
        )

    @handles(Intervention.SessionVoided)
    def session_voided(self, e: Any, batch: Batch) -> None:
        was = self._session_now(batch, e)
        if was is None:
            return  # Not possible while the log is whole: the session was recorded before.
        summary = (
            f"Session of '{self.name_of(batch, e.originator_id)}' on {day(was.delivered_on)} "
            f"recorded in error: it did not happen{because(e.reason)}"
        )
        data = as_json(
            attributes(
                e, intervention_id=e.originator_id, corrects={"kind": "session", "session_id": e.session_id}
            )
        )
        marks = json.loads(was.now)["marks"] if was.now else was.marks
        for pupil_id in _marks(marks):
            self.entry(batch, pupil_id, e, was.delivered_on, "session_voided", summary, data)

    @handles(Intervention.SessionMissed)
    def session_missed(self, e: Any, batch: Batch) -> None:
        summary = f"Session of '{self.name_of(batch, e.originator_id)}' did not take place: {words(e.reason)}"
        self.intervention_entry(batch, e, e.scheduled_on, "session_missed", summary)

    @handles(Intervention.MissedSessionVoided)
    def missed_session_voided(self, e: Any, batch: Batch) -> None:
        summary = (
            f"Session of '{self.name_of(batch, e.originator_id)}' on {day(e.scheduled_on)} was recorded as "
            f"missed in error{because(e.reason)}"
        )
        self.intervention_entry(batch, e, e.scheduled_on, "missed_session_voided", summary)

    @handles(Intervention.ScheduleChanged)
    def schedule_changed(self, e: Any, batch: Batch) -> None:
        was = e.previous
        shown = []
        if "weekdays" in was:
            shown.append(f"days {_days(was['weekdays'])} now {_days(e.weekdays)}")
        if "minutes_per_session" in was:
            shown.append(f"{was['minutes_per_session']} minutes a session now {e.minutes_per_session}")
        if "planned_weeks" in was:
            shown.append(f"planned for {was['planned_weeks']} weeks now {e.planned_weeks}")
        if "review_due_on" in was and e.review_due_on is not None:
            shown.append(f"review due {day(was['review_due_on'])} now {day(e.review_due_on)}")
        summary = (
            f"Timetable of '{self.name_of(batch, e.originator_id)}' changed from {day(e.effective_on)}: "
            f"{'; '.join(shown)}{because(e.reason)}"
        )
        self.intervention_entry(batch, e, e.effective_on, "schedule_changed", summary)

    @handles(Intervention.DeliveryObserved)
    def delivery_observed(self, e: Any, batch: Batch) -> None:
        summary = (
            f"Delivery of '{self.name_of(batch, e.originator_id)}' observed by {e.observer}: "
            f"fidelity {e.fidelity} of 4"
        )
        self.intervention_entry(batch, e, e.observed_on, "delivery_observed", summary)

    @handles(Intervention.Reviewed)
    def intervention_reviewed(self, e: Any, batch: Batch) -> None:
        summary = f"'{self.name_of(batch, e.originator_id)}' reviewed: decision: {words(e.decision)}"
        if e.next_review_due_on:
            summary += f"; next review {day(e.next_review_due_on)}"
        self.intervention_entry(batch, e, e.reviewed_on, "intervention_reviewed", summary)

    @handles(Intervention.Ended)
    def intervention_ended(self, e: Any, batch: Batch) -> None:
        batch.execute(_end_enrolments, {"w_intervention_id": e.originator_id, "v_ends_on": e.ended_on})
        summary = f"'{self.name_of(batch, e.originator_id)}' ended{because(e.reason)}"
        self.intervention_entry(batch, e, e.ended_on, "intervention_ended", summary)

    # -- alerts -----------------------------------------------------------------

    def alert_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        pupil_id, _ = self.subject_of_alert(batch, e.originator_id)
        if pupil_id is not None:
            self.entry(
                batch, pupil_id, e, occurred_on, kind, summary, attributes(e, alert_id=e.originator_id)
            )

    @handles(Alert.Raised)
    def alert_raised(self, e: Any, batch: Batch) -> None:
        batch.insert(alerts, {"alert_id": e.originator_id, "pupil_id": e.pupil_id, "kind": e.kind})
        self.alert_subjects.remember(e.originator_id, (e.pupil_id, e.kind))
        self.alert_entry(batch, e, e.raised_on, "alert_raised", f"Alert raised: {clip(e.summary)}")

    @handles(Alert.Acknowledged)
    def alert_acknowledged(self, e: Any, batch: Batch) -> None:
        _, kind = self.subject_of_alert(batch, e.originator_id)
        summary = f"Alert acknowledged: {words(kind)}{because(e.note)}"
        self.alert_entry(batch, e, e.acknowledged_on, "alert_acknowledged", summary)

    @handles(Alert.Resolved)
    def alert_resolved(self, e: Any, batch: Batch) -> None:
        _, kind = self.subject_of_alert(batch, e.originator_id)
        summary = f"Alert resolved: {words(kind)}{because(e.reason)}"
        self.alert_entry(batch, e, e.resolved_on, "alert_resolved", summary)

    @handles(Alert.Reraised)
    def alert_reraised(self, e: Any, batch: Batch) -> None:
        self.alert_entry(batch, e, e.raised_on, "alert_reraised", f"Alert raised again: {clip(e.summary)}")


def _days(weekdays: list[Any]) -> str:
    return ", ".join(words(d).capitalize() for d in weekdays)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _detail(value: Any) -> str:
    return day(value) if isinstance(value, date) else str(value)


def _attended(name: str, minutes: int, status: AttendanceStatus) -> str:
    verb = "Attended" if status.attended else "Did not attend"
    return f"{verb} '{name}' ({minutes} minutes): {words(status)}"


def _session_data(e: Any) -> dict[str, Any]:
    # Already plain: sessions are most of the log, and the encoder is quicker without calling back.
    return {
        "intervention_id": str(e.originator_id),
        "session_id": str(e.session_id),
        "delivered_on": e.delivered_on.isoformat(),
        "minutes": e.minutes,
        "delivered_by": str(e.delivered_by),
        "focus": e.focus,
        "notes": e.notes,
    }


def _marks_text(attendance: list[dict[str, Any]]) -> str:
    return " ".join(f"{m['pupil_id'].hex}:{m['status'].value}" for m in attendance)


def _marks(marks: str) -> dict[UUID, str]:
    """Pupil -> attendance status, from a session row's ``marks``."""
    return {UUID(pupil): status for pupil, status in (mark.split(":") for mark in marks.split())}


def _session_changes(was: dict[str, Any], e: Any) -> list[str]:
    """What a correction changed for everyone in the session (``was``: its details as they stood)."""
    changes = []
    if e.delivered_on.isoformat() != was["delivered_on"]:
        earlier = date.fromisoformat(was["delivered_on"])
        changes.append(f"delivered on {day(e.delivered_on)}, not {day(earlier)}")
    if e.minutes != was["minutes"]:
        changes.append(f"{e.minutes} minutes, not {was['minutes']}")
    if e.focus != was["focus"]:
        changes.append(f"focus '{clip(e.focus, 60)}'")
    if e.notes != was["notes"]:
        changes.append("notes corrected")
    if str(e.delivered_by) != was["delivered_by"]:
        changes.append("delivered by someone else")
    return changes


def _mark_change(was: str | None, now: AttendanceStatus | None) -> list[str]:
    """What a correction changed in one pupil's mark."""
    if was is None and now is not None:
        return [f"{words(now)}, added to the session"]
    if was is not None and now is None:
        return ["not in the session after all"]
    if was is not None and now is not None and was != now.value:
        return [f"{words(now)}, not {words(was)}"]
    return []


# -- the query -------------------------------------------------------------------

_SHOWN = ("occurred_on", "recorded_at", "position", "recorded_by", "kind", "summary", "data")


def _no_session() -> list[Any]:
    """What an entry that is not a session has in the session columns: nothing."""
    return [
        sa.cast(sa.null(), sa.Integer).label("minutes"),
        sa.cast(sa.null(), sa.String).label("name"),
        sa.cast(sa.null(), sa.Text).label("marks"),
    ]


def _pupil_entries(pupil_id: UUID) -> sa.Select[Any]:
    return sa.select(*(entries.c[c] for c in _SHOWN), *_no_session()).where(entries.c.pupil_id == pupil_id)


def _entries_while_enrolled(pupil_id: UUID) -> sa.Select[Any]:
    """Entries about an intervention, on a day the pupil was enrolled in it."""
    about, span = intervention_entries, enrolments
    return (
        sa.select(*(about.c[c] for c in _SHOWN), *_no_session())
        .join(
            span,
            sa.and_(
                span.c.intervention_id == about.c.intervention_id,
                about.c.occurred_on >= span.c.starts_on,
                sa.or_(span.c.ends_on.is_(None), about.c.occurred_on <= span.c.ends_on),
            ),
        )
        .where(span.c.pupil_id == pupil_id)
    )


def _sessions_of(pupil_id: UUID) -> sa.Select[Any]:
    """The sessions the pupil was marked in, as first recorded: their entries
    are made from these rows as they are read (``_session_entry``)."""
    s = sessions.c
    return (
        sa.select(
            s.delivered_on.label("occurred_on"),
            s.recorded_at,
            s.position,
            s.recorded_by,
            sa.literal("session", sa.String).label("kind"),
            sa.cast(sa.null(), sa.Text).label("summary"),
            s.details.label("data"),
            s.minutes,
            interventions.c.name,
            s.marks,
        )
        .join(interventions, interventions.c.intervention_id == s.intervention_id)
        .where(
            s.intervention_id.in_(
                sa.select(enrolments.c.intervention_id).where(enrolments.c.pupil_id == pupil_id)
            ),
            s.marks.contains(f"{pupil_id.hex}:"),
        )
    )


def _rows(conn: sa.Connection, pupil_id: UUID, limit: int | None, offset: int) -> Iterator[Any]:
    """The pupil's entries in the order things happened (then as recorded, then
    their place in the log), read from a server-side cursor a few hundred at a time."""
    every = sa.union_all(
        _pupil_entries(pupil_id), _entries_while_enrolled(pupil_id), _sessions_of(pupil_id)
    ).subquery()
    query = (
        sa.select(every)
        .order_by(every.c.occurred_on, every.c.recorded_at, every.c.position)
        .offset(offset)
        .limit(limit)
        .execution_options(yield_per=500)
    )
    for row in conn.execute(query):
        yield _session_entry(row, pupil_id) if row.marks is not None else row


@dataclass(frozen=True)
class _Entry:
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    kind: str
    summary: str
    data: str


def _session_entry(row: Any, pupil_id: UUID) -> _Entry:
    """This pupil's entry for a session: their own mark, in words and in the data."""
    status = AttendanceStatus(_marks(row.marks)[pupil_id])
    return _Entry(
        row.occurred_on,
        row.recorded_at,
        row.recorded_by,
        "session",
        _attended(row.name, row.minutes, status),
        f'{row.data[:-1]},"status":"{status.value}"}}',
    )


def pupil_chronology(
    conn: sa.Connection, pupil_id: UUID, *, limit: int | None = None, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """The pupil's entries, in order, each as a dict."""
    for row in _rows(conn, pupil_id, limit, offset):
        yield {
            "occurred_on": row.occurred_on,
            "recorded_at": _utc(row.recorded_at),
            "recorded_by": row.recorded_by,
            "kind": row.kind,
            "summary": row.summary,
            "data": json.loads(row.data),
        }


def pupil_chronology_json(
    conn: sa.Connection, pupil_id: UUID, *, limit: int | None = None, offset: int = 0
) -> Iterator[str]:
    """The same entries, each as a JSON object, its data written as it was stored:
    a long chronology streams without being decoded and encoded again."""
    text = json.JSONEncoder(ensure_ascii=False).encode
    for row in _rows(conn, pupil_id, limit, offset):
        yield (
            f'{{"occurred_on":"{row.occurred_on.isoformat()}",'
            f'"recorded_at":"{_utc(row.recorded_at).isoformat()}",'
            f'"recorded_by":{text(row.recorded_by)},"kind":"{row.kind}",'
            f'"summary":{text(row.summary)},"data":{row.data}}}'
        )


def _utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC time it was given without its zone; PostgreSQL, in the session's."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def pupil_entries_of_kinds(conn: sa.Connection, pupil_id: UUID, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """The pupil's own entries of these kinds (advice received, concerns raised…),
    in the order things happened (then as recorded, then their place in the log),
    each with its ``data`` decoded: what the event said."""
    rows = conn.execute(
        sa.select(*(entries.c[c] for c in ("occurred_on", "recorded_at", "recorded_by", "kind", "data")))
        .where(entries.c.pupil_id == pupil_id, entries.c.kind.in_(list(kinds)))
        .order_by(entries.c.occurred_on, entries.c.recorded_at, entries.c.position)
    )
    return [
        {
            "occurred_on": row.occurred_on,
            "recorded_at": _utc(row.recorded_at),
            "recorded_by": row.recorded_by,
            "kind": row.kind,
            "data": json.loads(row.data),
        }
        for row in rows
    ]
