"""Column sets that several read models' tables share, made by one function each.

Each function returns new ``sa.Column`` objects (a column belongs to one
table), in the order the tables list them: a table's DDL, and so its
projection's ``version()``, is the same as when the columns were written out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from apdr.projections.projection import metadata


def clustered_table(name: str, *columns: sa.Column[Any] | sa.Index) -> sa.Table:
    """A table kept in the order of its primary key: on SQLite the table is that
    order itself (WITHOUT ROWID), so rows written together land on few pages."""
    return sa.Table(name, metadata, *columns, sqlite_with_rowid=False)


def uuid_key(*names: str) -> list[sa.Column[Any]]:
    """A primary key of these id columns, in this order."""
    return [sa.Column(name, sa.Uuid, primary_key=True) for name in names]


def ordered_key(owner: str, *, autoincrement: bool | str = "auto") -> list[sa.Column[Any]]:
    """The primary key of rows kept under their owner in log order: the owner's id, then the position."""
    return [
        sa.Column(owner, sa.Uuid, primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=autoincrement),
    ]


def pupil_identity() -> list[sa.Column[Any]]:
    """Who a pupil is, as registered: their id, setting, UPN, names and date of birth."""
    return [
        sa.Column("pupil_id", sa.Uuid, primary_key=True),
        sa.Column("setting_id", sa.Uuid, nullable=False, index=True),
        sa.Column("upn", sa.String(13), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
    ]


def pupil_identity_row(e: Any) -> dict[str, Any]:
    """The ``pupil_identity`` columns' values from a ``Pupil.Registered`` event."""
    details = ("upn", "given_name", "family_name", "date_of_birth")
    return {"pupil_id": e.originator_id, "setting_id": e.setting_id, **{k: getattr(e, k) for k in details}}


def pupil_history(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table of one kind of fact about a pupil, a row for each pupil version that
    recorded one: kept in that order under the pupil (on SQLite the table is that
    order itself)."""
    return clustered_table(
        name,
        sa.Column("pupil_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        *columns,
    )


def pupil_history_row(e: Any, **values: Any) -> dict[str, Any]:
    """A ``pupil_history`` row for a pupil's event: its pupil and version, then ``values``."""
    return {"pupil_id": e.originator_id, "version": e.originator_version, **values}


def milestone_columns() -> list[sa.Column[Any]]:
    """An EHCP milestone reached, and the day it was."""
    return [
        sa.Column("milestone", sa.String(30), nullable=False),
        sa.Column("reached_on", sa.Date, nullable=False),
    ]


def keyed_table(name: str, key: str, *columns: sa.Column[Any] | sa.Index) -> sa.Table:
    """A table with one row for each ``key``: an id column, its primary key, then ``columns``."""
    return sa.Table(name, metadata, sa.Column(key, sa.Uuid, primary_key=True), *columns)
