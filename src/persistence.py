"""Where the events and the read models live: one URL chooses SQLite or PostgreSQL."""

from __future__ import annotations

import functools
import inspect
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import eventsourcing.persistence as es
import psycopg
import sqlalchemy as sa
from eventsourcing.persistence import JSONTranscoder, RecordConflictError, StoredEvent, Transcoding
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory
from eventsourcing.utils import EnvType
from psycopg.rows import dict_row
from psycopg.types.composite import register_composite
from psycopg_pool import PoolTimeout
from sqlalchemy.engine import URL, Engine, make_url

from apdr.aggregates.codes import ALL_ENUMS
from apdr.aggregates.staff_member import StaffRole
from apdr.config import Config


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    """Stores an enum member by its value, so renaming a Python member keeps old events readable."""

    def __init__(self, enum: type[Enum]) -> None:
        self.type = enum
        self.name = f"enum:{enum.__name__}"

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        return self.type(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for enum in (*ALL_ENUMS, StaffRole):
        transcoder.register(EnumAsValue(enum))


def database_url(settings: Config) -> URL:
    url = make_url(settings.database_url)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"APDR_DATABASE_URL must be sqlite:///FILE or postgresql://…, not {url.get_backend_name()}"
        )
    return url


def is_postgres(settings: Config) -> bool:
    return database_url(settings).get_backend_name() == "postgresql"


def event_store_env(settings: Config) -> dict[str, str]:
    """The environment the eventsourcing library reads its infrastructure from.

    Every wait on the database (to connect, for a pooled connection, for a lock)
    lasts at most ``database_timeout_seconds``, so that an outage is a prompt 503."""
    url = database_url(settings)
    timeout = str(settings.database_timeout_seconds)
    env: dict[str, str] = {}
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("apdr keeps its SQLite database in a file: sqlite:///apdr.sqlite3")
        env |= {
            "PERSISTENCE_MODULE": f"{__name__}:FailFastSQLiteFactory",
            "SQLITE_DBNAME": url.database,
            "SQLITE_LOCK_TIMEOUT": timeout,
        }
    else:
        env |= {
            "PERSISTENCE_MODULE": f"{__name__}:FailFastPostgresFactory",
            "POSTGRES_DBNAME": url.database or "postgres",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            # The library waits this long for a connection from its pool.
            "POSTGRES_CONNECT_TIMEOUT": timeout,
            "POSTGRES_LOCK_TIMEOUT": timeout,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_SCHEMA": settings.database_schema,
        }
    if settings.cipher_key is not None:
        # AES-GCM from the library, with the keys of earlier rotations to read old events.
        env |= {
            "CIPHER_TOPIC": "apdr.cipher:RotatingCipher",
            "CIPHER_KEY": settings.cipher_key.get_secret_value(),
            "CIPHER_PREVIOUS_KEYS": settings.cipher_previous_keys.get_secret_value()
            if settings.cipher_previous_keys
            else "",
        }
    if settings.aggregate_cache_size:
        env |= {
            "AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size),
            "AGGREGATE_CACHE_FASTFORWARD": "y",
        }
    return env


UNREACHABLE: tuple[type[Exception], ...] = (
    es.OperationalError,
    es.InterfaceError,
    es.ConnectionUnavailableError,
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.TimeoutError,  # SQLAlchemy's pool timeout, which is not an OperationalError
    psycopg.OperationalError,  # psycopg_pool's PoolTimeout among them
    psycopg.InterfaceError,
    TimeoutError,
)
"""Errors that mean the database cannot serve us just now, or not within the timeout
(sqlite3's and psycopg's arrive wrapped by the library, es.*, or by SQLAlchemy): the
API answers them 503 with Retry-After, and the worker backs off and tries again."""

RETRY_PAUSE_SECONDS = 0.02
"""Between two tries of a call whose pooled connection was found broken: short, since
after an outage each idle connection in the pool is found broken in turn."""

