"""A pupil's record: registration, needs, SEN status, assessments, profile, advice."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from apdr.aggregates import Pupil
from apdr.aggregates.codes import NeedType, SenProvision
from apdr.aggregates.record_access import READ
from apdr.aggregates.school_year import age_in_years, year_group
from apdr.api.deps import PlanReader, Record, Senco, Teaching, Today, Views
from apdr.api.schemas.common import Created, QueryText
from apdr.api.schemas.pupils import (
    AdviceIn,
    AssessmentCorrectionIn,
    AssessmentIn,
    ClassMoveIn,
    ConcernIn,
    DetailsCorrectionIn,
    EhcpMilestoneIn,
    EhcpMilestoneOut,
    InformationSharedIn,
    LeavingIn,
    NeedEndIn,
    NeedIn,
    NeedOut,
    ParentNotificationIn,
    ProfileIn,
    PupilIn,
    PupilList,
    PupilOut,
    PupilSummary,
    SenStatusIn,
)
from apdr.projections.pupils import find_pupils

router = APIRouter(prefix="/pupils", tags=["pupils"])
CREATED = {"status_code": status.HTTP_201_CREATED, "response_model": Created}
DONE = {"status_code": status.HTTP_204_NO_CONTENT}


@router.post("", **CREATED)
def register_pupil(body: PupilIn, actor: Senco, record: Record, today: Today) -> Created:
    return Created(id=record.register_pupil(actor, today=today, **body.model_dump()))


@router.get("", response_model=PupilList)
def list_pupils(
    actor: PlanReader,
    views: Views,
    today: Today,
    search: Annotated[QueryText | None, Query(max_length=100)] = None,
    sen_status: SenProvision | None = None,
    class_name: Annotated[QueryText | None, Query(max_length=50)] = None,
    include_left: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PupilList:
    views.ensure_current(["pupils"])
    with views.engine.connect() as conn:
        rows, total = find_pupils(
            conn,
            views.app.setting_id_of(actor),
            search=search,
            sen_status=sen_status.value if sen_status else None,
            class_name=class_name,
            include_left=include_left,
            pupil_ids=actor.pupils_in_reach,
            limit=limit,
            offset=offset,
        )
    return PupilList(
        total=total,
        limit=limit,
        offset=offset,
        pupils=[
            PupilSummary(id=r["pupil_id"], year_group=year_group(r["date_of_birth"], today), **r)
            for r in rows
        ],
    )


def pupil_out(pupil: Pupil, today: date) -> PupilOut:
    return PupilOut(
        id=pupil.id,
        upn=pupil.upn,
        given_name=pupil.given_name,
        family_name=pupil.family_name,
        date_of_birth=pupil.date_of_birth,
        age=age_in_years(pupil.date_of_birth, today),
        year_group=year_group(pupil.date_of_birth, today),
        class_name=pupil.class_name,
        sen_status=pupil.sen_status,
        sen_status_since=pupil.sen_status_since,
        parents_notified_on=pupil.parents_notified_on,
        needs=[
            NeedOut(rank=rank, area_of_need=need["need_type"].area, **need)
            for rank, need in sorted(pupil.needs.items())
        ],
        profile=pupil.profile,
        current_plan_id=pupil.current_plan_id,
        plan_ids=pupil.plan_ids,
        ehcp_milestones=[EhcpMilestoneOut(**m) for m in pupil.ehcp],
        left_on=pupil.left_on,
        version=pupil.version,
    )


@router.get("/{pupil_id}", response_model=PupilOut)
def get_pupil(pupil_id: UUID, actor: PlanReader, record: Record, today: Today) -> PupilOut:
    pupil = record.pupil(actor, pupil_id)
    record.record_access(actor, kind=READ, what="pupil record", pupil_ids=[pupil.id])
    return pupil_out(pupil, today)


@router.post("/{pupil_id}/corrections", **DONE)
def correct_details(
    pupil_id: UUID, body: DetailsCorrectionIn, actor: Senco, record: Record, today: Today
) -> None:
    """Put right a mistake in the pupil's details; the chronology shows it beside the original."""
    record.correct_pupil_details(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/class-moves", **DONE)
def move_class(pupil_id: UUID, body: ClassMoveIn, actor: Senco, record: Record, today: Today) -> None:
    record.move_class(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/needs", **CREATED)
def identify_need(pupil_id: UUID, body: NeedIn, actor: Senco, record: Record, today: Today) -> Created:
    return Created(id=record.identify_need(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/needs/{need_type}/end", **DONE)
def end_need(
    pupil_id: UUID, need_type: NeedType, body: NeedEndIn, actor: Senco, record: Record, today: Today
) -> None:
    record.end_need(actor, pupil_id, today=today, need_type=need_type, **body.model_dump())


@router.post("/{pupil_id}/sen-status", **CREATED)
def change_sen_status(
    pupil_id: UUID, body: SenStatusIn, actor: Senco, record: Record, today: Today
) -> Created:
    return Created(id=record.change_sen_status(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/parent-notifications", **DONE)
def notify_parents(
    pupil_id: UUID, body: ParentNotificationIn, actor: Senco, record: Record, today: Today
) -> None:
    record.notify_parents(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/concerns", **CREATED)
def raise_concern(pupil_id: UUID, body: ConcernIn, actor: Teaching, record: Record, today: Today) -> Created:
    return Created(id=record.raise_concern(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/assessments", **CREATED)
def record_assessment(
    pupil_id: UUID, body: AssessmentIn, actor: Teaching, record: Record, today: Today
) -> Created:
    return Created(id=record.record_assessment(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/assessments/{assessment_id}/corrections", **DONE)
def correct_assessment(
    pupil_id: UUID,
    assessment_id: UUID,
    body: AssessmentCorrectionIn,
    actor: Teaching,
    record: Record,
    today: Today,
) -> None:
    record.correct_assessment(actor, pupil_id, today=today, assessment_id=assessment_id, **body.model_dump())


@router.put("/{pupil_id}/profile", **CREATED)
def update_profile(pupil_id: UUID, body: ProfileIn, actor: Teaching, record: Record, today: Today) -> Created:
    """Replace the one-page profile; earlier versions stay in the chronology."""
    sections = body.model_dump(exclude={"updated_on"})
    record.update_profile(actor, pupil_id, today=today, updated_on=body.updated_on or today, **sections)
    return Created(id=pupil_id)


@router.post("/{pupil_id}/advice", **CREATED)
def receive_advice(pupil_id: UUID, body: AdviceIn, actor: Senco, record: Record, today: Today) -> Created:
    return Created(id=record.receive_advice(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/ehcp-milestones", **DONE)
def record_ehcp_milestone(
    pupil_id: UUID, body: EhcpMilestoneIn, actor: Senco, record: Record, today: Today
) -> None:
    record.record_ehcp_milestone(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/disclosures", **DONE)
def share_information(
    pupil_id: UUID, body: InformationSharedIn, actor: Senco, record: Record, today: Today
) -> None:
    """Record what was shared outside the school, with whom, why, and on what lawful basis."""
    record.share_information(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/leaving", **DONE)
def record_leaving(pupil_id: UUID, body: LeavingIn, actor: Senco, record: Record, today: Today) -> None:
    record.record_leaving(actor, pupil_id, today=today, **body.model_dump())
