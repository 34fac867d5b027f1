from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import EmailStr

from apdr.aggregates.staff_member import StaffRole
from apdr.api.schemas.common import Body, Day, Name, Out, Short


class StaffIn(Body):
    name: Name
    role: StaffRole
    email: EmailStr | None = None


class TrainingIn(Body):
    programme: Short
    completed_on: Day
    expires_on: Day | None = None


class TrainingOut(Out):
    programme: str
    completed_on: date
    expires_on: date | None


class StaffOut(Out):
    id: UUID
    name: str
    role: StaffRole
    email: str | None
    training: list[TrainingOut]


class StaffSummary(Out):
    id: UUID
    name: str
    role: StaffRole
    training: list[TrainingOut]


class StaffList(Out):
    staff: list[StaffSummary]
