"""Whose records a teaching assistant may read: a query over the provision map's tables."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import sqlalchemy as sa

from apdr.projections.projection import reads
from apdr.projections.provision_map import assignments, enrolments


@reads("provision_map")
def pupils_in_reach(conn: sa.Connection, staff_id: UUID | None, on: date) -> frozenset[UUID]:
    """The pupils enrolled, on ``on`` or from a later date, in an intervention
    ``staff_id`` is assigned to: the pupils a teaching assistant works with."""
    if staff_id is None:
        return frozenset()
    rows = conn.execute(
        sa.select(enrolments.c.pupil_id)
        .distinct()
        .join(assignments, assignments.c.intervention_id == enrolments.c.intervention_id)
        .where(
            assignments.c.staff_id == staff_id,
            sa.or_(enrolments.c.ends_on.is_(None), enrolments.c.ends_on >= on),
        )
    )
    return frozenset(rows.scalars())
