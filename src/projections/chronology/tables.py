"""The chronology's tables, and the facts its handlers keep beside the entries
(an intervention's name, a plan's or an alert's pupil, each session once)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from apdr.projections.columns import clustered_table, keyed_table, ordered_key
from apdr.projections.projection import metadata


def _entry_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),  # JSON, written once, returned as it is
    ]


entries = sa.Table(
    "chronology_entries",
    metadata,
    *ordered_key("pupil_id"),
    *_entry_columns(),
)
intervention_entries = sa.Table(
    "chronology_intervention_entries",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("intervention_id", sa.Uuid, nullable=False),
    *_entry_columns(),
    sa.Index("chronology_intervention_entries_by_date", "intervention_id", "occurred_on"),
)
enrolments = keyed_table(
    "chronology_enrolments",
    "enrolment_id",
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("pupil_id", sa.Uuid, nullable=False, index=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date),
)
interventions = keyed_table(
    "chronology_interventions",
    "intervention_id",
    sa.Column("name", sa.String(100), nullable=False),
)
plans = keyed_table(
    "chronology_plans",
    "plan_id",
    sa.Column("pupil_id", sa.Uuid, nullable=False),
)
alerts = keyed_table(
    "chronology_alerts",
    "alert_id",
    sa.Column("pupil_id", sa.Uuid),  # none: the alert is about no one pupil
    sa.Column("kind", sa.String(40), nullable=False),
)
# Each session, once: the pupils' entries for it are made from this row when a
# chronology is read (most of the log is sessions; one row a session rather than
# one a pupil keeps a rebuild quick). Kept in order of intervention and date (on
# SQLite the table is that order itself), so a batch of sessions appends to a
# few pages. ``details`` and ``marks`` are the session as first recorded, which
# its entries show; ``now`` is the session as corrections have left it, which a
# later correction or a void compares with.
sessions = clustered_table(
    "chronology_sessions",
    sa.Column("intervention_id", sa.Uuid, primary_key=True),
    sa.Column("delivered_on", sa.Date, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("session_id", sa.Uuid, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("marks", sa.Text, nullable=False),  # "hex:status …"
    sa.Column("now", sa.Text),  # {"details": …, "marks": …} once corrected
)
assessments = keyed_table(
    "chronology_assessments",
    "assessment_id",
    sa.Column("instrument", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(200), nullable=False),
    sa.Column("scale", sa.String(30), nullable=False),
    sa.Column("first_assessed_on", sa.Date, nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("value", sa.Numeric(10, 2), nullable=False),
)
