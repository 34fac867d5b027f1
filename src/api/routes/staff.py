"""Staff who plan and deliver support, and their training."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.api.answers import CREATED
from apdr.api.deps import Reader, Record, Senco, Today, Views
from apdr.api.schemas.common import Created
from apdr.api.schemas.staff import StaffIn, StaffList, StaffOut, StaffSummary, TrainingIn, TrainingOut
from apdr.projections.monitoring import training_of
from apdr.projections.provision_map import setting_staff

router = APIRouter(prefix="/staff", tags=["staff"])


@router.post("", **CREATED)
def register_staff(body: StaffIn, actor: Senco, record: Record) -> Created:
    return Created(id=record.register_staff(actor, **body.model_dump()))


@router.get("/{staff_id}", response_model=StaffOut)
def get_staff(staff_id: UUID, actor: Reader, record: Record) -> StaffOut:
    staff = record.staff_member(actor, staff_id)
    return StaffOut(
        id=staff.id,
        name=staff.name,
        role=staff.role,
        email=staff.email,
        training=[TrainingOut(**t) for t in staff.training],
    )


@router.post("/{staff_id}/training", **CREATED)
def record_training(staff_id: UUID, body: TrainingIn, actor: Senco, record: Record, today: Today) -> Created:
    return Created(id=record.record_training(actor, staff_id, today=today, **body.model_dump()))


@router.get("", response_model=StaffList)
def list_staff(actor: Reader, record: Record, views: Views) -> StaffList:
    """The setting's staff by name, each with their training by date completed."""
    setting_id = record.setting_id_of(actor)
    views.ensure_current(["provision_map", "monitoring"])
    with views.engine.connect() as conn:
        members = setting_staff(conn, setting_id)
        training = training_of(conn, [m["staff_id"] for m in members])
    return StaffList(
        staff=[
            StaffSummary(
                id=m["staff_id"],
                name=m["name"],
                role=m["role"],
                training=[TrainingOut(**t) for t in training.get(m["staff_id"], [])],
            )
            for m in members
        ]
    )
