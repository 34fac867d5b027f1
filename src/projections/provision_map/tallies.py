"""Keeping the provision map's tallies as sessions are delivered, corrected and voided:
each pupil's sessions marked and attended per intervention (``attendance``), and each
intervention's sessions delivered.

A tally changes by adding to what is there (``Batch.add``), never by reading it back,
so a batch of sessions adds to each pupil's tally once however the sessions interleave.
Only a correction or a void reads: the old marks it takes back out are the session's
row as last written.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

import sqlalchemy as sa

from apdr.projections.projection import Batch, Tally
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


_marks = Tally(attendance, ("marked", "attended"), latest=("last_on",))
_delivered = Tally(interventions, ("sessions_delivered",))


def open_tally(batch: Batch, intervention_id: UUID, pupil_id: UUID, starts_on: date) -> None:
    """A pupil enrolled: their row, if this is their first enrolment in the intervention."""
    row = {"o_intervention_id": intervention_id, "o_pupil_id": pupil_id, "o_first_on": starts_on}
    batch.execute(_open, row, (intervention_id, pupil_id))


def count_marks(batch: Batch, intervention_id: UUID, delivered_on: date, marks: str, sign: int = 1) -> None:
    """Add a session's ``marks`` (``sign`` -1: take them back out) and the session itself."""
    for pupil_id, attended in read_marks(marks):
        # The last day marked stays when a session is taken out: a window checks the marks.
        batch.add(_marks, (intervention_id, pupil_id), (sign, sign * attended), (delivered_on,))
    batch.add(_delivered, (intervention_id,), (sign,))


class SessionMarks(NamedTuple):
    """A session's row as last written, as far as its marks go."""

    delivered_on: date
    marks: str
    voided: bool


def note_session(batch: Batch, intervention_id: UUID, session_id: UUID, written: SessionMarks) -> None:
    """Every write of a session's row is noted, so that ``uncount_session`` need not send the batch."""
    batch.note((sessions.name, intervention_id, session_id), written)


def uncount_session(batch: Batch, intervention_id: UUID, session_id: UUID) -> SessionMarks | None:
    """Take a session's marks, as last written, back out (before a correction or a void),
    and answer them. Written in this batch, they were noted; if not, the table has them as
    last written, and is read without sending the batch first."""
    found = batch.as_written(
        (sessions.name, intervention_id, session_id),
        sa.select(sessions.c.delivered_on, sessions.c.marks, sessions.c.voided).where(
            sessions.c.intervention_id == intervention_id, sessions.c.session_id == session_id
        ),
        SessionMarks._make,
    )
    if found is not None and not found.voided:
        count_marks(batch, intervention_id, found.delivered_on, found.marks, sign=-1)
    return found
