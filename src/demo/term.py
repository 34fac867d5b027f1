"""What the parts of the demo school's history share: the record, who records
in it, the calendar and the term the history starts in."""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import UUID

from apdr.aggregates.codes import Role
from apdr.aggregates.school_year import academic_year_of, calendar_for
from apdr.application import Actor, SenRecord


class _DemoTerm:
    """Every part records as the demo's SENCO or teacher, as of ``today``, from
    the start of the school year that six weeks ago falls in."""

    def __init__(self, record: SenRecord, setting_id: UUID, as_of: date, rng: random.Random) -> None:
        self.record = record
        self.setting_id = setting_id
        self.today = as_of
        self.rng = rng
        self.senco = Actor("senco@oakfield.example", Role.senco, setting_id)
        self.teacher = Actor("teacher@oakfield.example", Role.teacher, setting_id)
        year = academic_year_of(as_of - timedelta(days=42))
        self.calendar = calendar_for([], [], date(year, 9, 1), as_of)
        self.term_start = next(
            t.starts_on for t in self.calendar.terms if academic_year_of(t.starts_on) == year
        )
        self.sessions = 0

    def day(self, weeks_after_start: float) -> date:
        """A day so many weeks into the term, but no later than yesterday."""
        return min(
            self.term_start + timedelta(days=round(weeks_after_start * 7)), self.today - timedelta(days=1)
        )
