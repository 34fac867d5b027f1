"""The chronology's entries for the pupil's own record: registration, needs,
SEN status, concerns, assessments, advice, EHCP milestones, leaving."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.aggregates.codes import Scale, SenProvision
from apdr.aggregates.pupil import PROFILE_SECTIONS
from apdr.projections.chronology.entries import EntryWriter, attributes, recorded_on
from apdr.projections.chronology.tables import assessments, entries
from apdr.projections.chronology.wording import (
    ADVISERS,
    DETAILS,
    MILESTONES,
    NEED_NAMES,
    PROVISION_NAMES,
    RAISED_BY,
    because,
    capital,
    clip,
    day,
    detail,
    number,
    score,
    words,
)
from apdr.projections.projection import Batch, handles


class PupilRecordHandlers(EntryWriter):
    """Handlers of the pupil's own events: each an entry in that pupil's chronology."""

    def pupil_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        self.entry(batch, e.originator_id, e, occurred_on, kind, summary, attributes(e))

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
            f"{DETAILS[k]} is {detail(v)}, not {detail(e.previous.get(k))}" for k, v in e.changes.items()
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
            summary = f"{capital(PROVISION_NAMES[e.status])} began"
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
        summary = f"{capital(e.measure)} {score(e.scale, e.value)} ({e.instrument}), {e.kind.value}"
        if e.intervention_id is not None:
            summary += f" for '{self.name_of(batch, e.intervention_id)}'"
        self.pupil_entry(batch, e, e.assessed_on, "assessment", summary)
        row = {
            "assessment_id": e.assessment_id,
            "instrument": e.instrument,
            "measure": e.measure,
            "scale": e.scale.value,
            "first_assessed_on": e.assessed_on,
            "assessed_on": e.assessed_on,
            "value": e.value,
        }
        batch.insert(assessments, row)
        # Every write of an assessment is noted: a correction reads back what is not without
        # sending the batch first (sent in pieces, a rebuild's batch loses its grouping).
        batch.note((assessments.name, e.assessment_id), row)

    @handles(Pupil.AssessmentCorrected)
    def assessment_corrected(self, e: Any, batch: Batch) -> None:
        was = batch.as_written(
            (assessments.name, e.assessment_id),
            sa.select(assessments).where(assessments.c.assessment_id == e.assessment_id),
            sa.Row._asdict,
        )
        if was is None:  # Not possible while the log is whole; keep the correction anyway.
            self.pupil_entry(batch, e, e.assessed_on, "assessment_corrected", "Assessment corrected")
            return
        scale = Scale(was["scale"])
        shown = []
        if Decimal(e.value) != Decimal(was["value"]):
            shown.append(f"{score(scale, e.value)}, not {score(scale, Decimal(was['value']))}")
        if e.assessed_on != was["assessed_on"]:
            shown.append(f"assessed on {day(e.assessed_on)}, not {day(was['assessed_on'])}")
        summary = (
            f"Assessment corrected: {was['measure']} ({was['instrument']}) "
            f"of {day(was['first_assessed_on'])}: {'; '.join(shown)}{because(e.reason)}"
        )
        data = attributes(
            e,
            corrects={"kind": "assessment", "assessment_id": e.assessment_id},
            previous_value=number(Decimal(was["value"])),
            previous_assessed_on=was["assessed_on"],
        )
        self.entry(batch, e.originator_id, e, was["first_assessed_on"], "assessment_corrected", summary, data)
        corrected = {"value": e.value, "assessed_on": e.assessed_on}
        batch.update(assessments, {"assessment_id": e.assessment_id}, corrected)
        batch.note((assessments.name, e.assessment_id), {**was, **corrected})

    @handles(Pupil.ProfileUpdated)
    def profile_updated(self, e: Any, batch: Batch) -> None:
        filled = sum(1 for k in PROFILE_SECTIONS if e.profile.get(k))
        summary = f"One-page profile updated ({filled} of {len(PROFILE_SECTIONS)} sections filled in)"
        self.pupil_entry(batch, e, e.updated_on, "profile_updated", summary)

    @handles(Pupil.AdviceReceived)
    def advice_received(self, e: Any, batch: Batch) -> None:
        who = ADVISERS[e.source] + (f" ({e.author})" if e.author else "")
        self.pupil_entry(batch, e, e.received_on, "advice_received", f"Advice from {who}: {clip(e.summary)}")

    @handles(Pupil.AdviceActedOn)
    def advice_acted_on(self, e: Any, batch: Batch) -> None:
        self.pupil_entry(batch, e, e.responded_on, "advice_acted_on", f"Advice acted on: {clip(e.action)}")

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
