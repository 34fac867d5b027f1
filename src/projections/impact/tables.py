"""The impact read model's own tables: the assessments, and each pair's latest baseline and exit."""

from __future__ import annotations

import sqlalchemy as sa

from apdr.projections.columns import clustered_table, uuid_key

# Keyed by pupil (and clustered so on SQLite): the report reads a setting's
# pupils' assessments, and a correction names its pupil.
assessments = clustered_table(
    "impact_assessments",
    *uuid_key("pupil_id", "assessment_id"),
    sa.Column("intervention_id", sa.Uuid),
    sa.Column("instrument", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(200), nullable=False),
    sa.Column("scale", sa.String(30), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("value", sa.Numeric(10, 2), nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    # Where it was recorded in the log: of two taken the same day, the later recorded is the latest.
    sa.Column("position", sa.BigInteger, nullable=False),
)
# Each pupil's latest baseline and latest exit per intervention, instrument, measure
# and scale ("latest": by date, then by position in the log), so that the report
# reads a row a pair, not every assessment. They make a pair when the exit is the
# later of the two.
latest = clustered_table(
    "impact_latest",
    *uuid_key("pupil_id", "intervention_id"),
    sa.Column("instrument", sa.String(200), primary_key=True),
    sa.Column("measure", sa.String(200), primary_key=True),
    sa.Column("scale", sa.String(30), primary_key=True),
    *(
        column
        for kind in ("baseline", "exit")
        for column in (
            sa.Column(kind, sa.Numeric(10, 2)),
            sa.Column(f"{kind}_on", sa.Date),
            sa.Column(f"{kind}_at", sa.BigInteger),
        )
    ),
)
PAIRED = ("baseline", "exit")
