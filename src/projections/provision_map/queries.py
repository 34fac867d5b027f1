"""Questions asked of the provision map as of any date: each pupil's provision in
a window, sessions and attendance, the setting's staff."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.school_year import SchoolCalendar, age_in_years, year_group
from apdr.projections.projection import reads
from apdr.projections.provision_map.report import money
from apdr.projections.provision_map.tables import (
    ATTENDED,
    STATUS_OF,
    assignments,
    attendance,
    enrolments,
    interventions,
    read_marks,
    sessions,
    staff,
)
from apdr.projections.provision_map.timetable import timetables
from apdr.projections.pupils import pupils


@dataclass(frozen=True)
class Window:
    """Provision in place at any time from ``first`` to ``as_of`` (inclusive)."""

    first: date
    as_of: date


def _staff_names(conn: sa.Connection, setting_id: UUID, of: list[UUID]) -> dict[UUID, list[str]]:
    rows = conn.execute(
        sa.select(assignments.c.intervention_id, staff.c.name)
        .join(staff, staff.c.staff_id == assignments.c.staff_id)
        .where(staff.c.setting_id == setting_id, assignments.c.intervention_id.in_(of))
        .order_by(staff.c.name)
    )
    names: dict[UUID, list[str]] = {}
    for intervention_id, name in rows:
        names.setdefault(intervention_id, []).append(name)
    return names


def _sessions_where(
    setting_id: UUID, first: date | None, last: date | None, of: Iterable[UUID] | None = None
) -> list[sa.ColumnElement[bool]]:
    """Sessions delivered (not voided) in the setting from ``first`` to ``last`` (either open),
    of the interventions ``of`` (default: all of them)."""
    where = [interventions.c.setting_id == setting_id, sessions.c.voided.is_(False)]
    if of is not None:
        where.append(sessions.c.intervention_id.in_(list(of)))
    if first is not None:
        where.append(sessions.c.delivered_on >= first)
    if last is not None:
        where.append(sessions.c.delivered_on <= last)
    return where


@reads("provision_map")
def pupil_marks(
    conn: sa.Connection, setting_id: UUID, first: date | None = None, last: date | None = None
) -> Iterator[tuple[UUID, UUID, date, bool]]:
    """(intervention, pupil, date, attended) for every pupil marked in a session
    delivered in the setting from ``first`` to ``last`` (either open)."""
    rows = conn.execute(
        sa.select(sessions.c.intervention_id, sessions.c.delivered_on, sessions.c.marks)
        .join(interventions, interventions.c.intervention_id == sessions.c.intervention_id)
        .where(*_sessions_where(setting_id, first, last))
        .execution_options(yield_per=1000)
    )
    for intervention_id, delivered_on, marks in rows:
        for pupil_id, attended in read_marks(marks):
            yield intervention_id, pupil_id, delivered_on, attended


@reads("provision_map")
def pupil_sessions(conn: sa.Connection, setting_id: UUID, pupil_id: UUID, last: date) -> list[dict[str, Any]]:
    """Every session delivered up to ``last`` in which the pupil was marked, oldest
    first: [{"intervention_id", "intervention", "delivered_on", "minutes", "status"}]."""
    of = _interventions_of(conn, pupil_id, Window(date.min, last))
    rows = conn.execute(
        sa.select(
            interventions.c.name, sessions.c.intervention_id, sessions.c.delivered_on, sessions.c.minutes
        )
        .add_columns(sessions.c.marks)
        .join(interventions, interventions.c.intervention_id == sessions.c.intervention_id)
        .where(*_sessions_where(setting_id, None, last, of))
        .order_by(sessions.c.delivered_on, interventions.c.name, sessions.c.session_id)
    )
    mark_of = pupil_id.hex
    found = []
    for name, intervention_id, delivered_on, minutes, marks in rows:
        at = marks.find(mark_of)
        if at >= 0:
            status = STATUS_OF[marks[at + 32]]
            found.append(
                {
                    "intervention_id": intervention_id,
                    "intervention": name,
                    "delivered_on": delivered_on,
                    "minutes": minutes,
                    "status": status.value,
                    "attended": status.attended,
                }
            )
    return found


@reads("provision_map")
def attendance_counts(
    conn: sa.Connection,
    setting_id: UUID,
    first: date | None = None,
    last: date | None = None,
    of: Iterable[UUID] | None = None,
) -> dict[tuple[UUID, UUID], tuple[int, int]]:
    """(intervention, pupil) -> (sessions delivered with the pupil marked, sessions attended),
    over the sessions from ``first`` to ``last`` (either open) of the interventions ``of``
    (default: all of them).

    From the tallies where the window holds every mark a tally counts; the marks
    themselves are counted only for the interventions where it does not (a window
    that starts or ends in the middle of one)."""
    counts: dict[tuple[UUID, UUID], tuple[int, int]] = {}
    straddled: set[UUID] = set()
    for r in _tallies(conn, setting_id, first, last, of):
        holds_all = (first is None or first <= r.first_on) and (
            last is None or r.last_on is None or r.last_on <= last
        )
        if holds_all:
            if r.marked:
                counts[(r.intervention_id, r.pupil_id)] = (r.marked, r.attended)
        else:
            straddled.add(r.intervention_id)
    if straddled:
        counts = {key: count for key, count in counts.items() if key[0] not in straddled}
        counts.update(counted_from_marks(conn, setting_id, first, last, straddled))
    return counts


def _tallies(
    conn: sa.Connection, setting_id: UUID, first: date | None, last: date | None, of: Iterable[UUID] | None
) -> sa.CursorResult[Any]:
    """The tallies that may count a mark from ``first`` to ``last``: not those whose
    marks all fall before or after it."""
    where = [interventions.c.setting_id == setting_id]
    if first is not None:
        where.append(sa.or_(attendance.c.last_on.is_(None), attendance.c.last_on >= first))
    if last is not None:
        where.append(attendance.c.first_on <= last)
    if of is not None:
        where.append(attendance.c.intervention_id.in_(list(of)))
    return conn.execute(
        sa.select(attendance)
        .join(interventions, interventions.c.intervention_id == attendance.c.intervention_id)
        .where(*where)
    )


@reads("provision_map")
def counted_from_marks(
    conn: sa.Connection,
    setting_id: UUID,
    first: date | None = None,
    last: date | None = None,
    of: Iterable[UUID] | None = None,
) -> dict[tuple[UUID, UUID], tuple[int, int]]:
    """``attendance_counts`` counted from every session's marks, for a window the
    tallies cannot answer.

    Counted on the ids as stored, each made a UUID once per pair rather than once
    per session and mark: a school's seven years are a few hundred thousand marks."""
    rows = conn.execute(
        sa.select(sa.type_coerce(sessions.c.intervention_id, sa.String), sessions.c.marks)
        .join(interventions, interventions.c.intervention_id == sessions.c.intervention_id)
        .where(*_sessions_where(setting_id, first, last, of))
        .execution_options(yield_per=1000)
    )
    counts: dict[tuple[Any, str], list[int]] = {}
    for intervention_id, marks in rows:
        for mark in marks.split():
            count = counts.get((intervention_id, mark[:32]))
            if count is None:
                count = counts[(intervention_id, mark[:32])] = [0, 0]
            count[0] += 1
            count[1] += ATTENDED[mark[32]]
    # SQLite gives the stored hex; PostgreSQL its own uuid.
    return {
        (i if isinstance(i, UUID) else UUID(i), UUID(pupil)): (marked, attended)
        for (i, pupil), (marked, attended) in counts.items()
    }


