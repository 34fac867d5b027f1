"""What every read model is: tables, and a handler for each event it reads.

A projection's handlers do not execute SQL one statement at a time: they add
rows to a ``Batch``, which writes them with one ``executemany`` per statement
when the runner commits the batch together with its tracking position.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, NamedTuple, TypeVar

import sqlalchemy as sa
from eventsourcing.utils import get_topic
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

from apdr.projections.statements import (
    as_arrays,
    as_sqlalchemy_errors,
    each_row_once,
    named,
    prepared,
    row_insert,
    row_inserts,
    tally_update,
    update_where,
)

metadata = sa.MetaData()

Handler = Callable[[Any, Any, "Batch"], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes."""

    def mark(method: Handler) -> Handler:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


Q = TypeVar("Q", bound=Callable[..., Any])
T = TypeVar("T")


def reads(*read_models: str) -> Callable[[Q], Q]:
    """Declare the read models a query joins. ``ReadModels.ask`` catches each of them
    up before running it: a query that joins a read model behind the log would show
    a pupil's new session in one table and not yet in another."""

    def mark(query: Q) -> Q:
        query.READ_MODELS = read_models  # type: ignore[attr-defined]
        return query

    return mark


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while batches are applied.

    A batch holds a thousand decoded events and the rows made from them; with
    the collector running, it scans them again and again as they pile up,
    which costs a third of the time it takes to decode them. Nothing in a
    batch depends on cycles being collected, and the collector runs again
    as soon as the batch is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Projection:
    """A read model: its tables, and how each event changes them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[sa.Table, ...]]
    _handlers: ClassVar[dict[type, str]]
    _topics: ClassVar[tuple[str, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {
            event_class: attr
            for klass in reversed(cls.__mro__)
            for attr, value in vars(klass).items()
            for event_class in getattr(value, "__handles__", ())
        }
        cls._topics = tuple(sorted(get_topic(event_class) for event_class in cls._handlers))

    @classmethod
    def topics(cls) -> list[str]:
        return list(cls._topics)

    @classmethod
    def version(cls) -> str:
        """Changes whenever the tables' definitions or the handled events change,
        so that a new release rebuilds a read model whose shape it changed."""
        ddl = "".join(str(CreateTable(t).compile(dialect=sqlite.dialect())) for t in cls.tables)
        return hashlib.sha256((ddl + "|".join(cls.topics())).encode()).hexdigest()[:16]

    def handles(self, event: Any) -> bool:
        return type(event) in self._handlers

    def apply(self, event: Any, batch: Batch) -> None:
        getattr(self, self._handlers[type(event)])(event, batch)

    def reset(self) -> None:
        """Forget anything kept in memory between batches (called on rebuild and rollback)."""


# Statements, and how each is executed, are made once per process, not per batch.
_statements: dict[tuple[Any, ...], sa.Executable] = {}


def _row_key(table: sa.Table, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The primary key of the one row ``values`` names, or None if they name no one row."""
    columns = _primary_keys.get(table.name)
    if columns is None:
        columns = _primary_keys[table.name] = tuple(c.key for c in table.primary_key.columns)
    if not columns or any(c not in values for c in columns):
        return None
    return tuple(values[c] for c in columns)


_primary_keys: dict[str, tuple[str, ...]] = {}


class Tally:
    """A table of counts kept by adding to them (``Batch.add``), never by reading them back:
    its primary key, the columns added to, and the columns that keep the latest value."""

    def __init__(self, table: sa.Table, amounts: tuple[str, ...], latest: tuple[str, ...] = ()) -> None:
        self.table = table
        key = tuple(c.key for c in table.primary_key.columns)
        self.statement = tally_update(table, key, amounts, latest)
        self.names = (*(f"w_{k}" for k in key), *(f"v_{k}" for k in (*amounts, *latest)))
        self.amount_names = tuple(f"v_{k}" for k in amounts)
        self.latest_names = tuple(f"v_{k}" for k in latest)
        self.group = ("add", id(self))


class _Mergeable(NamedTuple):
    """Where a row's last write is in the batch; ``where`` is None for its INSERT."""

    group: int
    index: int
    where: dict[str, Any] | None
    whole_table_writes: int


