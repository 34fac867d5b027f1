"""Reading a pupil's chronology: their own entries, the entries about an
intervention on the days they were enrolled in it, and the sessions they were
marked in, in the order things happened."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.codes import AttendanceStatus
from apdr.projections.chronology.sessions import read_marks
from apdr.projections.chronology.tables import (
    enrolments,
    entries,
    intervention_entries,
    interventions,
    sessions,
)
from apdr.projections.chronology.wording import attended
from apdr.projections.projection import reads

_SHOWN = ("occurred_on", "recorded_at", "position", "recorded_by", "kind", "summary", "data")


def _no_session() -> list[Any]:
    """What an entry that is not a session has in the session columns: nothing."""
    return [
        sa.cast(sa.null(), sa.Integer).label("minutes"),
        sa.cast(sa.null(), sa.String).label("name"),
        sa.cast(sa.null(), sa.Text).label("marks"),
    ]


def _pupil_entries(pupil_id: UUID) -> sa.Select[Any]:
    return sa.select(*(entries.c[c] for c in _SHOWN), *_no_session()).where(entries.c.pupil_id == pupil_id)


def _entries_while_enrolled(pupil_id: UUID) -> sa.Select[Any]:
    """Entries about an intervention, on a day the pupil was enrolled in it."""
    about, span = intervention_entries, enrolments
    return (
        sa.select(*(about.c[c] for c in _SHOWN), *_no_session())
        .join(
            span,
            sa.and_(
                span.c.intervention_id == about.c.intervention_id,
                about.c.occurred_on >= span.c.starts_on,
                sa.or_(span.c.ends_on.is_(None), about.c.occurred_on <= span.c.ends_on),
            ),
        )
        .where(span.c.pupil_id == pupil_id)
    )


def _sessions_of(pupil_id: UUID) -> sa.Select[Any]:
    """The sessions the pupil was marked in, as first recorded: their entries
    are made from these rows as they are read (``_session_entry``)."""
    s = sessions.c
    return (
        sa.select(
            s.delivered_on.label("occurred_on"),
            s.recorded_at,
            s.position,
            s.recorded_by,
            sa.literal("session", sa.String).label("kind"),
            sa.cast(sa.null(), sa.Text).label("summary"),
            s.details.label("data"),
            s.minutes,
            interventions.c.name,
            s.marks,
        )
        .join(interventions, interventions.c.intervention_id == s.intervention_id)
        .where(
            s.intervention_id.in_(
                sa.select(enrolments.c.intervention_id).where(enrolments.c.pupil_id == pupil_id)
            ),
            s.marks.contains(f"{pupil_id.hex}:"),
        )
    )


def _rows(conn: sa.Connection, pupil_id: UUID, limit: int | None, offset: int) -> Iterator[Any]:
    """The pupil's entries in the order things happened (then as recorded, then
    their place in the log), read from a server-side cursor a few hundred at a time."""
    every = sa.union_all(
        _pupil_entries(pupil_id), _entries_while_enrolled(pupil_id), _sessions_of(pupil_id)
    ).subquery()
    query = (
        sa.select(every)
        .order_by(every.c.occurred_on, every.c.recorded_at, every.c.position)
        .offset(offset)
        .limit(limit)
        .execution_options(yield_per=500)
    )
    for row in conn.execute(query):
        yield _session_entry(row, pupil_id) if row.marks is not None else row


@dataclass(frozen=True)
class _Entry:
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    kind: str
    summary: str
    data: str


def _session_entry(row: Any, pupil_id: UUID) -> _Entry:
    """This pupil's entry for a session: their own mark, in words and in the data."""
    status = AttendanceStatus(read_marks(row.marks)[pupil_id])
    return _Entry(
        row.occurred_on,
        row.recorded_at,
        row.recorded_by,
        "session",
        attended(row.name, row.minutes, status),
        f'{row.data[:-1]},"status":"{status.value}"}}',
    )


@reads("chronology")
def pupil_chronology_length(conn: sa.Connection, pupil_id: UUID) -> int:
    """How many entries the pupil's chronology has (a page shows the latest and says how many more)."""
    every = sa.union_all(
        _pupil_entries(pupil_id), _entries_while_enrolled(pupil_id), _sessions_of(pupil_id)
    ).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(every)).scalar_one())


@reads("chronology")
def pupil_chronology(
    conn: sa.Connection, pupil_id: UUID, *, limit: int | None = None, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """The pupil's entries, in order, each as a dict."""
    for row in _rows(conn, pupil_id, limit, offset):
        yield {
            "occurred_on": row.occurred_on,
            "recorded_at": _utc(row.recorded_at),
            "recorded_by": row.recorded_by,
            "kind": row.kind,
            "summary": row.summary,
            "data": json.loads(row.data),
        }


@reads("chronology")
def pupil_chronology_json(
    conn: sa.Connection, pupil_id: UUID, *, limit: int | None = None, offset: int = 0
) -> Iterator[str]:
    """The same entries, each as a JSON object, its data written as it was stored:
    a long chronology streams without being decoded and encoded again."""
    text = json.JSONEncoder(ensure_ascii=False).encode
    for row in _rows(conn, pupil_id, limit, offset):
        yield (
            f'{{"occurred_on":"{row.occurred_on.isoformat()}",'
            f'"recorded_at":"{_utc(row.recorded_at).isoformat()}",'
            f'"recorded_by":{text(row.recorded_by)},"kind":"{row.kind}",'
            f'"summary":{text(row.summary)},"data":{row.data}}}'
        )


def _utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC time it was given without its zone; PostgreSQL, in the session's."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@reads("chronology")
def pupil_entries_of_kinds(conn: sa.Connection, pupil_id: UUID, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """The pupil's own entries of these kinds (advice received, concerns raised…),
    in the order things happened (then as recorded, then their place in the log),
    each with its ``data`` decoded: what the event said."""
    rows = conn.execute(
        sa.select(*(entries.c[c] for c in ("occurred_on", "recorded_at", "recorded_by", "kind", "data")))
        .where(entries.c.pupil_id == pupil_id, entries.c.kind.in_(list(kinds)))
        .order_by(entries.c.occurred_on, entries.c.recorded_at, entries.c.position)
    )
    return [
        {
            "occurred_on": row.occurred_on,
            "recorded_at": _utc(row.recorded_at),
            "recorded_by": row.recorded_by,
            "kind": row.kind,
            "data": json.loads(row.data),
        }
        for row in rows
    ]
