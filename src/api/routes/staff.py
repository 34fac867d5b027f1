"""Staff who plan and deliver support, and their training."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from apdr.api.deps import Reader, Record, Senco, Today
from apdr.api.schemas.common import Created
from apdr.api.schemas.staff import StaffIn, StaffOut, TrainingIn, TrainingOut

router = APIRouter(prefix="/staff", tags=["staff"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Created)
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


@router.post("/{staff_id}/training", status_code=status.HTTP_201_CREATED, response_model=Created)
def record_training(staff_id: UUID, body: TrainingIn, actor: Senco, record: Record, today: Today) -> Created:
    return Created(id=record.record_training(actor, staff_id, today=today, **body.model_dump()))
