"""Staff who plan and deliver support, and their training."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.api.answers import CREATED
from apdr.api.deps import Reader, ReadModelsDep, Senco, SenRecordDep, Today
from apdr.api.schemas.common import Created
from apdr.api.schemas.staff import StaffIn, StaffList, StaffOut, StaffSummary, TrainingIn
from apdr.projections.monitoring import training_of
from apdr.projections.provision_map import setting_staff

router = APIRouter(prefix="/staff", tags=["staff"])


@router.post("", **CREATED)
def register_staff(body: StaffIn, actor: Senco, record: SenRecordDep) -> Created:
    return Created(id=record.register_staff(actor, **body.model_dump()))


@router.get("/{staff_id}", response_model=StaffOut)
def get_staff(staff_id: UUID, actor: Reader, record: SenRecordDep) -> StaffOut:
    return StaffOut.model_validate(record.staff_member(actor, staff_id))


@router.post("/{staff_id}/training", **CREATED)
def record_training(
    staff_id: UUID, body: TrainingIn, actor: Senco, record: SenRecordDep, today: Today
) -> Created:
    return Created(id=record.record_training(actor, staff_id, today=today, **body.model_dump()))


@router.get("", response_model=StaffList)
def list_staff(actor: Reader, record: SenRecordDep, read_models: ReadModelsDep) -> StaffList:
    """The setting's staff by name, each with their training by date completed."""
    setting_id = record.setting_id_of(actor)
    members = read_models.ask(setting_staff, setting_id)
    training = read_models.ask(training_of, [m["staff_id"] for m in members])
    return StaffList(
        staff=[
            StaffSummary.model_validate(
                m | {"id": m["staff_id"], "training": training.get(m["staff_id"], [])}
            )
            for m in members
        ]
    )