RECONNECTING_TIMEOUTS = 2
"""How many timeouts the PostgreSQL pool keeps re-making lost connections in the
background before it leaves that to the next request that needs one."""


def _retried_within_timeout(method: Callable[..., Any]) -> Callable[..., Any]:
    """The library's recorder method, retried only within the pool's timeout.

    The library tries each call ten times, and each try may wait the whole pool
    timeout for a connection: close to a minute before a request could answer.
    A broken pooled connection (the server restarted) fails at once and is worth
    another try on a fresh one; no connection within the timeout means the
    database is unreachable, and the caller hears so now (a 503)."""
    attempt = inspect.unwrap(method)  # the method without the library's @retry

    @functools.wraps(attempt)
    def retried(self: PostgresApplicationRecorder, *args: Any, **kwargs: Any) -> Any:
        give_up_at = time.monotonic() + self.datastore.pool.timeout
        while True:
            try:
                return attempt(self, *args, **kwargs)
            except (es.InterfaceError, es.OperationalError) as error:
                unreachable = isinstance(error.__cause__, PoolTimeout)
                if unreachable or time.monotonic() + RETRY_PAUSE_SECONDS >= give_up_at:
                    raise
                time.sleep(RETRY_PAUSE_SECONDS)

    return retried


RecordInline = Callable[[Any, Sequence[StoredEvent], "Insert"], Sequence[int]]
"""Records stored events and takes them into the read models, in one transaction
(``ReadModels.project_inline``): given the recorder and the command's ``Insert``,
answers the notification ids."""


class LogMovedOn(RecordConflictError):
    """Others recorded events after the end of the log a command's cached copies were
    current at: its events are not recorded, and it runs again after looking."""


@dataclass
class Insert:
    """What a command expects of the log as its events go in (``expected_end``: the
    notification it believes is the last, or None to record whatever came before),
    and what the insert found (``previous``: the last notification before its events,
    where the insert read it in its own transaction). Passed through ``Application.save``
    to the recorder's ``insert_events``, as ``insert=``."""

    expected_end: int | None = None
    previous: int | None = None

    def check(self, end: int) -> None:
        """Refuse the insert (``LogMovedOn``) if the log ends elsewhere than expected."""
        if self.expected_end is not None and end != self.expected_end:
            raise LogMovedOn(f"the log ends at {end}, not at {self.expected_end} as expected")


class RecordedWithReadModels:
    """An application recorder whose inserts the read models can take over, so that
    a command's events and what they change in the read models commit together.

    ``insert_within`` inserts on a connection of the read models' engine, in the
    transaction it has begun: the events table and the read models' tables are in
    the same database."""

    record_inline: RecordInline | None = None

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Keywords from ``Application.save``: ``inline=False`` records the events on their own;
        ``insert`` (an ``Insert``) says where the command expects the log to end, and is told
        where its events went in."""
        inline = kwargs.pop("inline", True)
        insert = kwargs.pop("insert", None) or Insert()
        if inline and self.record_inline is not None and stored_events and not kwargs.get("tracking"):
            return self.record_inline(self, stored_events, insert)
        if insert.expected_end is not None:
            # Not in the insert's transaction: a look just before it, as a command that looks first has.
            insert.check(self.max_notification_id() or 0)  # type: ignore[attr-defined]
        return self.insert_alone(stored_events, **kwargs)

    def insert_alone(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        raise NotImplementedError

    def insert_within(
        self, connection: sa.Connection, stored_events: Sequence[StoredEvent], then: str
    ) -> tuple[int, list[int], list[tuple[Any, ...]]]:
        """Insert on ``connection``, in its transaction, and then run the query ``then``
        (SQL without parameters): answers the id of the last notification before these
        (0 if none), their ids, and the query's rows. On PostgreSQL ids have gaps (an
        insert rolled back), so the one before is read, not subtracted."""
        raise NotImplementedError

    def last_id_sql(self, connection: sa.Connection) -> str:
        """The library's SELECT of the last notification's id, as SQL to put in a
        read models' statement (so that one statement reads it beside the positions)."""
        raise NotImplementedError