def _enrolled_during(window: Window) -> list[sa.ColumnElement[bool]]:
    """Enrolments open at any time during the window."""
    return [
        enrolments.c.starts_on <= window.as_of,
        sa.or_(enrolments.c.ends_on.is_(None), enrolments.c.ends_on >= window.first),
    ]


def _in_place(setting_id: UUID, window: Window) -> list[sa.ColumnElement[bool]]:
    """Enrolments in the setting's interventions open at any time during the window."""
    return [interventions.c.setting_id == setting_id, *_enrolled_during(window)]


def _rows_in_place(
    conn: sa.Connection, setting_id: UUID, window: Window, pupil_id: UUID | None
) -> sa.CursorResult[Any]:
    one_pupil = [] if pupil_id is None else [enrolments.c.pupil_id == pupil_id]
    return conn.execute(
        sa.select(
            enrolments.c.pupil_id,
            enrolments.c.starts_on.label("enrolled_on"),
            enrolments.c.ends_on.label("left_on"),
            enrolments.c.withdrawn,
            interventions,
            pupils.c.upn,
            pupils.c.given_name,
            pupils.c.family_name,
            pupils.c.date_of_birth,
            pupils.c.class_name,
        )
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .where(*_in_place(setting_id, window), *one_pupil)
        .order_by(pupils.c.family_name, pupils.c.given_name, enrolments.c.pupil_id, interventions.c.name)
        .execution_options(yield_per=500)
    )


