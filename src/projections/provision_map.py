"""The provision map: who gets which support, how often, from whom, at what cost,
and how much of it actually happened, as of any date.

Keeps the interventions, their timetables (as planned, then each change
from the date it took effect), staff, enrolment spans, sessions with each
pupil's attendance (one row a session: ``marks``), missed sessions and
reviews, each with its dates, so a query can answer for any day in the past.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Intervention, StaffMember
from apdr.aggregates.codes import AttendanceStatus, Weekday
from apdr.aggregates.intervention import Schedule, review_due_as_of, schedule_on, timetabled_spans
from apdr.aggregates.school_year import SchoolCalendar, age_in_years, year_group
from apdr.projections.projection import Batch, Projection, handles, metadata
from apdr.projections.pupils import pupils

interventions = sa.Table(
    "provision_interventions",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("setting_id", sa.Uuid, nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("programme", sa.String(200), nullable=False),
    sa.Column("area_of_need", sa.String(30), nullable=False),
    sa.Column("strategy_codes", sa.String(200), nullable=False),
    sa.Column("aim", sa.Text, nullable=False),
    sa.Column("delivery", sa.String(20), nullable=False),
    sa.Column("ratio", sa.String(10), nullable=False),
    sa.Column("location", sa.String(200), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
    sa.Column("cost_per_year", sa.Numeric(12, 2), nullable=False),
)
# The timetable as planned (``effective_on`` its start), then each change from
# the day it took effect: weekdays, minutes, planned weeks and the lesson missed
# in force from then on; ``review_due_on`` where the change moved the review date.
schedules = sa.Table(
    "provision_schedules",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("weekdays", sa.String(20), nullable=False),
    sa.Column("minutes_per_session", sa.Integer, nullable=False),
    sa.Column("planned_weeks", sa.Integer, nullable=False),
    sa.Column("review_due_on", sa.Date),
    sa.Column("withdrawn_from", sa.String(200), nullable=False),
    sa.Column("outside_lessons", sa.Boolean, nullable=False),
)
staff = sa.Table(
    "provision_staff",
    metadata,
    sa.Column("staff_id", sa.Uuid, primary_key=True),
    sa.Column("setting_id", sa.Uuid, nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(30), nullable=False),
)
assignments = sa.Table(
    "provision_assignments",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("staff_id", sa.Uuid, primary_key=True),
)
enrolments = sa.Table(
    "provision_enrolments",
    metadata,
    sa.Column("enrolment_id", sa.Uuid, primary_key=True),
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("pupil_id", sa.Uuid, nullable=False, index=True),
    sa.Column("plan_id", sa.Uuid),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date),
    sa.Column("withdrawn", sa.Boolean, nullable=False),
)
# One row a session, kept in order of intervention and date (on SQLite the table
# is that order itself): a batch of sessions appends to a few pages, where
# rows keyed by random ids would touch a page each. Each pupil's attendance is
# in ``marks``: see ``session_marks``.
sessions = sa.Table(
    "provision_sessions",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("delivered_on", sa.Date, primary_key=True),
    sa.Column("session_id", sa.Uuid, primary_key=True),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("delivered_by", sa.Uuid, nullable=False),
    sa.Column("voided", sa.Boolean, nullable=False),
    sa.Column("marks", sa.Text, nullable=False),
    sa.Column("focus", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)
missed = sa.Table(
    "provision_missed_sessions",
    metadata,
    sa.Column("missed_id", sa.Uuid, primary_key=True),
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("scheduled_on", sa.Date, nullable=False),
    sa.Column("reason", sa.String(30), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
)
reviews = sa.Table(
    "provision_reviews",
    metadata,
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("decision", sa.String(10), nullable=False),
    sa.Column("next_review_due_on", sa.Date),
)

_withdraw = (
    enrolments.update()
    .where(
        enrolments.c.intervention_id == sa.bindparam("w_intervention_id"),
        enrolments.c.pupil_id == sa.bindparam("w_pupil_id"),
        enrolments.c.ends_on.is_(None),
    )
    .values(ends_on=sa.bindparam("v_ends_on"), withdrawn=True)
)
_end_enrolments = (
    enrolments.update()
    .where(enrolments.c.intervention_id == sa.bindparam("w_intervention_id"), enrolments.c.ends_on.is_(None))
    .values(ends_on=sa.bindparam("v_ends_on"))
)


MARK = {
    AttendanceStatus.present: "p",
    AttendanceStatus.absent: "a",
    AttendanceStatus.late: "l",
    AttendanceStatus.left_early: "e",
}
ATTENDED = {code: status.attended for status, code in MARK.items()}


def session_marks(attendance: list[dict[str, Any]]) -> str:
    """Each pupil's mark as their id in hex and a letter: 'c9ec…a7p 1b2f…05a'."""
    return " ".join(m["pupil_id"].hex + MARK[m["status"]] for m in attendance)