class FailFastApplicationRecorder(RecordedWithReadModels, PostgresApplicationRecorder):
    """The library's recorder, with each call's retries bounded by the pool's timeout,
    whose inserts the read models can take over (``RecordedWithReadModels``)."""

    insert_alone = _retried_within_timeout(PostgresApplicationRecorder.insert_events)
    select_events = _retried_within_timeout(PostgresApplicationRecorder.select_events)
    select_notifications = _retried_within_timeout(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _retried_within_timeout(PostgresApplicationRecorder.max_notification_id)

    def insert_within(
        self, connection: sa.Connection, stored_events: Sequence[StoredEvent], then: str
    ) -> tuple[int, list[int], list[tuple[Any, ...]]]:
        """The library's own statements (the events table locked in EXCLUSIVE mode, so
        that ids commit in order; NOTIFY; the insert) on the read models' connection,
        sent in one round trip with the read of the last id before them and ``then``;
        on a connection in autocommit, with the BEGIN of the transaction they are in."""
        driver = connection.connection.driver_connection
        for info in self.datastore.psycopg_type_adapters.values():
            if not driver.adapters.types.get(info.oid):  # type: ignore[union-attr]
                register_composite(info, driver)  # as the library does on each of its connections
        with (
            _as_library_errors(),
            driver.cursor(row_factory=dict_row) as before,  # type: ignore[union-attr]
            driver.cursor(row_factory=dict_row) as inserted,  # type: ignore[union-attr]
            driver.cursor() as after,  # type: ignore[union-attr]
        ):
            with driver.pipeline():  # type: ignore[union-attr]
                if driver.autocommit:  # type: ignore[union-attr]  # the caller's transaction, begun here
                    before.execute("BEGIN")
                self._lock_table(before)
                before.execute(self.max_notification_id_statement)
                self._notify_channel(inserted)
                PostgresAggregateRecorder._insert_stored_events(self, inserted, stored_events)
                after.execute(then)  # type: ignore[arg-type]  # SQL compiled by SQLAlchemy, no parameters
            # Read once the pipeline has ended, which waits for every result: each cursor then holds
            # its last statement's. Read within it, a cursor may still hold an earlier one's (the
            # NOTIFY's, while a long INSERT's answer is on its way).
            previous = before.fetchone()
            ids = self._fetch_ids_after_insert_events(inserted, stored_events)
            rows = after.fetchall()
        return int((previous or {}).get("max") or 0), list(ids or ()), rows

    def last_id_sql(self, connection: sa.Connection) -> str:
        return self.max_notification_id_statement.as_string(connection.connection.driver_connection)


class FailFastPostgresFactory(PostgresFactory):
    """The library's PostgreSQL persistence, bounded in time: an outage answers
    503 within the timeout, and the pool mends by itself once the database is back."""

    application_recorder_class = FailFastApplicationRecorder

    def __init__(self, env: EnvType) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        assert isinstance(pool.kwargs, dict)
        # The library gives psycopg's pool no connect_timeout: a host that drops
        # packets would hold each new connection for minutes.
        pool.kwargs["connect_timeout"] = max(2, round(pool.timeout))
        # Lost connections are re-made in the background with a doubling back-off
        # for five minutes, so after a long outage the pool would try again only
        # minutes after the database is back. Stopping early leaves it to the next
        # request, which tries at once.
        pool.reconnect_timeout = RECONNECTING_TIMEOUTS * pool.timeout


class InlineSQLiteRecorder(RecordedWithReadModels, SQLiteApplicationRecorder):
    """The library's SQLite recorder, whose inserts the read models can take over."""

    insert_alone = SQLiteApplicationRecorder.insert_events

    def insert_within(
        self, connection: sa.Connection, stored_events: Sequence[StoredEvent], then: str
    ) -> tuple[int, list[int], list[tuple[Any, ...]]]:
        cursor = SQLiteCursor(connection.connection.driver_connection.cursor())  # type: ignore[union-attr]
        with cursor, _as_library_errors():  # the cursor closed at the end
            ids = list(self._insert_events(cursor, stored_events) or ())
            cursor.execute(then)
            rows = [tuple(row) for row in cursor.fetchall()]
        # SQLite gives a new row the largest rowid plus one, and the transaction holds the
        # write lock: the last notification before these is one less than the first.
        return ids[0] - 1, ids, rows

    def last_id_sql(self, connection: sa.Connection) -> str:
        return self.select_max_notification_id_statement


@contextmanager
def _as_library_errors() -> Iterator[None]:
    """The driver's errors from an insert on the read models' connection, raised as the
    library raises them from its own: a duplicate version is a RecordConflictError (the
    command runs again), a lock not had in time an OperationalError (a 503)."""
    try:
        yield
    except (sqlite3.IntegrityError, psycopg.IntegrityError) as error:
        raise es.IntegrityError(str(error)) from error
    except (sqlite3.OperationalError, psycopg.OperationalError) as error:
        raise es.OperationalError(str(error)) from error


class FailFastSQLiteFactory(SQLiteFactory):
    """The library's SQLite persistence, waiting for one of its connections (held,
    say, by writers queued behind another process's lock) no longer than for the lock."""

    application_recorder_class = InlineSQLiteRecorder

    def __init__(self, env: EnvType) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        pool.pool_timeout = float(pool.lock_timeout or pool.pool_timeout)


SQLITE_PAGE_CACHE_KIB = 65536
"""Each read-model connection's SQLite page cache (64 MiB): memory that fills
as a rebuild writes big tables, up to this and no further."""


def read_model_engine(settings: Config) -> Engine:
    """The SQLAlchemy engine for the read models, in the same database as the events.

    Like the event store, it waits for a lock, a pooled connection or a new
    connection at most ``database_timeout_seconds``."""
    url = database_url(settings)
    timeout = settings.database_timeout_seconds
    if url.get_backend_name() == "sqlite":
        # hide_parameters: an error's message (and so the log) never quotes a pupil's details.
        engine = sa.create_engine(
            url,
            connect_args={"timeout": timeout, "check_same_thread": False},
            pool_timeout=timeout,
            hide_parameters=True,
        )
        _sqlite_transactions(engine)
        return engine
    url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_timeout=timeout,
        connect_args={"connect_timeout": max(2, timeout)},
        hide_parameters=True,
    )
    _ping_after_idle(engine)
    # A projection's batch of rows goes as multi-row INSERT ... VALUES statements
    # (as SQLAlchemy already does for psycopg2), not one statement per row.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    if settings.database_schema:
        engine = engine.execution_options(schema_translate_map={None: settings.database_schema})
    return engine


PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled PostgreSQL connection idle longer than this is checked before use."""


def _ping_after_idle(engine: Engine) -> None:
    """``pool_pre_ping``, for the connections that need it: one back in the pool
    within the last second was working a moment ago, and pinging it cost a round
    trip on every checkout (two a session: a tenth of recording one). One that sat idle
    longer (through a restart, a proxy's idle timeout, an outage) is pinged, and
    replaced if the ping fails, as ``pool_pre_ping`` would: the pool disposes of it
    and connects afresh (SQLAlchemy, "Disconnect Handling - Pessimistic")."""

    @sa.event.listens_for(engine, "connect")
    @sa.event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except psycopg.Error as error:
            raise sa.exc.DisconnectionError(str(error)) from error


def _sqlite_transactions(engine: Engine) -> None:
    """Let a projection take SQLite's write lock when its transaction begins.

    pysqlite defers BEGIN until the first write, so two processes applying the
    same events would both read a stale position; ``BEGIN IMMEDIATE`` makes the
    second wait for the first. Queries keep a plain, non-locking ``BEGIN``.
    """

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # Commands record their events through these connections too (inline, with the
        # read models): each commit is as durable as the library's own.
        cursor.execute("PRAGMA synchronous=FULL")
        # A fixed page cache: rebuilding a read model inserts into big indexes.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_PAGE_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
