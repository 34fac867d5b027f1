"""A projection process that dies at a chosen point, as a kill -9 would leave it."""

from __future__ import annotations

import os

import sqlalchemy as sa

from apdr.projections.projection import Projection
from apdr.runtime import Apdr
from tests.conftest import fast_settings

KILLED_MID_BATCH, KILLED_AT_COMMIT = 70, 71


def catch_up_until_killed(database_url: str, schema: str, mode: str, at: int, batch_size: int) -> None:
    """Run the projections, and die without cleaning up at the ``at``-th event
    applied (mode 'event') or the ``at``-th commit (mode 'commit')."""
    apdr = Apdr.open(fast_settings(database_url=database_url, database_schema=schema))
    apdr.read_models.batch_size = batch_size
    seen = 0

    if mode == "event":
        original = Projection.apply

        def apply(self: Projection, event: object, batch: object) -> None:
            nonlocal seen
            seen += 1
            if seen == at:
                os._exit(KILLED_MID_BATCH)
            original(self, event, batch)  # type: ignore[arg-type]

        Projection.apply = apply  # type: ignore[method-assign]
    else:

        @sa.event.listens_for(apdr.engine, "commit")
        def commit(conn: sa.Connection) -> None:
            nonlocal seen
            seen += 1
            if seen == at:
                os._exit(KILLED_AT_COMMIT)

    apdr.read_models.catch_up()
    os._exit(0)
