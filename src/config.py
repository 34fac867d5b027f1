"""The service's configuration, read from the environment (``APDR_*``) and an optional ``.env``
file. ``Config``, not "settings": in apdr a setting is a school (``aggregates.setting.Setting``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SCHOOL_TIME = ZoneInfo("Europe/London")


class Config(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APDR_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///apdr.sqlite3",
        description="sqlite:///path/to/file (the default, in the working directory) or postgresql://user@host/db",
    )
    database_schema: str = Field(
        "", description="PostgreSQL schema for every table (default: the server's search_path)"
    )
    cipher_key: SecretStr | None = Field(
        None, description="Base64 AES key: when set, event payloads are encrypted at rest"
    )
    cipher_previous_keys: SecretStr | None = Field(
        None,
        description="Comma-separated base64 keys of earlier rotations, to read the events written under them",
    )
    database_timeout_seconds: int = Field(
        3,
        ge=1,
        le=30,
        description="The longest a request waits on the database (to connect, for a pooled connection, "
        "for a lock) before it answers 503: a tablet is told to retry rather than left hanging",
    )
    token_minutes: int = Field(480, ge=1, description="How long an access token lasts: a school day")
    token_key: SecretStr | None = Field(
        None,
        description="The key that signs access tokens (32 characters or more), outside the database",
    )
    token_key_file: Path | None = Field(
        None, description="A secret file holding the key that signs access tokens (made if it is not there)"
    )
    token_previous_keys: SecretStr | None = Field(
        None,
        description="Comma-separated earlier token keys: tokens they signed still verify until they expire",
    )
    sign_in_failures_per_username: int = Field(
        5, ge=1, description="Failed sign-ins a minute for one username before 429"
    )
    sign_in_failures_per_address: int = Field(
        30,
        ge=1,
        description="Failed sign-ins a minute from one client address before 429 (a school shares one)",
    )
    password_hash_memory_kib: int = Field(65536, ge=8, description="argon2 memory cost")
    password_hash_iterations: int = Field(3, ge=1, description="argon2 time cost")
    projection_poll_seconds: float = Field(
        0.5, gt=0, description="How often the projection worker looks for new events on SQLite"
    )
    projection_batch_size: int = Field(
        1000,
        ge=1,
        description="Events read and applied at a time (a rebuild's transaction may hold several batches)",
    )
    aggregate_cache_size: int = Field(
        2000, ge=0, description="Aggregates kept in memory between commands (0 turns the cache off)"
    )
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Larger request bodies get a 413")
    max_import_bytes: int = Field(
        20_000_000, ge=1024, description="The largest CTF or CSV an import takes (a school's whole roll)"
    )
    today: date | None = Field(
        None,
        description="APDR_TODAY=YYYY-MM-DD pins the date the service takes as today (a demo, a training "
        "copy, end-to-end tests); unset, today is the date in London",
    )

    def current_date(self) -> date:
        """Today at school: the one place the service reads the calendar clock."""
        return self.today or datetime.now(SCHOOL_TIME).date()
