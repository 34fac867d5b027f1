"""The impact report, from the tallies the read models keep: each pupil's latest
pair per measure and each place's marks, never the sessions themselves.

Cost is what was delivered: an intervention's *delivered cost* is its cost per year
times the share of a school year's sessions it delivered, sessions delivered (not
voided) over sessions a week (the timetable in force on the last day it ran, or
today) times 38 weeks. A school meets for 380 sessions (half-days) a year, 190 days
or 38 weeks (The Education (School Day and School Year) (England) Regulations 1999,
reg. 3(1) and (2)). By hand: £1,200 a year, three sessions a week, 57 delivered:
57 / (3 x 38) = 0.5 of a year, £600; over the 3 pupils who took part, £200 each.
An area's cost per pupil is the sum of its interventions' delivered costs over its
pupils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.school_year import year_group
from apdr.projections.dates import days_between, hundredths, year_group_on
from apdr.projections.impact.statistics import SUMMED, Measure, Pair, Sums, summaries
from apdr.projections.impact.tables import assessments, latest
from apdr.projections.projection import reads
from apdr.projections.provision_map import (
    Window,
    attendance,
    attendance_counts,
    enrolments,
    interventions,
    money,
    percent,
    schedules,
    sessions,
)
from apdr.projections.pupils import pupils


def _exit_later() -> sa.ColumnElement[bool]:
    """The exit is after the baseline: a later day, or the same day and recorded later."""
    return sa.or_(
        latest.c.exit_on > latest.c.baseline_on,
        sa.and_(latest.c.exit_on == latest.c.baseline_on, latest.c.exit_at > latest.c.baseline_at),
    )


def _pairs_where(setting_id: UUID, window: Window | None) -> list[sa.ColumnElement[bool]]:
    """The setting's pairs; in a window, those whose exit fell in it (as the SEN support report)."""
    where = [pupils.c.setting_id == setting_id, latest.c.baseline_at.is_not(None), _exit_later()]
    if window is not None:
        where.append(latest.c.exit_on.between(window.first, window.as_of))
    return where