def read_marks(marks: str) -> Iterator[tuple[UUID, bool]]:
    """Each pupil in a session's ``marks``, and whether they attended."""
    for mark in marks.split():
        yield UUID(mark[:32]), ATTENDED[mark[32]]


def _session_row(e: Any) -> dict[str, Any]:
    return {
        "intervention_id": e.originator_id,
        "delivered_on": e.delivered_on,
        "session_id": e.session_id,
        "minutes": e.minutes,
        "delivered_by": e.delivered_by,
        "voided": False,
        "marks": session_marks(e.attendance),
        "focus": e.focus,
        "notes": e.notes,
    }


class ProvisionMap(Projection):
    name = "provision_map"
    tables = (interventions, schedules, staff, assignments, enrolments, sessions, missed, reviews)

    @handles(Intervention.Planned)
    def planned(self, e: Any, batch: Batch) -> None:
        batch.insert(
            interventions,
            {
                "intervention_id": e.originator_id,
                "setting_id": e.setting_id,
                "name": e.name,
                "programme": e.programme,
                "area_of_need": e.area_of_need.value,
                "strategy_codes": ",".join(e.strategy_codes),
                "aim": e.aim,
                "delivery": e.delivery.value,
                "ratio": e.ratio,
                "location": e.location,
                "starts_on": e.starts_on,
                "ended_on": None,
                "cost_per_year": e.cost_per_year,
            },
        )
        self.schedule_from(e.starts_on, e, batch)
        for staff_id in e.staff_ids:
            batch.insert(assignments, {"intervention_id": e.originator_id, "staff_id": staff_id})

    @handles(Intervention.ScheduleChanged)
    def schedule_changed(self, e: Any, batch: Batch) -> None:
        self.schedule_from(e.effective_on, e, batch)

    @staticmethod
    def schedule_from(effective_on: date, e: Any, batch: Batch) -> None:
        batch.insert(
            schedules,
            {
                "intervention_id": e.originator_id,
                "position": batch.position,
                "effective_on": effective_on,
                "weekdays": ",".join(d.value for d in e.weekdays),
                "minutes_per_session": e.minutes_per_session,
                "planned_weeks": e.planned_weeks,
                "review_due_on": e.review_due_on,
                "withdrawn_from": e.withdrawn_from,
                "outside_lessons": e.outside_lessons,
            },
        )

    @handles(StaffMember.Registered)
    def staff_registered(self, e: Any, batch: Batch) -> None:
        batch.insert(
            staff,
            {"staff_id": e.originator_id, "setting_id": e.setting_id, "name": e.name, "role": e.role.value},
        )

    @handles(Intervention.StaffAssigned)
    def staff_assigned(self, e: Any, batch: Batch) -> None:
        batch.insert(assignments, {"intervention_id": e.originator_id, "staff_id": e.staff_id})

    @handles(Intervention.StaffUnassigned)
    def staff_unassigned(self, e: Any, batch: Batch) -> None:
        batch.delete(assignments, {"intervention_id": e.originator_id, "staff_id": e.staff_id})

    @handles(Intervention.PupilEnrolled)
    def enrolled(self, e: Any, batch: Batch) -> None:
        batch.insert(
            enrolments,
            {
                "enrolment_id": e.enrolment_id,
                "intervention_id": e.originator_id,
                "pupil_id": e.pupil_id,
                "plan_id": e.plan_id,
                "starts_on": e.starts_on,
                "ends_on": None,
                "withdrawn": False,
            },
        )

    @handles(Intervention.PupilWithdrawn)
    def withdrawn(self, e: Any, batch: Batch) -> None:
        batch.execute(
            _withdraw,
            {"w_intervention_id": e.originator_id, "w_pupil_id": e.pupil_id, "v_ends_on": e.withdrawn_on},
        )

    @handles(Intervention.SessionDelivered)
    def session_delivered(self, e: Any, batch: Batch) -> None:
        batch.insert(sessions, _session_row(e))

    @handles(Intervention.SessionCorrected)
    def session_corrected(self, e: Any, batch: Batch) -> None:
        # Its date may be what changed, and the date is part of its key.
        batch.delete(sessions, {"intervention_id": e.originator_id, "session_id": e.session_id})
        batch.insert(sessions, _session_row(e))

    @handles(Intervention.SessionVoided)
    def session_voided(self, e: Any, batch: Batch) -> None:
        batch.update(
            sessions, {"intervention_id": e.originator_id, "session_id": e.session_id}, {"voided": True}
        )

    @handles(Intervention.SessionMissed)
    def session_missed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            missed,
            {
                "missed_id": e.missed_id,
                "intervention_id": e.originator_id,
                "scheduled_on": e.scheduled_on,
                "reason": e.reason.value,
                "notes": e.notes,
            },
        )

    @handles(Intervention.MissedSessionVoided)
    def missed_session_voided(self, e: Any, batch: Batch) -> None:
        batch.delete(missed, {"missed_id": e.missed_id})

    @handles(Intervention.Reviewed)
    def reviewed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            reviews,
            {
                "intervention_id": e.originator_id,
                "position": batch.position,
                "reviewed_on": e.reviewed_on,
                "decision": e.decision.value,
                "next_review_due_on": e.next_review_due_on,
            },
        )

    @handles(Intervention.Ended)
    def ended(self, e: Any, batch: Batch) -> None:
        batch.update(interventions, {"intervention_id": e.originator_id}, {"ended_on": e.ended_on})
        batch.execute(_end_enrolments, {"w_intervention_id": e.originator_id, "v_ends_on": e.ended_on})


