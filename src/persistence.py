"""Where the events and the read models live: one URL chooses SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import JSONTranscoder, Transcoding
from sqlalchemy.engine import URL, Engine, make_url

from apdr.aggregates.codes import ALL_ENUMS
from apdr.aggregates.staff_member import StaffRole
from apdr.config import Settings


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


def database_url(settings: Settings) -> URL:
    url = make_url(settings.database_url)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"APDR_DATABASE_URL must be sqlite:///FILE or postgresql://…, not {url.get_backend_name()}"
        )
    return url


def is_postgres(settings: Settings) -> bool:
    return database_url(settings).get_backend_name() == "postgresql"


def event_store_env(settings: Settings) -> dict[str, str]:
    """The environment the eventsourcing library reads its infrastructure from."""
    url = database_url(settings)
    env: dict[str, str] = {}
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("apdr keeps its SQLite database in a file: sqlite:///apdr.sqlite3")
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": url.database,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    else:
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "postgres",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "5",
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


SQLITE_PAGE_CACHE_KIB = 65536
"""Each read-model connection's SQLite page cache (64 MiB): memory that fills
as a rebuild writes big tables, up to this and no further."""


def read_model_engine(settings: Settings) -> Engine:
    """The SQLAlchemy engine for the read models, in the same database as the events."""
    url = database_url(settings)
    if url.get_backend_name() == "sqlite":
        # hide_parameters: an error's message (and so the log) never quotes a pupil's details.
        engine = sa.create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )
        _sqlite_transactions(engine)
        return engine
    url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
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
