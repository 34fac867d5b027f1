"""Event payloads encrypted at rest, and keys rotated without losing the events written before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from uuid import UUID

import psycopg
import pytest
import sqlalchemy as sa
from eventsourcing.cipher import AESCipher
from psycopg import sql
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from apdr.aggregates.codes import Role
from apdr.application import Actor
from apdr.config import Config
from apdr.projections.pupils import pupils
from apdr.runtime import Apdr
from tests.support.database import POSTGRES_URL
from tests.support.school import upn

SYSTEM = Actor.system("test")
KEY_A, KEY_B = AESCipher.create_key(32), AESCipher.create_key(32)


@contextmanager
def running(settings: Config, key: str | None, previous: str | None = None) -> Iterator[Apdr]:
    apdr = Apdr.open(
        settings.model_copy(
            update={
                "cipher_key": SecretStr(key) if key else None,
                "cipher_previous_keys": SecretStr(previous) if previous else None,
            }
        )
    )
    try:
        yield apdr
    finally:
        apdr.close()


def register(apdr: Apdr, setting_id: UUID, given_name: str) -> UUID:
    senco = Actor("senco@school.example", Role.senco, setting_id)
    return apdr.record.register_pupil(
        senco,
        today=date(2026, 11, 23),
        upn=upn(),
        given_name=given_name,
        family_name="Khan",
        date_of_birth=date(2017, 3, 14),
        class_name="4B",
    )


def stored_payloads(apdr: Apdr) -> list[bytes]:
    """Every event's stored payload, read straight from the table, past the library."""
    table = apdr.record.recorder.events_table_name  # type: ignore[attr-defined]
    url = make_url(apdr.settings.database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as conn:  # type: ignore[arg-type]
            return [bytes(row[0]) for row in conn.execute(f"SELECT state FROM {table}")]
    query = sql.SQL("SELECT state FROM {}.{}").format(
        sql.Identifier(apdr.settings.database_schema), sql.Identifier(table)
    )
    with psycopg.connect(POSTGRES_URL) as conn:
        return [bytes(row[0]) for row in conn.execute(query)]


def test_given_no_key_and_then_a_key_when_a_pupil_is_stored_then_only_with_the_key_is_the_name_hidden(
    database: Config, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with running(database, None) as plain:
        register(plain, plain.record.register_setting(SYSTEM, urn="100001", name="Plain Primary"), "Amira")
        assert any(b"Amira" in p for p in stored_payloads(plain))  # the check can see a name

    with running(database, KEY_A) as apdr:
        setting = apdr.record.register_setting(SYSTEM, urn="100002", name="Secret Primary")
        pupil = register(apdr, setting, "Zainab")
        payloads = stored_payloads(apdr)

        assert apdr.record.pupil(SYSTEM, pupil).given_name == "Zainab"
    assert not any(b"Zainab" in p or b"Secret Primary" in p for p in payloads)


def test_given_events_under_key_a_when_rotated_to_b_with_a_kept_then_old_and_new_read_and_new_are_under_b(
    database: Config,
) -> None:
    with running(database, KEY_A) as apdr:
        setting = apdr.record.register_setting(SYSTEM, urn="100003", name="Oak Primary")
        old = register(apdr, setting, "Amira")

    with running(database, KEY_B, previous=KEY_A) as apdr:
        assert apdr.record.pupil(SYSTEM, old).given_name == "Amira"
        new = register(apdr, setting, "Bilal")
        apdr.read_models.catch_up()  # the read models are built from events under both keys
        with apdr.engine.connect() as conn:
            names = set(conn.execute(sa.select(pupils.c.given_name)).scalars())
        assert names == {"Amira", "Bilal"}

    # With B alone, the new events open and the old do not: they were written under B.
    with running(database, KEY_B) as apdr:
        assert apdr.record.pupil(SYSTEM, new).given_name == "Bilal"
        with pytest.raises(ValueError, match="damaged"):
            apdr.record.pupil(SYSTEM, old)
    with running(database, KEY_A) as apdr, pytest.raises(ValueError, match="damaged"):
        apdr.record.pupil(SYSTEM, new)
