"""The signed-in user's own setting, and its school calendar."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from apdr.aggregates.school_year import academic_year_of
from apdr.api.deps import Member, Senco, SenRecordDep, Today
from apdr.api.schemas.admin import CalendarOut, SettingOut, TermDatesIn, TermOut
from apdr.application import SenRecord

router = APIRouter(prefix="/setting", tags=["setting"])


@router.get("", response_model=SettingOut)
def my_setting(actor: Member, record: SenRecordDep) -> SettingOut:
    return SettingOut.model_validate(record.setting(record.setting_id_of(actor)))


@router.get("/calendar", response_model=CalendarOut)
def calendar(
    actor: Member,
    record: SenRecordDep,
    today: Today,
    academic_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> CalendarOut:
    """The setting's terms for one academic year: its own, or apdr's default (and it says so)."""
    return calendar_out(record, record.setting_id_of(actor), academic_year or academic_year_of(today))


@router.put("/term-dates", response_model=CalendarOut)
def set_term_dates(body: TermDatesIn, actor: Senco, record: SenRecordDep) -> CalendarOut:
    """Set one academic year's terms and closures; answers that year's calendar as it now stands."""
    record.set_term_dates(
        actor,
        academic_year=body.academic_year,
        terms=[t.model_dump() for t in body.terms],
        closures=body.closures,
    )
    return calendar_out(record, record.setting_id_of(actor), body.academic_year)


def calendar_out(record: SenRecord, setting_id: UUID, year: int) -> CalendarOut:
    cal = record.calendar(setting_id, date(year, 9, 1), date(year + 1, 8, 31))
    terms = [t for t in cal.terms if academic_year_of(t.starts_on) == year]
    closures = sorted(d for d in cal.closures if academic_year_of(d) == year)
    note = (
        (
            "no term dates are configured for this year: these are apdr's default English calendar; "
            "PUT /api/v1/setting/term-dates to set your own"
        )
        if cal.is_default_for(year)
        else "the setting's own term dates"
    )
    teaching_days = sum(1 for _ in cal.teaching_days(date(year, 9, 1), date(year + 1, 8, 31)))
    return CalendarOut(
        academic_year=year,
        is_default=cal.is_default_for(year),
        note=note,
        terms=[TermOut.model_validate(t) for t in terms],
        closures=closures,
        teaching_days=teaching_days,
    )
