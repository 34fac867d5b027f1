"""Each read model's position in the notification log: the last notification it has
taken into account, moved in the same transaction as the writes it made of them.

The statements are made once: building one per catch-up costs more than running it,
and the driver path (``statements.fetch``, ``Batch``) prepares them by identity.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from apdr.projections.projection import metadata
from apdr.projections.statements import update_where

positions = sa.Table(
    "projection_positions",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("version", sa.String(32), nullable=False),
)

ALL_POSITIONS = sa.select(positions.c.name, positions.c.position)
ALL_POSITIONS_LOCKED = ALL_POSITIONS.order_by(positions.c.name).with_for_update()
FREE_POSITIONS = ALL_POSITIONS.with_for_update(skip_locked=True)
"""A command's transaction takes in its events for the read models no one else is
catching up just now; one being caught up catches up on these events after."""

MOVE_POSITIONS = (
    positions.update()
    .where(positions.c.name.in_(sa.bindparam("names", expanding=True)))
    .values(position=sa.bindparam("reached"))
)
MOVE_POSITION = update_where(positions, ("name",), ("position",), by_primary_key=True)
"""A command moves every current read model's position in its batch, one row each:
sent as one group (on PostgreSQL, one statement over arrays), without the batch's
merging of updates, which a position (written once a batch) never needs."""

_positions_and_end: dict[str, sa.Select[Any]] = {}


def positions_and_end(last_id_sql: str) -> sa.Select[Any]:
    """Every read model's position, each beside the log's last id (``last_id_sql``,
    the recorder's own SELECT): one statement for each events table (its schema)."""
    statement = _positions_and_end.get(last_id_sql)
    if statement is None:
        end: sa.ColumnClause[Any] = sa.literal_column(f"({last_id_sql})")
        statement = _positions_and_end[last_id_sql] = sa.select(positions.c.name, positions.c.position, end)
    return statement
