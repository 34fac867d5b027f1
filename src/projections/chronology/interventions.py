"""The chronology's entries for interventions: enrolments and withdrawals for
their pupil, each session once (its pupils' entries are made as it is read), and
what concerns the whole intervention once (joined to the enrolments as read)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa

from apdr.aggregates import Intervention
from apdr.projections.chronology.entries import EntryWriter, as_json, attributes
from apdr.projections.chronology.sessions import (
    mark_change,
    marks_text,
    read_marks,
    session_changes,
    session_data,
)
from apdr.projections.chronology.tables import enrolments, intervention_entries, interventions, sessions
from apdr.projections.chronology.wording import because, day, next_review, weekdays, words
from apdr.projections.enrolments import (
    end_enrolments,
    end_enrolments_statement,
    enrolment_row,
    withdraw,
    withdraw_statement,
)
from apdr.projections.projection import Batch, handles

_withdraw = withdraw_statement(enrolments)
_end_enrolments = end_enrolments_statement(enrolments)


class SessionRow(NamedTuple):
    """What a correction or a void needs of a session's row: when it was, where it is kept,
    and what it says (as delivered, and ``now``, as last corrected)."""

    delivered_on: date
    position: int
    details: str
    marks: str
    now: str | None = None


class InterventionHandlers(EntryWriter):
    """Handlers of an intervention's events, its sessions among them."""

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

    @handles(Intervention.Planned)
    def intervention_planned(self, e: Any, batch: Batch) -> None:
        batch.insert(interventions, {"intervention_id": e.originator_id, "name": e.name})
        self.names.remember(e.originator_id, e.name)

    @handles(Intervention.PupilEnrolled)
    def enrolled(self, e: Any, batch: Batch) -> None:
        batch.insert(enrolments, enrolment_row(e))
        summary = f"Enrolled in '{self.name_of(batch, e.originator_id)}'"
        data = attributes(e, intervention_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.starts_on, "enrolled", summary, data)

    @handles(Intervention.PupilWithdrawn)
    def withdrawn(self, e: Any, batch: Batch) -> None:
        withdraw(batch, _withdraw, e)
        summary = f"Withdrawn from '{self.name_of(batch, e.originator_id)}'{because(e.reason)}"
        data = attributes(e, intervention_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.withdrawn_on, "withdrawn", summary, data)

    @handles(Intervention.SessionDelivered)
    def session_delivered(self, e: Any, batch: Batch) -> None:
        # One row for the whole session; each pupil's entry is read from it (see
        # ``query._session_entry``), showing their own mark only: another pupil's
        # attendance is not part of this pupil's record.
        row = SessionRow(e.delivered_on, batch.position, as_json(session_data(e)), marks_text(e.attendance))
        batch.insert(
            sessions,
            {
                "intervention_id": e.originator_id,
                "session_id": e.session_id,
                "recorded_at": e.timestamp,
                "recorded_by": e.recorded_by,
                "minutes": e.minutes,
                **row._asdict(),
            },
        )
        batch.note((sessions.name, e.originator_id, e.session_id), row)

    def _session_now(self, batch: Batch, e: Any) -> SessionRow | None:
        """The session a correction or void is about, as it now stands: noted, if this batch
        wrote it (every write of a session's row is noted), or else as the table has it."""
        return batch.as_written(
            (sessions.name, e.originator_id, e.session_id),
            sa.select(*(sessions.c[k] for k in SessionRow._fields)).where(
                sessions.c.intervention_id == e.originator_id, sessions.c.session_id == e.session_id
            ),
            SessionRow._make,
        )

    @handles(Intervention.SessionCorrected)
    def session_corrected(self, e: Any, batch: Batch) -> None:
        was = self._session_now(batch, e)
        if was is None:
            return  # Not possible while the log is whole: the session was recorded before.
        now = json.loads(was.now) if was.now else {"details": was.details, "marks": was.marks}
        name = self.name_of(batch, e.originator_id)
        before = read_marks(now["marks"])
        after = {m["pupil_id"]: m["status"] for m in e.attendance}
        common = session_changes(json.loads(now["details"]), e)
        for pupil_id in [*before, *(p for p in after if p not in before)]:
            own = mark_change(before.get(pupil_id), after.get(pupil_id))
            if not common and not own:
                continue  # Only another pupil's mark changed.
            summary = (
                f"Session of '{name}' on {day(was.delivered_on)} corrected: "
                f"{'; '.join([*own, *common])}{because(e.reason)}"
            )
            data = session_data(e) | {
                "status": after.get(pupil_id),
                "previous_status": before.get(pupil_id),
                "corrects": {"kind": "session", "session_id": e.session_id},
                "reason": e.reason,
            }
            self.entry(batch, pupil_id, e, was.delivered_on, "session_corrected", summary, data)
        corrected = {"details": as_json(session_data(e)), "marks": marks_text(e.attendance)}
        batch.update(
            sessions,
            {"intervention_id": e.originator_id, "delivered_on": was.delivered_on, "position": was.position},
            {"now": as_json(corrected)},
        )
        batch.note((sessions.name, e.originator_id, e.session_id), was._replace(now=as_json(corrected)))

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
        marked = json.loads(was.now)["marks"] if was.now else was.marks
        for pupil_id in read_marks(marked):
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
            shown.append(f"days {weekdays(was['weekdays'])} now {weekdays(e.weekdays)}")
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
        summary = (
            f"'{self.name_of(batch, e.originator_id)}' reviewed: decision: {words(e.decision)}"
            f"{next_review(e.next_review_due_on)}"
        )
        self.intervention_entry(batch, e, e.reviewed_on, "intervention_reviewed", summary)

    @handles(Intervention.Ended)
    def intervention_ended(self, e: Any, batch: Batch) -> None:
        end_enrolments(batch, _end_enrolments, e)
        summary = f"'{self.name_of(batch, e.originator_id)}' ended{because(e.reason)}"
        self.intervention_entry(batch, e, e.ended_on, "intervention_ended", summary)
