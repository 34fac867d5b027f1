"""Interventions, their pupils, and every session: what a teaching assistant records between lessons."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from apdr.aggregates import Intervention
from apdr.aggregates.codes import Role
from apdr.aggregates.record_access import READ
from apdr.api.answers import CREATED, DONE
from apdr.api.deps import Delivering, Member, PlanReader, ReadModelsDep, Senco, SenRecordDep, Today
from apdr.api.schemas.common import Created, Day, attributes_of
from apdr.api.schemas.interventions import (
    EnrolmentIn,
    EnrolmentOut,
    InterventionEndIn,
    InterventionIn,
    InterventionList,
    InterventionOut,
    InterventionReviewIn,
    MissedSessionIn,
    MissedSessionVoidIn,
    ObservationIn,
    ScheduleChangeIn,
    ScheduleOut,
    SessionCorrectionIn,
    SessionIn,
    SessionRegister,
    SessionVoidIn,
    StaffAssignmentIn,
    WithdrawalIn,
)
from apdr.projections.interventions import intervention_list, session_register

router = APIRouter(prefix="/interventions", tags=["interventions"])


@router.post("", **CREATED)
def plan_intervention(body: InterventionIn, actor: Senco, record: SenRecordDep) -> Created:
    return Created(id=record.plan_intervention(actor, **body.model_dump()))


class Status(Enum):
    running = "running"
    ended = "ended"
    all = "all"


@router.get("", response_model=InterventionList)
def list_interventions(
    actor: Member,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    status: Status = Status.running,
) -> InterventionList:
    """The setting's interventions (a teaching assistant: the ones they are
    assigned to), each with its timetable today, staff and pupils."""
    setting_id = record.setting_id_of(actor)
    if actor.role is Role.ta and actor.staff_id is None:
        return InterventionList(interventions=[])  # a TA's list holds only their own groups
    rows = read_models.ask(
        intervention_list,
        setting_id,
        status=status.value,
        today=today,
        staff_id=actor.staff_id if actor.role is Role.ta else None,
    )
    return InterventionList.model_validate({"interventions": rows})


def intervention_out(i: Intervention, today: date) -> InterventionOut:
    """The intervention with its timetable as it stands today; ``schedule`` has every change."""
    now = i.schedule_on(today)
    return InterventionOut(
        id=i.id,
        weekdays=list(now.weekdays),
        minutes_per_session=now.minutes_per_session,
        withdrawn_from=now.withdrawn_from,
        outside_lessons=now.outside_lessons,
        planned_weeks=now.planned_weeks,
        planned_end=now.planned_end(i.starts_on),
        review_due_on=i.review_due_as_of(today),
        schedule=[
            ScheduleOut(
                effective_on=sc.effective_on,
                weekdays=list(sc.weekdays),
                minutes_per_session=sc.minutes_per_session,
                planned_weeks=sc.planned_weeks,
                planned_end=sc.planned_end(i.starts_on),
                review_due_on=sc.review_due_on,
                withdrawn_from=sc.withdrawn_from,
                outside_lessons=sc.outside_lessons,
            )
            for sc in i.schedules
        ],
        enrolments=[
            EnrolmentOut(pupil_id=pupil_id, **span)
            for pupil_id, spans in i.enrolments.items()
            for span in spans
        ],
        sessions_recorded=sum(1 for s in i.sessions.values() if not s["voided"]),
        **attributes_of(
            i,
            "name programme area_of_need strategy_codes aim delivery ratio location "
            "starts_on ended_on cost_per_year staff_ids version",
        ),
    )


@router.get("/{intervention_id}", response_model=InterventionOut)
def get_intervention(
    intervention_id: UUID, actor: PlanReader, record: SenRecordDep, today: Today
) -> InterventionOut:
    return intervention_out(record.intervention(actor, intervention_id), today)


@router.patch("/{intervention_id}", response_model=InterventionOut)
def change_schedule(
    intervention_id: UUID, body: ScheduleChangeIn, actor: Senco, record: SenRecordDep, today: Today
) -> InterventionOut:
    """Change the timetable (weekdays, minutes, planned weeks, review date, lesson
    missed) from ``effective_on`` on: after a review decides to continue, say.
    What was expected before that date does not change. Sent again, it changes
    nothing. Answers the intervention as it stands today, with every schedule."""
    record.change_schedule(actor, intervention_id, **body.model_dump())
    return intervention_out(record.intervention(actor, intervention_id), today)


@router.post("/{intervention_id}/staff", **DONE)
def assign_staff(intervention_id: UUID, body: StaffAssignmentIn, actor: Senco, record: SenRecordDep) -> None:
    record.assign_staff(actor, intervention_id, staff_id=body.staff_id)


@router.post("/{intervention_id}/staff/{staff_id}/unassign", **DONE)
def unassign_staff(intervention_id: UUID, staff_id: UUID, actor: Senco, record: SenRecordDep) -> None:
    record.unassign_staff(actor, intervention_id, staff_id=staff_id)


@router.post("/{intervention_id}/enrolments", **CREATED)
def enrol_pupil(intervention_id: UUID, body: EnrolmentIn, actor: Senco, record: SenRecordDep) -> Created:
    return Created(id=record.enrol_pupil(actor, intervention_id, **body.model_dump()))


@router.post("/{intervention_id}/enrolments/{pupil_id}/withdrawal", **DONE)
def withdraw_pupil(
    intervention_id: UUID,
    pupil_id: UUID,
    body: WithdrawalIn,
    actor: Senco,
    record: SenRecordDep,
    today: Today,
) -> None:
    record.withdraw_pupil(actor, intervention_id, pupil_id, today=today, **body.model_dump())


@router.post("/{intervention_id}/sessions", **CREATED)
def record_session(
    intervention_id: UUID,
    body: SessionIn,
    actor: Delivering,
    record: SenRecordDep,
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


@router.get("/{intervention_id}/sessions", response_model=SessionRegister)
def get_session_register(
    intervention_id: UUID,
    actor: Member,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
) -> SessionRegister:
    """The intervention's register: every session recorded (as corrected, voided
    ones marked), with each pupil's attendance, and the sessions recorded as missed."""
    intervention = record.intervention(actor, intervention_id)
    register = read_models.ask(session_register, intervention.id, first, last)
    pupils = {m["pupil_id"] for s in register["sessions"] for m in s["attendance"]}
    record.record_access(actor, kind=READ, what=f"session register of {intervention.name}", pupil_ids=pupils)
    return SessionRegister.model_validate({"intervention_id": intervention.id, **register})


