"""Keeping the provision map's tallies as sessions are delivered, corrected and voided:
each pupil's sessions marked and attended per intervention (``attendance``), and each
intervention's sessions delivered.

A tally changes by adding to what is there, never by reading it back, so a batch of
sessions is one UPDATE per mark however they interleave. Only a correction or a void
reads: the old marks it takes back out are the session's row as last written.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import sqlalchemy as sa

from apdr.projections.projection import Batch
from apdr.projections.provision_map.tables import attendance, interventions, read_marks, sessions

# Made on a pupil's first enrolment, and left alone on a later one.
_open = attendance.insert().from_select(
    ["intervention_id", "pupil_id", "marked", "attended", "first_on"],
    sa.select(
        sa.bindparam("o_intervention_id", type_=sa.Uuid),
        sa.bindparam("o_pupil_id", type_=sa.Uuid),
        sa.literal(0),
        sa.literal(0),
        sa.bindparam("o_first_on", type_=sa.Date),
    ).where(
        ~sa.exists().where(
            attendance.c.intervention_id == sa.bindparam("o_intervention_id", type_=sa.Uuid),
            attendance.c.pupil_id == sa.bindparam("o_pupil_id", type_=sa.Uuid),
        )
    ),
)

_add = (
    attendance.update()
    .where(
        attendance.c.intervention_id == sa.bindparam("w_intervention_id"),
        attendance.c.pupil_id == sa.bindparam("w_pupil_id"),
    )
    .values(
        marked=attendance.c.marked + sa.bindparam("v_marked", type_=sa.Integer),
        attended=attendance.c.attended + sa.bindparam("v_attended", type_=sa.Integer),
        last_on=sa.case(
            (
                sa.or_(
                    attendance.c.last_on.is_(None),
                    attendance.c.last_on < sa.bindparam("v_on", type_=sa.Date),
                ),
                sa.bindparam("v_on", type_=sa.Date),
            ),
            else_=attendance.c.last_on,
        ),
    )
)

_count_delivered = (
    interventions.update()
    .where(interventions.c.intervention_id == sa.bindparam("w_intervention_id"))
    .values(
        sessions_delivered=interventions.c.sessions_delivered + sa.bindparam("v_sessions", type_=sa.Integer)
    )
)


def open_tally(batch: Batch, intervention_id: UUID, pupil_id: UUID, starts_on: date) -> None:
    """A pupil enrolled: their row, if this is their first enrolment in the intervention."""
    row = {"o_intervention_id": intervention_id, "o_pupil_id": pupil_id, "o_first_on": starts_on}
    batch.execute(_open, row, (intervention_id, pupil_id))


def count_marks(batch: Batch, intervention_id: UUID, delivered_on: date, marks: str, sign: int = 1) -> None:
    """Add a session's ``marks`` (``sign`` -1: take them back out) and the session itself."""
    for pupil_id, attended in read_marks(marks):
        batch.execute(
            _add,
            {
                "w_intervention_id": intervention_id,
                "w_pupil_id": pupil_id,
                "v_marked": sign,
                "v_attended": sign * attended,
                "v_on": delivered_on,
            },
            (intervention_id, pupil_id),
        )
    session = {"w_intervention_id": intervention_id, "v_sessions": sign}
    batch.execute(_count_delivered, session, (intervention_id,))


def uncount_session(batch: Batch, intervention_id: UUID, session_id: UUID) -> None:
    """Take a session's marks, as last recorded, back out (before a correction or a void)."""
    found = batch.read(
        sa.select(sessions.c.delivered_on, sessions.c.marks, sessions.c.voided).where(
            sessions.c.intervention_id == intervention_id, sessions.c.session_id == session_id
        )
    ).first()
    if found is not None and not found.voided:
        count_marks(batch, intervention_id, found.delivered_on, found.marks, sign=-1)
