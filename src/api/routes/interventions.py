"""Interventions, their pupils, and every session: what a teaching assistant records between lessons."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from apdr.aggregates import Intervention
from apdr.api.deps import Delivering, PlanReader, Record, Senco, Today
from apdr.api.schemas.common import Created
from apdr.api.schemas.interventions import (
    EnrolmentIn,
    EnrolmentOut,
    InterventionEndIn,
    InterventionIn,
    InterventionOut,
    InterventionReviewIn,
    MissedSessionIn,
    ObservationIn,
    SessionCorrectionIn,
    SessionIn,
    SessionVoidIn,
    StaffAssignmentIn,
    WithdrawalIn,
)

router = APIRouter(prefix="/interventions", tags=["interventions"])
CREATED = {"status_code": status.HTTP_201_CREATED, "response_model": Created}
DONE = {"status_code": status.HTTP_204_NO_CONTENT}


@router.post("", **CREATED)
def plan_intervention(body: InterventionIn, actor: Senco, record: Record) -> Created:
    return Created(id=record.plan_intervention(actor, **body.model_dump()))


def intervention_out(i: Intervention) -> InterventionOut:
    return InterventionOut(
        id=i.id,
        name=i.name,
        programme=i.programme,
        area_of_need=i.area_of_need,
        strategy_codes=i.strategy_codes,
        aim=i.aim,
        delivery=i.delivery,
        ratio=i.ratio,
        location=i.location,
        weekdays=i.weekdays,
        minutes_per_session=i.minutes_per_session,
        withdrawn_from=i.withdrawn_from,
        starts_on=i.starts_on,
        planned_weeks=i.planned_weeks,
        planned_end=i.planned_end,
        review_due_on=i.review_due_on,
        ended_on=i.ended_on,
        cost_per_year=i.cost_per_year,
        staff_ids=i.staff_ids,
        enrolments=[
            EnrolmentOut(pupil_id=pupil_id, **span)
            for pupil_id, spans in i.enrolments.items()
            for span in spans
        ],
        sessions_recorded=sum(1 for s in i.sessions.values() if not s["voided"]),
        version=i.version,
    )


@router.get("/{intervention_id}", response_model=InterventionOut)
def get_intervention(intervention_id: UUID, actor: PlanReader, record: Record) -> InterventionOut:
    return intervention_out(record.intervention(actor, intervention_id))


@router.post("/{intervention_id}/staff", **DONE)
def assign_staff(intervention_id: UUID, body: StaffAssignmentIn, actor: Senco, record: Record) -> None:
    record.assign_staff(actor, intervention_id, staff_id=body.staff_id)


@router.post("/{intervention_id}/staff/{staff_id}/unassign", **DONE)
def unassign_staff(intervention_id: UUID, staff_id: UUID, actor: Senco, record: Record) -> None:
    record.unassign_staff(actor, intervention_id, staff_id=staff_id)


@router.post("/{intervention_id}/enrolments", **CREATED)
def enrol_pupil(intervention_id: UUID, body: EnrolmentIn, actor: Senco, record: Record) -> Created:
    return Created(id=record.enrol_pupil(actor, intervention_id, **body.model_dump()))


@router.post("/{intervention_id}/enrolments/{pupil_id}/withdrawal", **DONE)
def withdraw_pupil(
    intervention_id: UUID, pupil_id: UUID, body: WithdrawalIn, actor: Senco, record: Record, today: Today
) -> None:
    record.withdraw_pupil(actor, intervention_id, pupil_id, today=today, **body.model_dump())


@router.post("/{intervention_id}/sessions", **CREATED)
def record_session(
    intervention_id: UUID,
    body: SessionIn,
    actor: Delivering,
    record: Record,
    today: Today,
    response: Response,
) -> Created:
    """Record a session. Sending the same ``session_id`` again (a retry after a
    dropped connection) changes nothing and answers the same."""
    session = body.model_dump()
    session["attendance"] = [a.model_dump() for a in body.attendance]
    created = record.record_session(actor, intervention_id, today=today, **session)
    if not created:
        response.headers["X-Apdr-Replayed"] = "true"
    return Created(id=body.session_id)


@router.post("/{intervention_id}/sessions/{session_id}/corrections", **DONE)
def correct_session(
    intervention_id: UUID,
    session_id: UUID,
    body: SessionCorrectionIn,
    actor: Delivering,
    record: Record,
    today: Today,
) -> None:
    changes = body.model_dump()
    if body.attendance is not None:
        changes["attendance"] = [a.model_dump() for a in body.attendance]
    record.correct_session(actor, intervention_id, session_id, today=today, **changes)


@router.post("/{intervention_id}/sessions/{session_id}/void", **DONE)
def void_session(
    intervention_id: UUID, session_id: UUID, body: SessionVoidIn, actor: Delivering, record: Record
) -> None:
    record.void_session(actor, intervention_id, session_id, reason=body.reason)


@router.post("/{intervention_id}/missed-sessions", **CREATED)
def record_missed_session(
    intervention_id: UUID, body: MissedSessionIn, actor: Delivering, record: Record, today: Today
) -> Created:
    return Created(id=record.record_missed_session(actor, intervention_id, today=today, **body.model_dump()))


@router.post("/{intervention_id}/observations", **CREATED)
def observe_delivery(
    intervention_id: UUID, body: ObservationIn, actor: Senco, record: Record, today: Today
) -> Created:
    return Created(id=record.observe_delivery(actor, intervention_id, today=today, **body.model_dump()))


@router.post("/{intervention_id}/reviews", **DONE)
def review_intervention(
    intervention_id: UUID, body: InterventionReviewIn, actor: Senco, record: Record, today: Today
) -> None:
    record.review_intervention(actor, intervention_id, today=today, **body.model_dump())


@router.post("/{intervention_id}/end", **DONE)
def end_intervention(
    intervention_id: UUID, body: InterventionEndIn, actor: Senco, record: Record, today: Today
) -> None:
    record.end_intervention(actor, intervention_id, today=today, **body.model_dump())