class Batch:
    """The writes of one batch of events, grouped for ``executemany``.

    Writes to different rows commute, so a write joins the earlier group of
    the same statement unless something since has written to the same row (its
    primary key) or to the whole table (a write not by primary key). A batch of
    sessions makes one INSERT however the events interleave, and an UPDATE of a
    row still runs after the INSERT that made it.

    An UPDATE by primary key of a row whose last write in the batch was its
    INSERT, or another such UPDATE, is merged into that write: the row is
    written once.
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        # The log position of the event being applied, for read models that order by it.
        self.position = 0
        self._writes: list[tuple[sa.Executable, list[dict[str, Any]]]] = []
        self._group_of: dict[tuple[Any, ...], int] = {}
        self._last_to_table: dict[str, int] = {}
        self._last_to_whole_table: dict[str, int] = {}
        self._last_to_row: dict[tuple[str, tuple[Any, ...]], int] = {}
        # Per row, its last write while a later UPDATE of it by primary key may merge into it.
        self._mergeable: dict[tuple[str, tuple[Any, ...]], _Mergeable] = {}
        # Per row, its last write while it is an ``add`` a later ``add`` of the same columns may join.
        self._addable: dict[tuple[str, tuple[Any, ...]], tuple[Tally, _Mergeable]] = {}
        self._whole_table_writes: dict[str, int] = {}
        self._noted: dict[Hashable, Any] = {}

    def _add(
        self,
        key: tuple[Any, ...],
        table: str,
        build: Callable[[], sa.Executable],
        row: dict[str, Any],
        row_key: tuple[Any, ...] | None,
    ) -> tuple[int, int]:
        """Add a write; ``row_key`` is the primary key of the one row it writes,
        or None for a write that may touch any row of the table. Answers its group
        and its place in the group."""
        if row_key is None:
            self._whole_table_writes[table] = self._whole_table_writes.get(table, 0) + 1
        else:
            self._mergeable.pop((table, row_key), None)
            self._addable.pop((table, row_key), None)
        group = self._group_of.get(key)
        if group is not None and self._may_join(group, table, row_key):
            self._writes[group][1].append(row)
        else:
            statement = _statements.get(key)
            if statement is None:
                statement = _statements[key] = build()
            self._writes.append((statement, [row]))
            group = self._group_of[key] = len(self._writes) - 1
        self._last_to_table[table] = max(self._last_to_table.get(table, -1), group)
        if row_key is None:
            self._last_to_whole_table[table] = max(self._last_to_whole_table.get(table, -1), group)
        else:
            self._last_to_row[(table, row_key)] = max(self._last_to_row.get((table, row_key), -1), group)
        return group, len(self._writes[group][1]) - 1

    def _remember(
        self, table: str, row_key: tuple[Any, ...], at: tuple[int, int], where: Mapping[str, Any] | None
    ) -> None:
        """Let a later UPDATE of this row by primary key merge into the write just added at ``at``."""
        self._mergeable[(table, row_key)] = _Mergeable(*at, where, self._whole_table_writes.get(table, 0))

    def _merged(self, table: sa.Table, where: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
        """Merge an UPDATE by primary key into the row's last write in this batch, if
        nothing has written to that row or its whole table since: into the INSERT that
        made the row (its values replaced), or into the previous such UPDATE (one UPDATE
        setting both's columns, the later value winning). The result is the same row,
        with one write instead of two: on PostgreSQL, updates of a few rows over and over
        (the pupils) were most of the rows sent."""
        row_key = _row_key(table, where)
        pk = _primary_keys[table.name]
        if row_key is None or len(where) != len(pk) or not values.keys().isdisjoint(pk):
            return False
        last = self._mergeable.get((table.name, row_key))
        if last is None or last.whole_table_writes != self._whole_table_writes.get(table.name, 0):
            return False
        rows = self._writes[last.group][1]
        earlier = rows[last.index]
        assert earlier is not None
        if last.where is None:  # the INSERT: only columns it already sets, so that its statement holds
            if not values.keys() <= earlier.keys():
                return False
            rows[last.index] = {**earlier, **values}
            return True
        rows[last.index] = None  # type: ignore[call-overload]  # skipped by flush
        del self._mergeable[(table.name, row_key)]
        prefix = len("v_")
        self.update(
            table, last.where, {**{k[prefix:]: v for k, v in earlier.items() if k[:2] == "v_"}, **values}
        )
        return True

    def _may_join(self, group: int, table: str, row_key: tuple[Any, ...] | None) -> bool:
        if row_key is None:
            return self._last_to_table.get(table, -1) <= group
        return (
            self._last_to_row.get((table, row_key), -1) <= group
            and self._last_to_whole_table.get(table, -1) <= group
        )

    def insert(self, table: sa.Table, row: dict[str, Any]) -> None:
        row_key = _row_key(table, row)
        at = self._add(("insert", table.name, *row), table.name, lambda: row_insert(table), row, row_key)
        if row_key is not None:
            self._remember(table.name, row_key, at, None)

    def update(self, table: sa.Table, where: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """UPDATE table SET values WHERE every column in ``where`` equals its value."""
        if self._merged(table, where, values):
            return
        key = ("update", table.name, tuple(where), tuple(values))

        row_key = _row_key(table, where)

        def build() -> sa.Executable:
            by_primary_key = len(where) == len(_primary_keys[table.name]) and row_key is not None
            return update_where(table, tuple(where), tuple(values), by_primary_key=by_primary_key)

        at = self._add(
            key,
            table.name,
            build,
            {**{f"w_{k}": v for k, v in where.items()}, **{f"v_{k}": v for k, v in values.items()}},
            row_key,
        )
        if row_key is not None and len(where) == len(_primary_keys[table.name]):
            self._remember(table.name, row_key, at, dict(where))

    def delete(self, table: sa.Table, where: Mapping[str, Any]) -> None:
        key = ("delete", table.name, tuple(where))

        def build() -> sa.Executable:
            return table.delete().where(*(table.c[k] == sa.bindparam(f"w_{k}") for k in where))

        self._add(key, table.name, build, {f"w_{k}": v for k, v in where.items()}, _row_key(table, where))

    def add(
        self, tally: Tally, key: tuple[Any, ...], amounts: tuple[int, ...], latest: tuple[Any, ...] = ()
    ) -> None:
        """Add ``amounts`` to the tally row ``key`` (its primary key), and keep each of
        ``latest`` if later than what it holds. Successive adds to one row in a batch become
        one write (the amounts summed, the latest the latest) unless something else wrote
        the row or its table between them: a rebuild's batch of sessions adds to each
        pupil's tally once, not once per session."""
        table = tally.table.name
        earlier = self._addable.get((table, key))
        if (
            earlier is not None
            and earlier[0] is tally
            and earlier[1].whole_table_writes == self._whole_table_writes.get(table, 0)
        ):
            joined = self._writes[earlier[1].group][1][earlier[1].index]
            for name, amount in zip(tally.amount_names, amounts, strict=True):
                joined[name] += amount
            for name, value in zip(tally.latest_names, latest, strict=True):
                if value is not None and (joined[name] is None or joined[name] < value):
                    joined[name] = value
            return
        row = dict(zip(tally.names, (*key, *amounts, *latest), strict=True))
        at = self._add(tally.group, table, lambda: tally.statement, row, key)
        self._addable[(table, key)] = (tally, _Mergeable(*at, None, self._whole_table_writes.get(table, 0)))

    def execute(
        self, statement: sa.Update | sa.Delete, row: dict[str, Any], row_key: tuple[Any, ...] | None = None
    ) -> None:
        """A prepared UPDATE or DELETE of the projection's own (kept, not rebuilt,
        per event); give ``row_key`` when it writes only the row with that primary key."""
        table = statement.table.name  # type: ignore[attr-defined]
        self._add(("execute", id(statement)), table, lambda: statement, row, row_key)

    def read(self, statement: sa.Executable, *, send_first: bool = True) -> sa.CursorResult[Any]:
        """Query the read model as this batch has left it so far. ``send_first=False``: the
        caller knows nothing in the batch wrote what it reads (see ``note``), so the batch is
        not sent first: sent in pieces, a rebuild's batch loses what grouping its writes saves."""
        if send_first:
            self.flush()
        return self.connection.execute(statement)

    def note(self, key: Hashable, value: Any) -> None:
        """Keep what a handler has just written (``value``) under ``key`` until the batch is
        sent: a later handler that needs it back takes it from ``noted``, and, when every
        write of that thing is noted, one that finds nothing noted can read the table with
        ``send_first=False`` (``as_written`` does both)."""
        self._noted[key] = value

    def noted(self, key: Hashable) -> Any:
        """What was noted under ``key`` since the batch was last sent, or None."""
        return self._noted.get(key)

    def as_written(self, key: Hashable, query: sa.Select[Any], shape: Callable[[Any], T]) -> T | None:
        """A row whose every write is noted under ``key``, as last written: as noted, if this
        batch wrote it, or else as ``query`` reads it (made ``shape``) without sending the batch."""
        noted = self._noted.get(key)
        if noted is not None:
            return noted
        found = self.read(query, send_first=False).first()
        return None if found is None else shape(found)

    def flush(self, *, commit: bool = False) -> None:
        """Send the batch's writes, group after group, in the order they were made
        (less the updates merged into a later write). ``commit``: and then commit the
        connection's transaction (on PostgreSQL, in the same round trip); what commits
        it after finds nothing left to commit."""
        self._writes = [(s, kept) for s, rows in self._writes if (kept := [r for r in rows if r is not None])]
        dialect = self.connection.dialect
        if dialect.driver == "psycopg" and (self._writes or commit):
            self._flush_pipelined(commit)
        else:
            if dialect.name == "sqlite":
                self._flush_sqlite()
            else:
                for statement, rows in self._writes:
                    self.connection.execute(statement, rows)
            if commit:  # its errors as SQLAlchemy's, as when SQLAlchemy committed (a locked database: a 503)
                with as_sqlalchemy_errors(self.connection, "COMMIT"):
                    self.connection.connection.driver_connection.commit()  # type: ignore[union-attr]
        self._writes.clear()
        self._group_of.clear()
        self._last_to_table.clear()
        self._last_to_whole_table.clear()
        self._last_to_row.clear()
        self._mergeable.clear()
        self._addable.clear()
        self._whole_table_writes.clear()
        self._noted.clear()

    def _flush_sqlite(self) -> None:
        driver = self.connection.connection.driver_connection
        for statement, rows in self._writes:
            sql, columns = prepared(statement, self.connection.dialect, tuple(rows[0]))
            with as_sqlalchemy_errors(self.connection, sql):
                driver.executemany(  # type: ignore[union-attr]
                    sql, [tuple(convert(row.get(k, v)) for k, convert, v in columns) for row in rows]
                )

    def _flush_pipelined(self, commit: bool) -> None:
        """PostgreSQL: every group in one pipeline, so that the batch costs one round
        trip; a group of inserts, or of updates of different rows by primary key, as
        one statement over arrays of its rows' values; any other, its statement once
        per row.

        Through SQLAlchemy each group was its own round trip, and an INSERT group
        was sent as one multi-row VALUES statement whose text differs with its
        length, so psycopg parsed it afresh every time (a quarter of a rebuild).
        """
        driver = self.connection.connection.driver_connection
        with driver.pipeline(), driver.cursor() as cursor:  # type: ignore[union-attr]
            for statement, rows in self._writes:
                arrays = len(rows) > 1 and (id(statement) in row_inserts or each_row_once(statement, rows))
                if arrays:
                    statement, rows = as_arrays(statement, rows)
                sql, params = named(statement, self.connection, tuple(rows[0]), binary=arrays)
                cursor.executemany(
                    sql, [{name: convert(row.get(k, v)) for name, k, convert, v in params} for row in rows]
                )
            if commit:
                driver.commit()  # type: ignore[union-attr]  # queued after the writes: one round trip


def drop_and_create(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    tables = list(tables)
    for table in reversed(tables):
        table.drop(connection, checkfirst=True)
    for table in tables:
        table.create(connection)
