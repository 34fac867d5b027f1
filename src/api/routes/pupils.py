"""A pupil's record: registration, needs, SEN status, assessments, profile, advice."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from apdr.aggregates import Pupil
from apdr.aggregates.codes import NeedType, SenProvision
from apdr.aggregates.pupil import PROFILE_SECTIONS
from apdr.aggregates.record_access import READ
from apdr.aggregates.school_year import age_in_years, year_group
from apdr.api.answers import CREATED, DONE
from apdr.api.deps import PlanReader, Reader, ReadModelsDep, Senco, SenRecordDep, Teaching, Today, read_pupil
from apdr.api.schemas.common import Created, PageLimit, PageOffset, QueryText, attributes_of
from apdr.api.schemas.pupils import (
    AdviceIn,
    AdviceList,
    AdviceOut,
    AssessmentCorrectionIn,
    AssessmentIn,
    AssessmentList,
    AssessmentOut,
    ClassMoveIn,
    ConcernIn,
    ConcernList,
    ConcernOut,
    DetailsCorrectionIn,
    EhcpMilestoneIn,
    EhcpMilestoneOut,
    InformationSharedIn,
    LeavingIn,
    NeedEndIn,
    NeedIn,
    NeedOut,
    ParentNotificationIn,
    ProfileChangeIn,
    ProfileIn,
    ProfileOut,
    PupilIn,
    PupilList,
    PupilOut,
    PupilSummary,
    SenStatusIn,
)
from apdr.application import Actor, SenRecord
from apdr.projections.chronology import pupil_entries_of_kinds
from apdr.projections.impact import pupil_assessments
from apdr.projections.pupils import find_pupils
from apdr.projections.runner import ReadModels

router = APIRouter(prefix="/pupils", tags=["pupils"])


@router.post("", **CREATED)
def register_pupil(body: PupilIn, actor: Senco, record: SenRecordDep, today: Today) -> Created:
    return Created(id=record.register_pupil(actor, today=today, **body.model_dump()))


@router.get("", response_model=PupilList)
def list_pupils(
    actor: PlanReader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    search: Annotated[QueryText | None, Query(max_length=100)] = None,
    sen_status: SenProvision | None = None,
    class_name: Annotated[QueryText | None, Query(max_length=50)] = None,
    include_left: bool = False,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> PupilList:
    rows, total = read_models.ask(
        find_pupils,
        record.setting_id_of(actor),
        search=search,
        sen_status=sen_status.value if sen_status else None,
        class_name=class_name,
        include_left=include_left,
        pupil_ids=actor.pupils_in_reach,
        limit=limit,
        offset=offset,
    )
    # The list shows UPN, date of birth, SEN status and need: a read of each pupil on the page.
    what = list_read(search=search, sen_status=sen_status, class_name=class_name, include_left=include_left)
    record.record_access(actor, kind=READ, what=what, pupil_ids=[r["pupil_id"] for r in rows])
    return PupilList(
        total=total,
        limit=limit,
        offset=offset,
        pupils=[
            PupilSummary(id=r["pupil_id"], year_group=year_group(r["date_of_birth"], today), **r)
            for r in rows
        ],
    )


def list_read(
    *, search: str | None, sen_status: SenProvision | None, class_name: str | None, include_left: bool
) -> str:
    """What the audit trail says was read: the pupil list and the filters asked for, text
    quoted as JSON so nothing in it can pass for another filter or break a line."""
    filters = []
    if search:
        filters.append(f"search {_quoted(search)}")
    if sen_status:
        filters.append(f"sen_status {sen_status.value}")
    if class_name:
        filters.append(f"class_name {_quoted(class_name)}")
    if include_left:
        filters.append("including leavers")
    return "pupil list" + (f" ({', '.join(filters)})" if filters else "")


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def pupil_out(pupil: Pupil, today: date) -> PupilOut:
    return PupilOut(
        id=pupil.id,
        age=age_in_years(pupil.date_of_birth, today),
        year_group=year_group(pupil.date_of_birth, today),
        needs=[
            NeedOut(rank=rank, area_of_need=need["need_type"].area, **need)
            for rank, need in sorted(pupil.needs.items())
        ],
        ehcp_milestones=[EhcpMilestoneOut(**m) for m in pupil.ehcp],
        **attributes_of(
            pupil,
            "upn given_name family_name date_of_birth class_name sen_status "
            "sen_status_since parents_notified_on profile current_plan_id plan_ids "
            "admitted_on left_on version",
        ),
    )


@router.get("/{pupil_id}", response_model=PupilOut)
def get_pupil(pupil_id: UUID, actor: PlanReader, record: SenRecordDep, today: Today) -> PupilOut:
    pupil = read_pupil(record, actor, pupil_id, "pupil record")
    return pupil_out(pupil, today)


@router.post("/{pupil_id}/corrections", **DONE)
def correct_details(
    pupil_id: UUID, body: DetailsCorrectionIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    """Put right a mistake in the pupil's details; the chronology shows it beside the original."""
    record.correct_pupil_details(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/class-moves", **DONE)
def move_class(pupil_id: UUID, body: ClassMoveIn, actor: Senco, record: SenRecordDep, today: Today) -> None:
    record.move_class(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/needs", **CREATED)
def identify_need(pupil_id: UUID, body: NeedIn, actor: Senco, record: SenRecordDep, today: Today) -> Created:
    return Created(id=record.identify_need(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/needs/{need_type}/end", **DONE)
def end_need(
    pupil_id: UUID, need_type: NeedType, body: NeedEndIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    record.end_need(actor, pupil_id, today=today, need_type=need_type, **body.model_dump())


@router.post("/{pupil_id}/sen-status", **CREATED)
def change_sen_status(
    pupil_id: UUID, body: SenStatusIn, actor: Senco, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.change_sen_status(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/parent-notifications", **DONE)
def notify_parents(
    pupil_id: UUID, body: ParentNotificationIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    record.notify_parents(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/concerns", **CREATED)
def raise_concern(
    pupil_id: UUID, body: ConcernIn, actor: Teaching, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.raise_concern(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/assessments", **CREATED)
def record_assessment(
    pupil_id: UUID, body: AssessmentIn, actor: Teaching, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.record_assessment(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/assessments/{assessment_id}/corrections", **DONE)
def correct_assessment(
    pupil_id: UUID,
    assessment_id: UUID,
    body: AssessmentCorrectionIn,
    actor: Teaching,
    record: SenRecordDep,
    today: Today,
) -> None:
    record.correct_assessment(actor, pupil_id, today=today, assessment_id=assessment_id, **body.model_dump())


@router.put("/{pupil_id}/profile", response_model=ProfileOut)
def replace_profile(
    pupil_id: UUID, body: ProfileIn, actor: Teaching, record: SenRecordDep, today: Today
) -> ProfileOut:
    """Replace the whole one-page profile (a section left out is emptied); earlier
    versions stay in the chronology. Sent again, it changes nothing."""
    sections = body.model_dump(exclude={"updated_on"})
    pupil = record.update_profile(
        actor, pupil_id, today=today, sections=sections, updated_on=body.updated_on, replace=True
    )
    return profile_out(pupil)


@router.patch("/{pupil_id}/profile", response_model=ProfileOut)
def change_profile(
    pupil_id: UUID, body: ProfileChangeIn, actor: Teaching, record: SenRecordDep, today: Today
) -> ProfileOut:
    """Change the sections given; the others stay as they are."""
    sections = body.model_dump(exclude={"updated_on"}, exclude_none=True)
    pupil = record.update_profile(
        actor, pupil_id, today=today, sections=sections, updated_on=body.updated_on, replace=False
    )
    return profile_out(pupil)


@router.post("/{pupil_id}/advice", **CREATED)
def receive_advice(
    pupil_id: UUID, body: AdviceIn, actor: Senco, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.receive_advice(actor, pupil_id, today=today, **body.model_dump()))


@router.post("/{pupil_id}/ehcp-milestones", **DONE)
def record_ehcp_milestone(
    pupil_id: UUID, body: EhcpMilestoneIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    record.record_ehcp_milestone(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/disclosures", **DONE)
def share_information(
    pupil_id: UUID, body: InformationSharedIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    """Record what was shared outside the school, with whom, why, and on what lawful basis."""
    record.share_information(actor, pupil_id, today=today, **body.model_dump())


@router.post("/{pupil_id}/leaving", **DONE)
def record_leaving(pupil_id: UUID, body: LeavingIn, actor: Senco, record: SenRecordDep, today: Today) -> None:
    record.record_leaving(actor, pupil_id, today=today, **body.model_dump())


# -- reading the record back ---------------------------------------------------


@router.get("/{pupil_id}/assessments", response_model=AssessmentList)
def list_assessments(
    pupil_id: UUID, actor: PlanReader, record: SenRecordDep, read_models: ReadModelsDep
) -> AssessmentList:
    """The pupil's assessments in the order they were taken, values as corrected."""
    pupil = read_pupil(record, actor, pupil_id, "assessments")
    rows = read_models.ask(pupil_assessments, pupil.id)
    return AssessmentList(
        assessments=[AssessmentOut.model_validate(r | {"id": r["assessment_id"]}) for r in rows]
    )


@router.get("/{pupil_id}/profile", response_model=ProfileOut)
def get_profile(pupil_id: UUID, actor: PlanReader, record: SenRecordDep) -> ProfileOut:
    """The one-page profile as it stands; every section empty until one is written."""
    pupil = read_pupil(record, actor, pupil_id, "one-page profile")
    return profile_out(pupil)


def profile_out(pupil: Pupil) -> ProfileOut:
    profile = pupil.profile or {}
    return ProfileOut(
        **{section: profile.get(section) or "" for section in PROFILE_SECTIONS},
        updated_on=profile.get("updated_on"),
    )


@router.get("/{pupil_id}/advice", response_model=AdviceList)
def list_advice(
    pupil_id: UUID, actor: Reader, record: SenRecordDep, read_models: ReadModelsDep
) -> AdviceList:
    """Advice from outside professionals, oldest first."""
    received = _recorded(record, read_models, actor, pupil_id, "advice_received", "advice")
    return AdviceList(advice=[AdviceOut.model_validate(a | {"id": a["advice_id"]}) for a in received])


@router.get("/{pupil_id}/concerns", response_model=ConcernList)
def list_concerns(
    pupil_id: UUID, actor: Reader, record: SenRecordDep, read_models: ReadModelsDep
) -> ConcernList:
    """Concerns raised about the pupil, oldest first."""
    raised = _recorded(record, read_models, actor, pupil_id, "concern_raised", "concerns")
    return ConcernList(concerns=[ConcernOut.model_validate(c | {"id": c["concern_id"]}) for c in raised])


def _recorded(
    record: SenRecord, read_models: ReadModels, actor: Actor, pupil_id: UUID, kind: str, what: str
) -> list[dict[str, Any]]:
    """What each of the pupil's chronology entries of ``kind`` recorded, oldest first (a read, audited)."""
    pupil = read_pupil(record, actor, pupil_id, what)
    return [e["data"] for e in read_models.ask(pupil_entries_of_kinds, pupil.id, [kind])]