def _interventions_in_place(conn: sa.Connection, setting_id: UUID, window: Window) -> list[UUID]:
    """The interventions with a pupil in place during the window: a school's seven years are
    several times this year's, and only this year's rows are shown. Found once, so that each
    query after it looks its interventions up by key (on PostgreSQL, finding them again in
    each query was most of the map's time in the database)."""
    rows = conn.execute(
        sa.select(sa.distinct(enrolments.c.intervention_id))
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .where(*_in_place(setting_id, window))
    )
    return [i for (i,) in rows]


def _pupils_per_intervention(conn: sa.Connection, window: Window, of: list[UUID]) -> dict[UUID, int]:
    """The pupils in place during the window in each of the interventions ``of``: a group's
    cost is shared by all of them, whoever's rows are shown."""
    rows = conn.execute(
        sa.select(enrolments.c.intervention_id, sa.func.count(sa.distinct(enrolments.c.pupil_id)))
        .where(enrolments.c.intervention_id.in_(of), *_enrolled_during(window))
        .group_by(enrolments.c.intervention_id)
    )
    return {i: int(n) for i, n in rows}


class TeachingDays:
    """The window's teaching days by weekday, so that counting a row's expected
    sessions is two binary searches, not a walk through every day of its dates."""

    def __init__(self, calendar: SchoolCalendar, window: Window) -> None:
        self.on: dict[int, list[date]] = {iso: [] for iso in range(1, 6)}
        for day in calendar.teaching_days(window.first, window.as_of):
            self.on[day.isoweekday()].append(day)

    def count(self, weekdays: Iterable[int], first: date, last: date) -> int:
        """Teaching days from ``first`` to ``last`` (within the window) on these ISO weekdays."""
        return sum(
            bisect.bisect_right(days, last) - bisect.bisect_left(days, first)
            for days in (self.on.get(iso, []) for iso in set(weekdays))
        )


def _interventions_of(conn: sa.Connection, pupil_id: UUID, window: Window) -> list[UUID]:
    rows = conn.execute(
        sa.select(sa.distinct(enrolments.c.intervention_id)).where(
            enrolments.c.pupil_id == pupil_id, *_enrolled_during(window)
        )
    )
    return [i for (i,) in rows]


