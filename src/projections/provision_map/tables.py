"""The provision map's tables, and how a session's ``marks`` holds each pupil's attendance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.codes import AttendanceStatus
from apdr.projections.columns import clustered_table, keyed_table, ordered_key, uuid_key
from apdr.projections.projection import metadata

interventions = keyed_table(
    "provision_interventions",
    "intervention_id",
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
    # Sessions delivered and not voided, kept by the session handlers for the impact report.
    sa.Column("sessions_delivered", sa.Integer, nullable=False),
)
# The timetable as planned (``effective_on`` its start), then each change from
# the day it took effect: weekdays, minutes, planned weeks and the lesson missed
# in force from then on; ``review_due_on`` where the change moved the review date.
schedules = sa.Table(
    "provision_schedules",
    metadata,
    *ordered_key("intervention_id", autoincrement=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("weekdays", sa.String(20), nullable=False),
    sa.Column("minutes_per_session", sa.Integer, nullable=False),
    sa.Column("planned_weeks", sa.Integer, nullable=False),
    sa.Column("review_due_on", sa.Date),
    sa.Column("withdrawn_from", sa.String(200), nullable=False),
    sa.Column("outside_lessons", sa.Boolean, nullable=False),
)
staff = keyed_table(
    "provision_staff",
    "staff_id",
    sa.Column("setting_id", sa.Uuid, nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(30), nullable=False),
)
assignments = sa.Table(
    "provision_assignments",
    metadata,
    *uuid_key("intervention_id", "staff_id"),
)
enrolments = keyed_table(
    "provision_enrolments",
    "enrolment_id",
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
sessions = clustered_table(
    "provision_sessions",
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("delivered_on", sa.Date, primary_key=True),
    sa.Column("session_id", sa.Uuid, primary_key=True),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("delivered_by", sa.Uuid, nullable=False),
    sa.Column("voided", sa.Boolean, nullable=False),
    sa.Column("marks", sa.Text, nullable=False),
    sa.Column("focus", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
)
# Per pupil and intervention, the sessions they were marked in and attended, voided
# sessions and the old marks of corrected ones taken back out: a report over the whole
# history reads a row a pupil, not every session's marks. A row is made when the pupil
# is first enrolled (``first_on``: no mark can be earlier); ``last_on`` is the latest day
# ever marked (never moved back), so a window from ``first_on`` to ``last_on`` or wider
# holds every mark the row counts.
attendance = clustered_table(
    "provision_attendance",
    *uuid_key("intervention_id", "pupil_id"),
    sa.Column("marked", sa.Integer, nullable=False),
    sa.Column("attended", sa.Integer, nullable=False),
    sa.Column("first_on", sa.Date, nullable=False),
    sa.Column("last_on", sa.Date),
)
missed = keyed_table(
    "provision_missed_sessions",
    "missed_id",
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("scheduled_on", sa.Date, nullable=False),
    sa.Column("reason", sa.String(30), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
)
reviews = sa.Table(
    "provision_reviews",
    metadata,
    *ordered_key("intervention_id", autoincrement=False),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("decision", sa.String(10), nullable=False),
    sa.Column("next_review_due_on", sa.Date),
)

MARK = {
    AttendanceStatus.present: "p",
    AttendanceStatus.absent: "a",
    AttendanceStatus.late: "l",
    AttendanceStatus.left_early: "e",
}
ATTENDED = {code: status.attended for status, code in MARK.items()}
STATUS_OF = {code: status for status, code in MARK.items()}


def session_marks(attendance: list[dict[str, Any]]) -> str:
    """Each pupil's mark as their id in hex and a letter: 'c9ec…a7p 1b2f…05a'."""
    return " ".join(m["pupil_id"].hex + MARK[m["status"]] for m in attendance)


def read_marks(marks: str) -> Iterator[tuple[UUID, bool]]:
    """Each pupil in a session's ``marks``, and whether they attended."""
    for mark in marks.split():
        yield UUID(mark[:32]), ATTENDED[mark[32]]