@reads("impact", "pupils")
def impact_pairs(conn: sa.Connection, setting_id: UUID, window: Window | None = None) -> list[Pair]:
    """Each pupil's latest baseline and, after it, latest exit, per intervention and measure."""
    rows = conn.execute(
        sa.select(latest, pupils.c.date_of_birth)
        .join(pupils, pupils.c.pupil_id == latest.c.pupil_id)
        .where(*_pairs_where(setting_id, window))
    )
    return [
        Pair(
            r.pupil_id,
            r.intervention_id,
            r.instrument,
            r.measure,
            r.scale,
            Decimal(r.baseline),
            r.baseline_on,
            Decimal(r.exit),
            r.exit_on,
            year_group(r.date_of_birth, r.baseline_on),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PairSums:
    """The pairs of one intervention, year group and measure, summed."""

    intervention_id: UUID
    year_group: int
    measure: Measure
    sums: Sums


@reads("impact", "pupils")
def pair_sums(conn: sa.Connection, setting_id: UUID, window: Window | None = None) -> list[PairSums]:
    """``impact_pairs`` summed by the database per intervention, year group and measure: a
    school's seven years are a few thousand pairs, and the report needs only their sums."""
    b, e = hundredths(latest.c.baseline), hundredths(latest.c.exit)
    year = year_group_on(pupils.c.date_of_birth, latest.c.baseline_on).label("year_group")
    summed = {
        "pairs": sa.func.count(),
        "baseline": sa.func.sum(b),
        "exit": sa.func.sum(e),
        "baseline_squared": sa.func.sum(b * b),
        "exit_squared": sa.func.sum(e * e),
        "baseline_times_exit": sa.func.sum(b * e),
        "days": sa.func.sum(days_between(latest.c.baseline_on, latest.c.exit_on)),
    }
    group = (latest.c.intervention_id, year, latest.c.instrument, latest.c.measure, latest.c.scale)
    # PostgreSQL sums bigints as numeric, which the driver makes Decimals one by one: cast back.
    sums = (sa.cast(summed[name], sa.BigInteger).label(name) for name in SUMMED)
    rows = conn.execute(
        sa.select(*group, *sums)
        .join(pupils, pupils.c.pupil_id == latest.c.pupil_id)
        .where(*_pairs_where(setting_id, window))
        .group_by(*group)
    ).all()
    return [PairSums(r[0], r[1], (r[2], r[3], r[4]), Sums(*r[5:])) for r in rows]


# -- who took part, and how much of it they had ------------------------------------------------


@dataclass
class Figures:
    """One line of the report (an intervention, an area of need or a year group): who took
    part, how much of it they had, what it cost, and each measure's pairs summed."""

    costed: bool = True
    interventions: int = 0
    pupils: int = 0
    completed: int = 0
    withdrawn: int = 0
    in_progress: int = 0
    marked: int = 0
    attended: int = 0
    cost: Decimal = Decimal(0)
    measures: dict[Measure, Sums] = field(default_factory=lambda: defaultdict(Sums))

    def as_dict(self) -> dict[str, Any]:
        cost_per_pupil = self.cost / self.pupils if self.pupils and self.costed else None
        return {
            "interventions": self.interventions,
            "pupils": self.pupils,
            "completion": {
                "completed": self.completed,
                "withdrawn": self.withdrawn,
                "in_progress": self.in_progress,
                "completed_percent": percent(self.completed, self.completed + self.withdrawn),
            },
            "attendance_percent": percent(self.attended, self.marked),
            "cost_per_pupil": money(cost_per_pupil) if cost_per_pupil is not None else None,
            "measures": summaries(self.measures, cost_per_pupil),
        }


def _places(setting_id: UUID, window: Window | None, last: date) -> sa.CTE:
    """Each place (a pupil in an intervention): its intervention's area, the pupil's year
    group when it began, whether withdrawn, whether the intervention had ended by ``last``,
    and (over the whole history) the provision map's tallies of its marks."""
    where = [interventions.c.setting_id == setting_id]
    if window is not None:  # in place at any time in the window
        where += [
            interventions.c.starts_on <= window.as_of,
            sa.or_(interventions.c.ended_on.is_(None), interventions.c.ended_on >= window.first),
            enrolments.c.starts_on <= window.as_of,
            sa.or_(enrolments.c.ends_on.is_(None), enrolments.c.ends_on >= window.first),
        ]
    ended = sa.and_(interventions.c.ended_on.is_not(None), interventions.c.ended_on <= last)
    return (
        sa.select(
            enrolments.c.intervention_id,
            enrolments.c.pupil_id,
            interventions.c.area_of_need,
            year_group_on(pupils.c.date_of_birth, sa.func.min(enrolments.c.starts_on)).label("year_group"),
            sa.func.max(sa.case((enrolments.c.withdrawn, 1), else_=0)).label("withdrawn"),
            sa.func.max(sa.case((ended, 1), else_=0)).label("ended"),
            sa.func.coalesce(sa.func.max(attendance.c.marked), 0).label("marked"),
            sa.func.coalesce(sa.func.max(attendance.c.attended), 0).label("attended"),
        )
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .outerjoin(
            attendance,
            sa.and_(
                attendance.c.intervention_id == enrolments.c.intervention_id,
                attendance.c.pupil_id == enrolments.c.pupil_id,
            ),
        )
        .where(*where)
        .group_by(
            enrolments.c.intervention_id,
            enrolments.c.pupil_id,
            pupils.c.date_of_birth,
            interventions.c.area_of_need,
        )
        .cte("places")
    )


LEVELS = ("intervention_id", "area_of_need", "year_group")
COUNTED = ("interventions", "pupils", "completed", "withdrawn", "in_progress", "marked", "attended")


def _participation(conn: sa.Connection, places: sa.CTE) -> Sequence[sa.Row[Any]]:
    """The places counted per intervention, per area of need and per year group, in one
    statement (a pupil in two interventions of an area is one of its pupils)."""
    not_withdrawn = places.c.withdrawn == 0
    counts = {
        "interventions": sa.func.count(sa.distinct(places.c.intervention_id)),
        "pupils": sa.func.count(sa.distinct(places.c.pupil_id)),
        "completed": sa.func.sum(sa.case((sa.and_(not_withdrawn, places.c.ended == 1), 1), else_=0)),
        "withdrawn": sa.func.sum(places.c.withdrawn),
        "in_progress": sa.func.sum(sa.case((sa.and_(not_withdrawn, places.c.ended == 0), 1), else_=0)),
        "marked": sa.func.sum(places.c.marked),
        "attended": sa.func.sum(places.c.attended),
    }
    counted = [counts[name].label(name) for name in COUNTED]

    def by(level: str) -> sa.Select[Any]:
        keys = [places.c[k] if k == level else sa.cast(sa.null(), places.c[k].type).label(k) for k in LEVELS]
        return sa.select(*keys, *counted).group_by(places.c[level])

    return conn.execute(sa.union_all(*(by(level) for level in LEVELS))).all()


def _marks_in(conn: sa.Connection, setting_id: UUID, window: Window, places: sa.CTE) -> dict[str, Any]:
    """In a window, each line's sessions marked and attended: counted from the sessions in the
    window (the tallies hold the whole history), added up over the lines' places."""
    counts = attendance_counts(conn, setting_id, window.first, window.as_of)
    lines: dict[str, Any] = {level: defaultdict(lambda: [0, 0]) for level in LEVELS}
    for place in conn.execute(sa.select(places.c.pupil_id, *(places.c[k] for k in LEVELS))):
        marked, attended = counts.get((place.intervention_id, place.pupil_id), (0, 0))
        for level in LEVELS:
            line = lines[level][getattr(place, level)]
            line[0] += marked
            line[1] += attended
    return lines


# -- what was delivered, and what it cost ------------------------------------------------------


class Reported(NamedTuple):
    """The columns of an intervention the report reads: a plain tuple, since the report reads
    each several times and a database row looks its columns up by name each time."""

    intervention_id: UUID
    name: str
    area_of_need: str
    starts_on: date
    ended_on: date | None
    cost_per_year: Decimal
    sessions_delivered: int


def _interventions(
    conn: sa.Connection, setting_id: UUID, window: Window | None, assessed: set[UUID]
) -> dict[UUID, Reported]:
    """The setting's interventions in the order they started, then by name: in a window, those
    running at any time in it, and those ``assessed`` (an exit taken in the window after the
    intervention ended)."""
    where = [interventions.c.setting_id == setting_id]
    if window is not None:
        running = sa.and_(
            interventions.c.starts_on <= window.as_of,
            sa.or_(interventions.c.ended_on.is_(None), interventions.c.ended_on >= window.first),
        )
        where.append(sa.or_(running, interventions.c.intervention_id.in_(assessed)))
    i = interventions.c
    rows = conn.execute(  # those that began the same day by name, and then always in the same order
        sa.select(*(i[k] for k in Reported._fields))
        .where(*where)
        .order_by(i.starts_on, i.name, i.intervention_id)
    ).all()
    return {r[0]: Reported._make(r) for r in rows}


def _sessions_delivered(
    conn: sa.Connection, found: dict[UUID, Reported], window: Window | None
) -> dict[UUID, int]:
    """Each intervention's sessions delivered and not voided: the provision map's tally over the
    whole history, or those in the window counted."""
    if window is None:
        return {k: i.sessions_delivered for k, i in found.items()}
    rows = conn.execute(
        sa.select(sessions.c.intervention_id, sa.func.count())
        .where(
            sessions.c.intervention_id.in_(list(found)),
            sessions.c.voided.is_(False),
            sessions.c.delivered_on.between(window.first, window.as_of),
        )
        .group_by(sessions.c.intervention_id)
    )
    counted = {intervention_id: int(n) for intervention_id, n in rows}
    return {k: counted.get(k, 0) for k in found}


TEACHING_WEEKS_PER_YEAR = 38
"""380 sessions a school year, two a day (The Education (School Day and School Year)
(England) Regulations 1999, reg. 3(1) and (2)): 190 days, 38 weeks."""


def _sessions_a_week(conn: sa.Connection, setting_id: UUID, last_day: dict[UUID, date]) -> dict[UUID, int]:
    """Each intervention's sessions a week, as timetabled on the last day it ran (``last_day``):
    the schedule in force then, or, before any took effect, the first."""
    rows = conn.execute(
        sa.select(schedules.c.intervention_id, schedules.c.effective_on, schedules.c.weekdays)
        .join(interventions, interventions.c.intervention_id == schedules.c.intervention_id)
        .where(interventions.c.setting_id == setting_id)
        .order_by(schedules.c.intervention_id, schedules.c.effective_on, schedules.c.position)
    ).all()
    found: dict[UUID, int] = {}
    for intervention_id, effective_on, weekdays in rows:
        last = last_day.get(intervention_id)
        if last is not None and (intervention_id not in found or effective_on <= last):
            found[intervention_id] = weekdays.count(",") + 1
    return found


def delivered_cost(cost_per_year: Decimal, sessions_delivered: int, sessions_a_week: int) -> Decimal:
    """The cost per year times the share of a school year's sessions delivered."""
    a_year = sessions_a_week * TEACHING_WEEKS_PER_YEAR
    return cost_per_year * sessions_delivered / a_year if a_year else Decimal(0)


# -- the report ------------------------------------------------------------------------------


@reads("pupils", "provision_map", "impact")
def impact_report(
    conn: sa.Connection, setting_id: UUID, today: date, window: Window | None = None
) -> dict[str, Any]:
    """The impact report over the whole history, or over a window: the interventions running in
    it, the places open in it, the sessions delivered in it (and what they cost), and the pairs
    whose exit fell in it."""
    last = today if window is None else window.as_of
    pairs = pair_sums(conn, setting_id, window)
    found = _interventions(conn, setting_id, window, {group.intervention_id for group in pairs})
    delivered = _sessions_delivered(conn, found, window)
    lines: dict[str, dict[Any, Figures]] = {
        "intervention_id": defaultdict(Figures),
        "area_of_need": defaultdict(Figures),
        # Costs belong to interventions, not to year groups: a year group's figures carry none.
        "year_group": defaultdict(lambda: Figures(costed=False)),
    }
    places = _places(setting_id, window, last)
    for row in _participation(conn, places):
        # The row's one key not null says which line it is; its counts follow the keys.
        at = 0 if row[0] is not None else 1 if row[1] is not None else 2
        line = lines[LEVELS[at]][row[at]]
        for name, count in zip(COUNTED, row[len(LEVELS) :], strict=True):
            setattr(line, name, int(count))
    if window is not None:
        for level, marks in _marks_in(conn, setting_id, window, places).items():
            for key, line in lines[level].items():
                line.marked, line.attended = marks.get(key, (0, 0))
    last_day = {k: min(last, i.ended_on) if i.ended_on else last for k, i in found.items()}
    a_week = _sessions_a_week(conn, setting_id, last_day)
    for intervention_id, i in found.items():
        cost = delivered_cost(i.cost_per_year, delivered[intervention_id], a_week.get(intervention_id, 0))
        lines["intervention_id"][intervention_id].cost = cost
        lines["area_of_need"][i.area_of_need].cost += cost
    per_intervention, per_area, per_year = (lines[level] for level in LEVELS)
    for group in pairs:
        area = found[group.intervention_id].area_of_need
        per_intervention[group.intervention_id].measures[group.measure] += group.sums
        per_area[area].measures[group.measure] += group.sums
        per_year[group.year_group].measures[group.measure] += group.sums
    return {
        "from_date": None if window is None else window.first,
        "to": None if window is None else window.as_of,
        "interventions": [
            {
                "intervention_id": intervention_id,
                "name": i.name,
                "area_of_need": i.area_of_need,
                "starts_on": i.starts_on,
                "ended_on": i.ended_on,
                "sessions_delivered": delivered[intervention_id],
                **_without(per_intervention[intervention_id].as_dict(), "interventions"),
            }
            for intervention_id, i in found.items()
        ],
        "by_area": [
            {"area_of_need": area, **line.as_dict()} for area, line in sorted(lines["area_of_need"].items())
        ],
        "by_year_group": [
            {"year_group": year, **_without(line.as_dict(), "cost_per_pupil")}
            for year, line in sorted(lines["year_group"].items())
        ],
    }


def _without(figures: dict[str, Any], key: str) -> dict[str, Any]:
    del figures[key]
    return figures


@reads("impact")
def pupil_assessments(conn: sa.Connection, pupil_id: UUID) -> list[dict[str, Any]]:
    """The pupil's assessments in the order they were taken, each as corrections
    have left it."""
    rows = conn.execute(
        sa.select(*(c for c in assessments.c if c.key != "position"))
        .where(assessments.c.pupil_id == pupil_id)
        .order_by(
            assessments.c.assessed_on,
            assessments.c.instrument,
            assessments.c.measure,
            assessments.c.assessment_id,
        )
    )
    return [dict(row._mapping) for row in rows]