@reads("provision_map", "pupils")
def provision_rows(
    conn: sa.Connection,
    setting_id: UUID,
    window: Window,
    calendar: SchoolCalendar,
    pupil_id: UUID | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per pupil and provision in place during the window, in the seed's column order;
    with ``pupil_id``, that pupil's rows only (a group's cost is still shared by the whole group).
    A row shows the timetable in force at the end of the window."""
    if pupil_id is None:
        of = _interventions_in_place(conn, setting_id, window)
    else:
        of = _interventions_of(conn, pupil_id, window)
    staff_names = _staff_names(conn, setting_id, of)
    timetable_of = timetables(conn, setting_id, of)
    counts = attendance_counts(conn, setting_id, window.first, window.as_of, of)
    group_sizes = _pupils_per_intervention(conn, window, of)
    teaching = TeachingDays(calendar, window)
    for r in _rows_in_place(conn, setting_id, window, pupil_id):
        if r.intervention_id not in timetable_of:
            # Its first pupil in the window was enrolled after ``of`` was read (on PostgreSQL
            # each statement reads what was committed when it began): read its own now.
            late = [r.intervention_id]
            timetable_of |= timetables(conn, setting_id, late)
            staff_names |= _staff_names(conn, setting_id, late)
            counts |= attendance_counts(conn, setting_id, window.first, window.as_of, late)
            group_sizes |= _pupils_per_intervention(conn, window, late)
        timetable = timetable_of[r.intervention_id]
        schedule = timetable.on(window.as_of)
        ended_on = r.ended_on if r.ended_on and r.ended_on <= window.as_of else None
        days = list(schedule.weekdays)
        # Sessions are expected on the weekdays timetabled at the time, on every
        # teaching day the pupil was enrolled while the intervention ran, up to its
        # planned end, within the window.
        first = max(r.enrolled_on, window.first)
        last = min(d for d in (window.as_of, r.left_on, ended_on) if d is not None)
        expected = sum(teaching.count(s.iso_weekdays, a, b) for a, b, s in timetable.spans(first, last))
        delivered, attended = counts.get((r.intervention_id, r.pupil_id), (0, 0))
        left_on = r.left_on if r.left_on and r.left_on <= window.as_of else None
        yield {
            "pupil_id": r.pupil_id,
            "pupil_name": f"{r.given_name} {r.family_name}",
            "upn": r.upn,
            "age": age_in_years(r.date_of_birth, window.as_of),
            "year_group": year_group(r.date_of_birth, window.as_of),
            "class_name": r.class_name,
            "intervention_id": r.intervention_id,
            "intervention": r.name,
            "programme": r.programme,
            "area_of_need": r.area_of_need,
            "strategy_codes": r.strategy_codes.split(",") if r.strategy_codes else [],
            "aim": r.aim,
            "staff": ", ".join(staff_names.get(r.intervention_id, [])),
            "weekdays": [d.value for d in days],
            "sessions_per_week": len(days),
            "minutes_per_session": schedule.minutes_per_session,
            "delivery": r.delivery,
            "ratio": r.ratio,
            "location": r.location,
            "withdrawn_from": schedule.withdrawn_from,
            "outside_lessons": schedule.outside_lessons,
            "starts_on": r.starts_on,
            "planned_weeks": schedule.planned_weeks,
            "review_due_on": None if ended_on else timetable.review_due_on(window.as_of),
            "reviewed_on": [on for on, _ in timetable.reviewed_by(window.as_of)],
            "ends_on": ended_on or schedule.planned_end(r.starts_on),
            "ended": ended_on is not None,
            "enrolled_on": r.enrolled_on,
            "left_on": left_on,
            "withdrawn_on": left_on if r.withdrawn else None,
            "cost_per_year": money(r.cost_per_year),
            "cost_per_pupil_per_year": money(r.cost_per_year / max(group_sizes.get(r.intervention_id, 1), 1)),
            "sessions_expected": expected,
            "sessions_delivered": delivered,
            "sessions_attended": attended,
        }


@reads("provision_map")
def setting_staff(conn: sa.Connection, setting_id: UUID) -> list[dict[str, Any]]:
    """The setting's staff by name: [{"staff_id", "name", "role"}]."""
    rows = conn.execute(
        sa.select(staff.c.staff_id, staff.c.name, staff.c.role)
        .where(staff.c.setting_id == setting_id)
        .order_by(staff.c.name, staff.c.staff_id)
    )
    return [dict(row._mapping) for row in rows]
