"""An intervention's timetable as recorded: what was in force on any day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.codes import Weekday
from apdr.aggregates.intervention import Schedule, review_due_as_of, schedule_on, timetabled_spans
from apdr.projections.projection import reads
from apdr.projections.provision_map.tables import interventions, reviews, schedules


@dataclass
class Timetable:
    """One intervention's schedules and review dates as recorded, so that any
    "as of" question is answered with what was in force on that day."""

    starts_on: date
    schedules: list[Schedule] = field(default_factory=list)
    # (from, log position, review due then): the planned date, each change that
    # moved it, each review (with the next review it set, or none when it ended).
    review_dates: list[tuple[date, int, date | None]] = field(default_factory=list)
    reviews: list[tuple[date, str]] = field(default_factory=list)

    def on(self, day: date) -> Schedule:
        return schedule_on(self.schedules, day)

    def spans(self, first: date, last: date) -> Iterator[tuple[date, date, Schedule]]:
        return timetabled_spans(self.schedules, self.starts_on, first, last)

    def review_due_on(self, as_of: date) -> date | None:
        """The review date in force at the end of ``as_of``, by the same rule as the
        intervention's own (``review_due_as_of``): the one set last on or before it."""
        recorded = sorted(self.review_dates, key=lambda r: r[1])
        return review_due_as_of([(since, due) for since, _, due in recorded], as_of)

    def reviewed_by(self, as_of: date) -> list[tuple[date, str]]:
        """(reviewed_on, decision) of each review held by the end of ``as_of``."""
        return [r for r in self.reviews if r[0] <= as_of]


@reads("provision_map")
def timetables(
    conn: sa.Connection, setting_id: UUID, intervention_ids: Iterable[UUID] | None = None
) -> dict[UUID, Timetable]:
    """The setting's interventions' timetables (only these, if given)."""
    where = [interventions.c.setting_id == setting_id]
    if intervention_ids is not None:
        where.append(interventions.c.intervention_id.in_(list(intervention_ids)))
    found = {
        i: Timetable(starts_on)
        for i, starts_on in conn.execute(
            sa.select(interventions.c.intervention_id, interventions.c.starts_on).where(*where)
        )
    }
    for r in _in_order(conn, schedules, "effective_on", where):
        timetable = found[r.intervention_id]
        weekdays = tuple(Weekday(d) for d in r.weekdays.split(","))
        timetable.schedules.append(
            Schedule(
                r.effective_on,
                weekdays,
                r.minutes_per_session,
                r.planned_weeks,
                r.review_due_on,
                r.withdrawn_from,
                r.outside_lessons,
            )
        )
        if r.review_due_on is not None:
            timetable.review_dates.append((r.effective_on, r.position, r.review_due_on))
    for r in _in_order(conn, reviews, "reviewed_on", where):
        timetable = found[r.intervention_id]
        timetable.review_dates.append((r.reviewed_on, r.position, r.next_review_due_on))
        timetable.reviews.append((r.reviewed_on, r.decision))
    return found


def _in_order(conn: sa.Connection, table: sa.Table, dated: str, where: list[Any]) -> sa.CursorResult[Any]:
    """The rows of ``table`` of the interventions ``where`` picks, by intervention, then
    the ``dated`` column, then position in the log."""
    return conn.execute(
        sa.select(table)
        .join(interventions, interventions.c.intervention_id == table.c.intervention_id)
        .where(*where)
        .order_by(table.c.intervention_id, table.c[dated], table.c.position)
    )
