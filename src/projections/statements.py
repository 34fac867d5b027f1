"""The statements a ``Batch`` sends, prepared once each: the SQL and, per parameter, the
conversion its column type needs; and, for PostgreSQL, each group of a batch as one
statement over arrays of its rows' values (``unnest``). Also ``fetch``, the read of the
read models' positions that every command and every query makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

_plans: dict[tuple[Any, ...], tuple[str, list[tuple[str, Callable[[Any], Any], Any]]]] = {}


def _as_is(value: Any) -> Any:
    return value


def prepared(
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


def fetch(connection: sa.Connection, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a query without parameters that every command and every query makes
    (the read models' positions), sent to the driver as SQL compiled once: SQLAlchemy's
    execution (its events, its result's metadata) took 40-50 µs a time on SQLite, five
    times the statement's own, and 0.1 ms on PostgreSQL."""
    sql, _ = named(statement, connection, ())
    with as_sqlalchemy_errors(connection, sql):
        return connection.connection.driver_connection.execute(sql).fetchall()  # type: ignore[union-attr]


@contextmanager
def as_sqlalchemy_errors(connection: sa.Connection, sql: str) -> Iterator[None]:
    """The driver's errors from SQL sent to it directly, raised as SQLAlchemy raises them
    (so a locked database is still an ``OperationalError``, a 503)."""
    base = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except base as error:
        raise sa.exc.DBAPIError.instance(sql, None, error, base, hide_parameters=True) from error


def row_insert(table: sa.Table) -> sa.Insert:
    """``table.insert()``, known to ``as_arrays`` as one that takes its rows' values as they are."""
    statement = table.insert()
    row_inserts.add(id(statement))
    return statement


row_inserts: set[int] = set()


def update_where(
    table: sa.Table, where: tuple[str, ...], values: tuple[str, ...], *, by_primary_key: bool = False
) -> sa.Update:
    """UPDATE table SET values WHERE each of ``where`` matches, its parameters named as
    ``Batch.update`` names them (``w_``, ``v_``); ``by_primary_key``: ``where`` is the
    primary key, and ``as_arrays`` may send a group of them as one statement."""
    statement = (
        table.update()
        .where(*(table.c[k] == sa.bindparam(f"w_{k}") for k in where))
        .values({k: sa.bindparam(f"v_{k}") for k in values})
    )
    if by_primary_key:
        row_updates[id(statement)] = (table, where, values)
    return statement


def each_row_once(statement: sa.Executable, rows: list[dict[str, Any]]) -> bool:
    """Whether this is a group of ``Batch.update``s by primary key, each of a different
    row, so that the order they run in does not matter."""
    update = row_updates.get(id(statement)) or _row_adds.get(id(statement))
    if update is None:
        return False
    where = [f"w_{k}" for k in update[1]]
    return len({tuple(row[k] for k in where) for row in rows}) == len(rows)


def as_arrays(
    statement: sa.Executable, rows: list[dict[str, Any]]
) -> tuple[sa.Executable, list[dict[str, Any]]]:
    """A group of inserts, or of updates of different rows by primary key, as one
    statement reading the rows' values from arrays (``unnest``): one statement whatever
    the number of rows, its text the same for every batch (so psycopg parses it once,
    and the server prepares it), instead of a statement per row."""
    keys = tuple(rows[0])
    arrays = _array_statements.get((id(statement), keys))
    if arrays is None:
        if id(statement) in row_updates:
            arrays = _array_update(*row_updates[id(statement)])
        elif id(statement) in _row_adds:
            arrays = _array_add(*_row_adds[id(statement)])
        else:
            arrays = _array_insert(statement.table, keys)  # type: ignore[attr-defined]
        _array_statements[(id(statement), keys)] = arrays
    return arrays, [{k: [row[k] for row in rows] for k in keys}]


def _array_insert(table: sa.Table, keys: tuple[str, ...]) -> sa.Executable:
    """INSERT INTO table (keys) SELECT * FROM unnest(one array per column)."""
    columns = [table.c[k] for k in keys]
    unnest = sa.func.unnest(*(sa.bindparam(c.key, type_=postgresql.ARRAY(c.type)) for c in columns))
    return table.insert().from_select(columns, sa.select(sa.text("*")).select_from(unnest))


