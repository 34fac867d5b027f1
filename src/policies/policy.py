"""What every policy is made of.

A policy module names the alert ``KIND`` it raises, its ``THRESHOLDS`` (each
with a default and the reason for it), the ``READ_MODELS`` it reads, and one
function, ``causes(context)``, that answers every cause for alarm in one
setting as of one date. A policy only reads: the runner compares its causes
with the alerts already recorded and raises or resolves them.

"As of" a date means with everything that had happened by the end of that
day: sessions delivered, reviews held, training completed on or before it.
Events dated later are left out, so a run can be repeated for a past date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.school_year import SchoolCalendar
from apdr.projections.provision_map import interventions
from apdr.projections.pupils import pupils


@dataclass(frozen=True)
class Threshold:
    """A per-setting setting of a policy, with the default apdr starts from.

    ``source`` says where the default comes from: the document and paragraph
    ("Code of Practice 6.65"), or "apdr's default: <why>" where it is our own choice."""

    name: str
    default: int
    minimum: int
    maximum: int
    unit: str
    description: str
    source: str


@dataclass(frozen=True)
class Cause:
    """Something a SENCO should act on. ``subject`` is stable for as long as
    the same thing is wrong, so the alert it raises has the same id each run."""

    subject: str
    summary: str
    pupil_id: UUID | None = None
    intervention_id: UUID | None = None
    plan_id: UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a policy is given: the read models, one setting, its calendar
    (covering at least the year before ``as_of``), its thresholds and the date."""

    conn: sa.Connection
    setting_id: UUID
    calendar: SchoolCalendar
    thresholds: Mapping[str, int]
    as_of: date

    def days_ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)


def on_roll(as_of: date) -> sa.ColumnElement[bool]:
    """A pupil who had joined the setting by ``as_of`` and not left it."""
    return sa.and_(
        pupils.c.admitted_on <= as_of, sa.or_(pupils.c.left_on.is_(None), pupils.c.left_on > as_of)
    )


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def running(starts_on: Any, ended_on: Any, as_of: date) -> sa.ColumnElement[bool]:
    """Started by the end of ``as_of`` and not ended by then."""
    return sa.and_(starts_on <= as_of, sa.or_(ended_on.is_(None), ended_on > as_of))


def running_interventions(context: Context, *columns: str) -> sa.CursorResult[Any]:
    """The setting's interventions running on the as-of date: the columns named (every column if none is)."""
    i = interventions.c
    chosen = [i[name] for name in columns] or [interventions]
    return context.conn.execute(
        sa.select(*chosen).where(
            i.setting_id == context.setting_id, running(i.starts_on, i.ended_on, context.as_of)
        )
    )


def day(d: date) -> str:
    """A date as a SENCO writes it: 21 Sep 2026."""
    return f"{d.day} {d:%b %Y}"
