"""Sampling the read models' tables for PostgreSQL's planner.

PostgreSQL plans each query from what it last sampled of the tables (``ANALYZE``).
After a rebuild or a long catch-up that describes tables that were empty, and until
autovacuum samples them again (a minute at best, never where it is off), a query
loops over thousands of rows the planner expects to be a handful: so the read models
sample them themselves (PostgreSQL manual, 14.4.9: "Run ANALYZE Afterwards"). SQLite
plans without.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa

log = logging.getLogger(__name__)

STATISTICS_AFTER = 10_000
"""A catch-up that takes in this many events samples the tables it filled; one of every
read model that finds the log this much longer than when this process last sampled them
samples them all. A school's rebuild is a hundred thousand events, a day's commands a few
hundred, and sampling every read model's tables at a school's size takes about a second
of the database's time (a rebuild of one read model samples its own: every one's took a
school's register from 0.5 s to 1.0 s)."""


def sample_tables(engine: sa.Engine, tables: Iterable[sa.Table]) -> bool:
    """``ANALYZE`` the tables on PostgreSQL. Answers whether they were sampled: not on
    SQLite, and not if the database refused (only the plans suffer, not what the read
    models hold, so that is a warning, and the next catch-up tries again)."""
    if engine.dialect.name != "postgresql":
        return False
    try:
        with engine.begin() as conn:
            schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(None)
            quote = conn.dialect.identifier_preparer.quote
            qualified = [f"{quote(schema)}.{quote(t.name)}" if schema else quote(t.name) for t in tables]
            conn.exec_driver_sql("ANALYZE " + ", ".join(qualified))
    except sa.exc.DBAPIError:
        log.warning("could not sample the read models' tables (ANALYZE)", exc_info=True)
        return False
    return True
