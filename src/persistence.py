"""Where the events and the read models live: one URL chooses SQLite or PostgreSQL."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

import eventsourcing.persistence as es
import psycopg
import sqlalchemy as sa
from eventsourcing.persistence import JSONTranscoder, Transcoding
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import EnvType
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


class FailFastApplicationRecorder(PostgresApplicationRecorder):
    """The library's recorder, with each call's retries bounded by the pool's timeout."""

    insert_events = _retried_within_timeout(PostgresApplicationRecorder.insert_events)
    select_events = _retried_within_timeout(PostgresApplicationRecorder.select_events)
    select_notifications = _retried_within_timeout(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _retried_within_timeout(PostgresApplicationRecorder.max_notification_id)


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


class FailFastSQLiteFactory(SQLiteFactory):
    """The library's SQLite persistence, waiting for one of its connections (held,
    say, by writers queued behind another process's lock) no longer than for the lock."""

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
        pool_pre_ping=True,
        pool_timeout=timeout,
        connect_args={"connect_timeout": max(2, timeout)},
        hide_parameters=True,
    )
    # A projection's batch of rows goes as multi-row INSERT ... VALUES statements
    # (as SQLAlchemy already does for psycopg2), not one statement per row.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    if settings.database_schema:
        engine = engine.execution_options(schema_translate_map={None: settings.database_schema})
    return engine


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
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A fixed page cache: rebuilding a read model inserts into big indexes.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_PAGE_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