def _array_update(table: sa.Table, where: tuple[str, ...], values: tuple[str, ...]) -> sa.Executable:
    """UPDATE table SET values FROM unnest(one array per column) AS v WHERE the primary key matches."""
    names = [f"w_{k}" for k in where] + [f"v_{k}" for k in values]
    types = [table.c[k].type for k in where] + [table.c[k].type for k in values]
    unnest = sa.func.unnest(
        *(sa.bindparam(n, type_=postgresql.ARRAY(t)) for n, t in zip(names, types, strict=True))
    )
    v = unnest.table_valued(*names).render_derived(name="v")
    return (
        table.update()
        .where(*(table.c[k] == v.c[f"w_{k}"] for k in where))
        .values({k: v.c[f"v_{k}"] for k in values})
    )


def tally_update(
    table: sa.Table, where: tuple[str, ...], amounts: tuple[str, ...], latest: tuple[str, ...]
) -> sa.Update:
    """The statement of ``Batch.add``, known to ``as_arrays``."""
    statement = _added(
        table, where, amounts, latest, lambda name: sa.bindparam(name, type_=_type(table, name))
    )
    _row_adds[id(statement)] = (table, where, amounts, latest)
    return statement


def _type(table: sa.Table, name: str) -> Any:
    return table.c[name[2:]].type


def _added(
    table: sa.Table,
    where: tuple[str, ...],
    amounts: tuple[str, ...],
    latest: tuple[str, ...],
    value: Callable[[str], Any],
) -> sa.Update:
    """UPDATE a tally: ``value(name)`` is each parameter (a bind, or a column of the arrays)."""

    def later(k: str) -> Any:
        column, new = table.c[k], value(f"v_{k}")
        return sa.case((sa.or_(column.is_(None), column < new), new), else_=column)

    return (
        table.update()
        .where(*(table.c[k] == value(f"w_{k}") for k in where))
        .values({**{k: table.c[k] + value(f"v_{k}") for k in amounts}, **{k: later(k) for k in latest}})
    )


def _array_add(
    table: sa.Table, where: tuple[str, ...], amounts: tuple[str, ...], latest: tuple[str, ...]
) -> Any:
    """``Batch.add`` for many rows, each once: its values from arrays (``unnest``) AS v."""
    names = [f"w_{k}" for k in where] + [f"v_{k}" for k in (*amounts, *latest)]
    unnest = sa.func.unnest(*(sa.bindparam(n, type_=postgresql.ARRAY(_type(table, n))) for n in names))
    v = unnest.table_valued(*names).render_derived(name="v")
    return _added(table, where, amounts, latest, lambda name: v.c[name])


_array_statements: dict[tuple[int, tuple[str, ...]], sa.Executable] = {}
_row_adds: dict[int, tuple[sa.Table, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
row_updates: dict[int, tuple[sa.Table, tuple[str, ...], tuple[str, ...]]] = {}


def named(
    statement: sa.Executable, connection: sa.Connection, keys: tuple[str, ...], binary: bool = False
) -> tuple[str, list[tuple[str, str, Callable[[Any], Any], Any]]]:
    """``prepared`` for a driver with named parameters (psycopg's ``%(name)s``): the SQL
    (in the connection's schema, if it names one) and, for each parameter, its name in
    the SQL, the row key, the conversion and the value fixed in the statement.

    ``binary`` sends the parameters in binary (``%(name)b``): psycopg writes an array
    in text by escaping every element with a regular expression, which costs more than
    the rest of the insert."""
    dialect = connection.dialect
    schemas = connection.get_execution_options().get("schema_translate_map")
    key = (id(statement), dialect.name, keys, tuple((schemas or {}).items()), binary)
    plan = _named_plans.get(key)
    if plan is None:
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=dialect,
            column_keys=list(keys),
            schema_translate_map=schemas,
            render_schema_translate=bool(schemas),
        )
        params = [
            (
                compiled.escaped_bind_names.get(name, name),
                bind.key,
                bind.type._cached_bind_processor(dialect) or _as_is,
                bind.value,
            )
            for name, bind in ((compiled.bind_names[b], b) for b in compiled.binds.values())
        ]
        sql = re.sub(r"%\((\w+)\)s", r"%(\1)b", compiled.string) if binary else compiled.string
        plan = _named_plans[key] = (sql, params)
    return plan


_named_plans: dict[tuple[Any, ...], tuple[str, list[tuple[str, str, Callable[[Any], Any], Any]]]] = {}
