"""Who holds training in date, for the two policies about trained staff."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import sqlalchemy as sa

from apdr.projections.monitoring import training
from apdr.projections.provision_map import staff


def trained_staff(conn: sa.Connection, setting_id: UUID, on: date) -> dict[str, dict[UUID, str]]:
    """programme key -> {staff id: name} of the setting's staff trained on ``on``:
    completed by then and not expired (Core Standard Five descriptor 6: staff delivering
    interventions are trained "and their training is up to date")."""
    rows = conn.execute(
        sa.select(training.c.programme_key, staff.c.staff_id, staff.c.name)
        .join(staff, staff.c.staff_id == training.c.staff_id)
        .where(
            staff.c.setting_id == setting_id,
            training.c.completed_on <= on,
            sa.or_(training.c.expires_on.is_(None), training.c.expires_on >= on),
        )
    )
    found: dict[str, dict[UUID, str]] = {}
    for r in rows:
        found.setdefault(r.programme_key, {})[r.staff_id] = r.name
    return found


def lapsed_on(conn: sa.Connection, staff_id: UUID, programme_key: str, on: date) -> date | None:
    """When the member of staff's training in the programme expired, if it had by ``on``."""
    return conn.execute(
        sa.select(sa.func.max(training.c.expires_on)).where(
            training.c.staff_id == staff_id,
            training.c.programme_key == programme_key,
            training.c.expires_on < on,
        )
    ).scalar()
