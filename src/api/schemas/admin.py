from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from apdr.api.schemas.common import Body, Day, Name, Out

Urn = Annotated[str, StringConstraints(min_length=6, max_length=6, pattern=r"^\d{6}$")]


class SettingIn(Body):
    urn: Urn
    name: Name


class SettingOut(Out):
    id: UUID
    urn: str
    name: str


class TermIn(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    starts_on: Day
    ends_on: Day
    half_term_starts_on: Day | None = None
    half_term_ends_on: Day | None = None


class TermDatesIn(Body):
    academic_year: Annotated[
        int, Field(strict=True, ge=2000, le=2100, description="The year the academic year begins")
    ]
    terms: Annotated[list[TermIn], Field(min_length=1, max_length=6)]
    closures: Annotated[list[Day], Field(max_length=30)] = []


class TermOut(Out):
    name: str
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None
    half_term_ends_on: date | None


class CalendarOut(Out):
    academic_year: int
    is_default: bool
    note: str
    terms: list[TermOut]
    closures: list[date]
    teaching_days: int
