"""What every read model is: tables, and a handler for each event it reads.

A projection's handlers do not execute SQL one statement at a time: they add
rows to a ``Batch``, which writes them with one ``executemany`` per statement
when the runner commits the batch together with its tracking position.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from eventsourcing.utils import get_topic
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

metadata = sa.MetaData()

Handler = Callable[[Any, Any, "Batch"], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes."""

    def mark(method: Handler) -> Handler:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


Q = TypeVar("Q", bound=Callable[..., Any])


def reads(*read_models: str) -> Callable[[Q], Q]:
    """Declare the read models a query joins. ``ReadModels.ask`` catches each of them
    up before running it: a query that joins a read model behind the log would show
    a pupil's new session in one table and not yet in another."""

    def mark(query: Q) -> Q:
        query.READ_MODELS = read_models  # type: ignore[attr-defined]
        return query

    return mark


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
_plans: dict[tuple[Any, ...], tuple[str, list[tuple[str, Callable[[Any], Any], Any]]]] = {}


def _as_is(value: Any) -> Any:
    return value


def _prepared(
    statement: sa.Executable, dialect: sa.Dialect, keys: tuple[str, ...]
) -> tuple[str, list[tuple[str, Callable[[Any], Any], Any]]]:
    """The statement's SQL and, for each of its parameters in order, the row key,
    the column type's own conversion to what the driver takes, and the value of
    a parameter fixed in the statement.

    SQLite's ``executemany`` is fast C; SQLAlchemy's general per-row parameter
    handling around it costs more than the insert itself, so a batch is sent
    through the compiled statement with just these conversions.
    """
    key = (id(statement), dialect.name, keys)
    plan = _plans.get(key)
    if plan is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        columns = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            columns.append((bind.key, bind.type.bind_processor(dialect) or _as_is, bind.value))
        plan = _plans[key] = (compiled.string, columns)
    return plan


def _row_key(table: sa.Table, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The primary key of the one row ``values`` names, or None if they name no one row."""
    columns = _primary_keys.get(table.name)
    if columns is None:
        columns = _primary_keys[table.name] = tuple(c.key for c in table.primary_key.columns)
    if not columns or any(c not in values for c in columns):
        return None
    return tuple(values[c] for c in columns)


_primary_keys: dict[str, tuple[str, ...]] = {}


class Batch:
    """The writes of one batch of events, grouped for ``executemany``.

    Writes to different rows commute, so a write joins the earlier group of
    the same statement unless something since has written to the same row (its
    primary key) or to the whole table (a write not by primary key). A batch of
    sessions makes one INSERT however the events interleave, and an UPDATE of a
    row still runs after the INSERT that made it.
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

    def _add(
        self,
        key: tuple[Any, ...],
        table: str,
        build: Callable[[], sa.Executable],
        row: dict[str, Any],
        row_key: tuple[Any, ...] | None,
    ) -> None:
        """Add a write; ``row_key`` is the primary key of the one row it writes,
        or None for a write that may touch any row of the table."""
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

    def _may_join(self, group: int, table: str, row_key: tuple[Any, ...] | None) -> bool:
        if row_key is None:
            return self._last_to_table.get(table, -1) <= group
        return (
            self._last_to_row.get((table, row_key), -1) <= group
            and self._last_to_whole_table.get(table, -1) <= group
        )

    def insert(self, table: sa.Table, row: dict[str, Any]) -> None:
        self._add(("insert", table.name, *row), table.name, table.insert, row, _row_key(table, row))

    def update(self, table: sa.Table, where: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """UPDATE table SET values WHERE every column in ``where`` equals its value."""
        key = ("update", table.name, tuple(where), tuple(values))

        def build() -> sa.Executable:
            return (
                table.update()
                .where(*(table.c[k] == sa.bindparam(f"w_{k}") for k in where))
                .values({k: sa.bindparam(f"v_{k}") for k in values})
            )

        self._add(
            key,
            table.name,
            build,
            {**{f"w_{k}": v for k, v in where.items()}, **{f"v_{k}": v for k, v in values.items()}},
            _row_key(table, where),
        )

    def delete(self, table: sa.Table, where: Mapping[str, Any]) -> None:
        key = ("delete", table.name, tuple(where))

        def build() -> sa.Executable:
            return table.delete().where(*(table.c[k] == sa.bindparam(f"w_{k}") for k in where))

        self._add(key, table.name, build, {f"w_{k}": v for k, v in where.items()}, _row_key(table, where))

    def execute(
        self, statement: sa.Update | sa.Delete, row: dict[str, Any], row_key: tuple[Any, ...] | None = None
    ) -> None:
        """A prepared UPDATE or DELETE of the projection's own (kept, not rebuilt,
        per event); give ``row_key`` when it writes only the row with that primary key."""
        table = statement.table.name  # type: ignore[attr-defined]
        self._add(("execute", id(statement)), table, lambda: statement, row, row_key)

    def read(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        """Query the read model as this batch has left it so far."""
        self.flush()
        return self.connection.execute(statement)

    def flush(self) -> None:
        fast = self.connection.dialect.name == "sqlite"
        for statement, rows in self._writes:
            if fast:
                sql, columns = _prepared(statement, self.connection.dialect, tuple(rows[0]))
                self.connection.exec_driver_sql(
                    sql, [tuple(convert(row.get(k, v)) for k, convert, v in columns) for row in rows]
                )
            else:
                # PostgreSQL: SQLAlchemy sends the rows as multi-row INSERT ... VALUES.
                self.connection.execute(statement, rows)
        self._writes.clear()
        self._group_of.clear()
        self._last_to_table.clear()
        self._last_to_whole_table.clear()
        self._last_to_row.clear()


def drop_and_create(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    tables = list(tables)
    for table in reversed(tables):
        table.drop(connection, checkfirst=True)
    for table in tables:
        table.create(connection)
