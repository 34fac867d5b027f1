"""How each event changes the provision map."""

from __future__ import annotations

from datetime import date
from typing import Any

from apdr.aggregates import Intervention, StaffMember
from apdr.projections.enrolments import (
    end_enrolments,
    end_enrolments_statement,
    enrolment_row,
    withdraw,
    withdraw_statement,
)
from apdr.projections.projection import Batch, Projection, handles
from apdr.projections.provision_map.tables import (
    assignments,
    attendance,
    enrolments,
    interventions,
    missed,
    reviews,
    schedules,
    session_marks,
    sessions,
    staff,
)
from apdr.projections.provision_map.tallies import (
    SessionMarks,
    count_marks,
    note_session,
    open_tally,
    uncount_session,
)

_withdraw = withdraw_statement(enrolments, withdrawn=True)
_end_enrolments = end_enrolments_statement(enrolments)


def _session_row(e: Any) -> dict[str, Any]:
    return {
        "intervention_id": e.originator_id,
        "delivered_on": e.delivered_on,
        "session_id": e.session_id,
        "minutes": e.minutes,
        "delivered_by": e.delivered_by,
        "voided": False,
        "marks": session_marks(e.attendance),
        "focus": e.focus,
        "notes": e.notes,
    }


class ProvisionMap(Projection):
    name = "provision_map"
    tables = (interventions, schedules, staff, assignments, enrolments, sessions, attendance, missed, reviews)

    @handles(Intervention.Planned)
    def planned(self, e: Any, batch: Batch) -> None:
        batch.insert(
            interventions,
            {
                "intervention_id": e.originator_id,
                "setting_id": e.setting_id,
                "name": e.name,
                "programme": e.programme,
                "area_of_need": e.area_of_need.value,
                "strategy_codes": ",".join(e.strategy_codes),
                "aim": e.aim,
                "delivery": e.delivery.value,
                "ratio": e.ratio,
                "location": e.location,
                "starts_on": e.starts_on,
                "ended_on": None,
                "cost_per_year": e.cost_per_year,
                "sessions_delivered": 0,
            },
        )
        self.schedule_from(e.starts_on, e, batch)
        for staff_id in e.staff_ids:
            batch.insert(assignments, {"intervention_id": e.originator_id, "staff_id": staff_id})

    @handles(Intervention.ScheduleChanged)
    def schedule_changed(self, e: Any, batch: Batch) -> None:
        self.schedule_from(e.effective_on, e, batch)

    @staticmethod
    def schedule_from(effective_on: date, e: Any, batch: Batch) -> None:
        batch.insert(
            schedules,
            {
                "intervention_id": e.originator_id,
                "position": batch.position,
                "effective_on": effective_on,
                "weekdays": ",".join(d.value for d in e.weekdays),
                "minutes_per_session": e.minutes_per_session,
                "planned_weeks": e.planned_weeks,
                "review_due_on": e.review_due_on,
                "withdrawn_from": e.withdrawn_from,
                "outside_lessons": e.outside_lessons,
            },
        )

    @handles(StaffMember.Registered)
    def staff_registered(self, e: Any, batch: Batch) -> None:
        batch.insert(
            staff,
            {"staff_id": e.originator_id, "setting_id": e.setting_id, "name": e.name, "role": e.role.value},
        )

    @handles(Intervention.StaffAssigned)
    def staff_assigned(self, e: Any, batch: Batch) -> None:
        batch.insert(assignments, {"intervention_id": e.originator_id, "staff_id": e.staff_id})

    @handles(Intervention.StaffUnassigned)
    def staff_unassigned(self, e: Any, batch: Batch) -> None:
        batch.delete(assignments, {"intervention_id": e.originator_id, "staff_id": e.staff_id})

    @handles(Intervention.PupilEnrolled)
    def enrolled(self, e: Any, batch: Batch) -> None:
        batch.insert(enrolments, enrolment_row(e, plan_id=e.plan_id, withdrawn=False))
        open_tally(batch, e.originator_id, e.pupil_id, e.starts_on)

    @handles(Intervention.PupilWithdrawn)
    def withdrawn(self, e: Any, batch: Batch) -> None:
        withdraw(batch, _withdraw, e)

    @handles(Intervention.SessionDelivered)
    def session_delivered(self, e: Any, batch: Batch) -> None:
        self._write_session(batch, e)

    @handles(Intervention.SessionCorrected)
    def session_corrected(self, e: Any, batch: Batch) -> None:
        # Its date may be what changed, and the date is part of its key.
        uncount_session(batch, e.originator_id, e.session_id)
        batch.delete(sessions, {"intervention_id": e.originator_id, "session_id": e.session_id})
        self._write_session(batch, e)

    @handles(Intervention.SessionVoided)
    def session_voided(self, e: Any, batch: Batch) -> None:
        was = uncount_session(batch, e.originator_id, e.session_id)
        batch.update(
            sessions, {"intervention_id": e.originator_id, "session_id": e.session_id}, {"voided": True}
        )
        if was is not None:
            note_session(batch, e.originator_id, e.session_id, was._replace(voided=True))

    def _write_session(self, batch: Batch, e: Any) -> None:
        row = _session_row(e)
        batch.insert(sessions, row)
        note_session(batch, e.originator_id, e.session_id, SessionMarks(e.delivered_on, row["marks"], False))
        count_marks(batch, e.originator_id, e.delivered_on, row["marks"])

    @handles(Intervention.SessionMissed)
    def session_missed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            missed,
            {
                "missed_id": e.missed_id,
                "intervention_id": e.originator_id,
                "scheduled_on": e.scheduled_on,
                "reason": e.reason.value,
                "notes": e.notes,
            },
        )

    @handles(Intervention.MissedSessionVoided)
    def missed_session_voided(self, e: Any, batch: Batch) -> None:
        batch.delete(missed, {"missed_id": e.missed_id})

    @handles(Intervention.Reviewed)
    def reviewed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            reviews,
            {
                "intervention_id": e.originator_id,
                "position": batch.position,
                "reviewed_on": e.reviewed_on,
                "decision": e.decision.value,
                "next_review_due_on": e.next_review_due_on,
            },
        )

    @handles(Intervention.Ended)
    def ended(self, e: Any, batch: Batch) -> None:
        batch.update(interventions, {"intervention_id": e.originator_id}, {"ended_on": e.ended_on})
        end_enrolments(batch, _end_enrolments, e)