# -- the query ----------------------------------------------------------------

COLUMNS = [
    ("pupil_name", "Name"),
    ("age", "Age"),
    ("year_group", "Year group"),
    ("class_name", "Class"),
    ("intervention", "Intervention"),
    ("area_of_need", "Area of need"),
    ("aim", "Aim"),
    ("staff", "Staff"),
    ("weekdays", "Days"),
    ("sessions_per_week", "Sessions per week"),
    ("minutes_per_session", "Minutes per session"),
    ("delivery", "Delivery"),
    ("ratio", "Ratio"),
    ("location", "Location"),
    ("withdrawn_from", "Withdrawn from"),
    ("starts_on", "Start"),
    ("planned_weeks", "Weeks"),
    ("review_due_on", "Review due"),
    ("reviewed_on", "Reviewed"),
    ("ends_on", "End"),
    ("cost_per_pupil_per_year", "Cost per pupil per year (£)"),
    ("sessions_expected", "Sessions expected"),
    ("sessions_delivered", "Sessions delivered"),
    ("sessions_attended", "Sessions attended"),
]

PENNY = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(PENNY, rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Window:
    """Provision in place at any time from ``first`` to ``as_of`` (inclusive)."""

    first: date
    as_of: date


def _staff_names(conn: sa.Connection, setting_id: UUID) -> dict[UUID, list[str]]:
    rows = conn.execute(
        sa.select(assignments.c.intervention_id, staff.c.name)
        .join(staff, staff.c.staff_id == assignments.c.staff_id)
        .where(staff.c.setting_id == setting_id)
        .order_by(staff.c.name)
    )
    names: dict[UUID, list[str]] = {}
    for intervention_id, name in rows:
        names.setdefault(intervention_id, []).append(name)
    return names


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
    rows = conn.execute(
        sa.select(schedules)
        .join(interventions, interventions.c.intervention_id == schedules.c.intervention_id)
        .where(*where)
        .order_by(schedules.c.intervention_id, schedules.c.effective_on, schedules.c.position)
    )
    for r in rows:
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
    rows = conn.execute(
        sa.select(reviews)
        .join(interventions, interventions.c.intervention_id == reviews.c.intervention_id)
        .where(*where)
        .order_by(reviews.c.intervention_id, reviews.c.reviewed_on, reviews.c.position)
    )
    for r in rows:
        timetable = found[r.intervention_id]
        timetable.review_dates.append((r.reviewed_on, r.position, r.next_review_due_on))
        timetable.reviews.append((r.reviewed_on, r.decision))
    return found


def _sessions_where(setting_id: UUID, first: date | None, last: date | None) -> list[sa.ColumnElement[bool]]:
    """Sessions delivered (not voided) in the setting from ``first`` to ``last`` (either open)."""
    where = [interventions.c.setting_id == setting_id, sessions.c.voided.is_(False)]
    if first is not None:
        where.append(sessions.c.delivered_on >= first)
    if last is not None:
        where.append(sessions.c.delivered_on <= last)
    return where


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


def attendance_counts(
    conn: sa.Connection, setting_id: UUID, first: date | None = None, last: date | None = None
) -> dict[tuple[UUID, UUID], tuple[int, int]]:
    """(intervention, pupil) -> (sessions delivered with the pupil marked, sessions attended),
    over the sessions from ``first`` to ``last`` (either open).

    Counted on the ids as stored, each made a UUID once per pair rather than once
    per session and mark: a school's seven years are a few hundred thousand marks."""
    rows = conn.execute(
        sa.select(sa.type_coerce(sessions.c.intervention_id, sa.String), sessions.c.marks)
        .join(interventions, interventions.c.intervention_id == sessions.c.intervention_id)
        .where(*_sessions_where(setting_id, first, last))
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


def _rows_in_place(conn: sa.Connection, setting_id: UUID, window: Window) -> sa.CursorResult[Any]:
    return conn.execute(
        sa.select(
            enrolments.c.pupil_id,
            enrolments.c.starts_on.label("enrolled_on"),
            enrolments.c.ends_on.label("left_on"),
            interventions,
            pupils.c.given_name,
            pupils.c.family_name,
            pupils.c.date_of_birth,
            pupils.c.class_name,
        )
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .where(
            interventions.c.setting_id == setting_id,
            enrolments.c.starts_on <= window.as_of,
            sa.or_(enrolments.c.ends_on.is_(None), enrolments.c.ends_on >= window.first),
        )
        .order_by(pupils.c.family_name, pupils.c.given_name, enrolments.c.pupil_id, interventions.c.name)
        .execution_options(yield_per=500)
    )


def _pupils_per_intervention(conn: sa.Connection, setting_id: UUID, window: Window) -> dict[UUID, int]:
    rows = conn.execute(
        sa.select(enrolments.c.intervention_id, sa.func.count(sa.distinct(enrolments.c.pupil_id)))
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .where(
            interventions.c.setting_id == setting_id,
            enrolments.c.starts_on <= window.as_of,
            sa.or_(enrolments.c.ends_on.is_(None), enrolments.c.ends_on >= window.first),
        )
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


def provision_rows(
    conn: sa.Connection, setting_id: UUID, window: Window, calendar: SchoolCalendar
) -> Iterator[dict[str, Any]]:
    """One row per pupil and provision in place during the window, in the seed's column order.
    A row shows the timetable in force at the end of the window."""
    staff_names = _staff_names(conn, setting_id)
    timetable_of = timetables(conn, setting_id)
    counts = attendance_counts(conn, setting_id, window.first, window.as_of)
    group_sizes = _pupils_per_intervention(conn, setting_id, window)
    teaching = TeachingDays(calendar, window)
    for r in _rows_in_place(conn, setting_id, window):
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
        yield {
            "pupil_id": r.pupil_id,
            "pupil_name": f"{r.given_name} {r.family_name}",
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
            "left_on": r.left_on if r.left_on and r.left_on <= window.as_of else None,
            "cost_per_year": money(r.cost_per_year),
            "cost_per_pupil_per_year": money(r.cost_per_year / max(group_sizes.get(r.intervention_id, 1), 1)),
            "sessions_expected": expected,
            "sessions_delivered": delivered,
            "sessions_attended": attended,
        }


class Totals:
    """The map's totals, accumulated row by row so the rows can stream."""

    def __init__(self) -> None:
        self.rows = 0
        self.pupils: set[UUID] = set()
        self.costs: dict[UUID, Decimal] = {}
        self.expected = self.delivered = self.attended = 0
        self.by_area: dict[str, set[UUID]] = {}

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        self.pupils.add(row["pupil_id"])
        self.costs[row["intervention_id"]] = Decimal(row["cost_per_year"])
        self.expected += row["sessions_expected"]
        self.delivered += row["sessions_delivered"]
        self.attended += row["sessions_attended"]
        self.by_area.setdefault(row["area_of_need"], set()).add(row["pupil_id"])

    def as_dict(self) -> dict[str, Any]:
        total_cost = sum(self.costs.values(), Decimal(0))
        return {
            "rows": self.rows,
            "pupils": len(self.pupils),
            "interventions": len(self.costs),
            "cost_per_year": money(total_cost),
            "cost_per_pupil_per_year": money(total_cost / len(self.pupils))
            if self.pupils
            else money(Decimal(0)),
            "sessions_expected": self.expected,
            "sessions_delivered": self.delivered,
            "sessions_attended": self.attended,
            "delivered_percent": percent(self.delivered, self.expected),
            "attended_percent": percent(self.attended, self.delivered),
            "pupils_by_area_of_need": {area: len(p) for area, p in sorted(self.by_area.items())},
        }


def csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """The map as CSV that opens cleanly in Excel: a byte-order mark, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(row[key]) for key, _ in COLUMNS])
        yield buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def setting_staff(conn: sa.Connection, setting_id: UUID) -> list[dict[str, Any]]:
    """The setting's staff by name: [{"staff_id", "name", "role"}]."""
    rows = conn.execute(
        sa.select(staff.c.staff_id, staff.c.name, staff.c.role)
        .where(staff.c.setting_id == setting_id)
        .order_by(staff.c.name, staff.c.staff_id)
    )
    return [dict(row._mapping) for row in rows]