@router.post("/{intervention_id}/sessions/{session_id}/corrections", **DONE)
def correct_session(
    intervention_id: UUID,
    session_id: UUID,
    body: SessionCorrectionIn,
    actor: Delivering,
    record: SenRecordDep,
    today: Today,
) -> None:
    changes = body.model_dump()
    if body.attendance is not None:
        changes["attendance"] = [a.model_dump() for a in body.attendance]
    record.correct_session(actor, intervention_id, session_id, today=today, **changes)


@router.post("/{intervention_id}/sessions/{session_id}/void", **DONE)
def void_session(
    intervention_id: UUID, session_id: UUID, body: SessionVoidIn, actor: Delivering, record: SenRecordDep
) -> None:
    record.void_session(actor, intervention_id, session_id, reason=body.reason)


@router.post("/{intervention_id}/missed-sessions", **CREATED)
def record_missed_session(
    intervention_id: UUID, body: MissedSessionIn, actor: Delivering, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.record_missed_session(actor, intervention_id, today=today, **body.model_dump()))


@router.post("/{intervention_id}/missed-sessions/{missed_id}/void", **DONE)
def void_missed_session(
    intervention_id: UUID, missed_id: UUID, body: MissedSessionVoidIn, actor: Delivering, record: SenRecordDep
) -> None:
    """A session recorded as missed that did take place after all."""
    record.void_missed_session(actor, intervention_id, missed_id, reason=body.reason)


@router.post("/{intervention_id}/observations", **CREATED)
def observe_delivery(
    intervention_id: UUID, body: ObservationIn, actor: Senco, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.observe_delivery(actor, intervention_id, today=today, **body.model_dump()))


@router.post("/{intervention_id}/reviews", **DONE)
def review_intervention(
    intervention_id: UUID, body: InterventionReviewIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    record.review_intervention(actor, intervention_id, today=today, **body.model_dump())


@router.post("/{intervention_id}/end", **DONE)
def end_intervention(
    intervention_id: UUID, body: InterventionEndIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    record.end_intervention(actor, intervention_id, today=today, **body.model_dump())
