"""The key that signs access tokens is never in the database's plain text: a copy of the
database alone cannot forge a token. It comes from the environment or a secret file, or sits
in the event store only where every event is encrypted; failing all three, a key file beside
the data, and the API says so plainly when it starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from eventsourcing.cipher import AESCipher
from fastapi import FastAPI
from pydantic import SecretStr

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.application import Actor
from apdr.config import Config
from apdr.errors import Conflict
from apdr.runtime import Apdr
from apdr.token_keys import fallback_file
from tests.support.school import PASSWORD, random_urn
from tests.support.server import LiveServer

KEY = "k" * 40
URN = random_urn()
OLD_KEY = "o" * 40


@contextmanager
def served(settings: Config, **update: object) -> Iterator[tuple[Apdr, httpx.Client]]:
    """The API over its own apdr, with a SENCO to sign in as."""
    apdr = Apdr.open(settings.model_copy(update=update))
    try:
        with contextlib.suppress(Conflict):  # served again over the same database
            setting_id = apdr.record.register_setting(Actor.system("test"), urn=URN, name="Keys Primary")
            apdr.record.add_user(
                Actor.system("test"),
                email="senco@keys.example",
                role=Role.senco,
                password=PASSWORD,
                setting_id=setting_id,
            )
        with LiveServer(create_app(apdr=apdr)) as server, httpx.Client(base_url=server.url) as http:
            yield apdr, http
    finally:
        apdr.close()


def sign_in(http: httpx.Client) -> str:
    response = http.post("/api/v1/auth/token", data={"username": "senco@keys.example", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def stored(apdr: Apdr) -> list[tuple[str, bytes]]:
    """Every event as the database holds it: topic and payload."""
    return [
        (n.topic, bytes(n.state)) for n in apdr.record.recorder.select_notifications(start=1, limit=100_000)
    ]


def start_and_stop(app: FastAPI) -> None:
    """The API's start-up and shut-down, as a server runs them."""

    async def lifespan() -> None:
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(lifespan())


def verifies(token: str, key: str) -> bool:
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return False
    return True


def test_given_no_key_configured_when_a_user_signs_in_then_the_key_is_in_a_file_and_not_in_the_database(
    database: Config,
) -> None:
    settings = database.model_copy(update={"token_key": None, "cipher_key": None})
    with served(settings) as (apdr, http):
        token = sign_in(http)
        events = stored(apdr)
        me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    key_file = settings.token_key_file or fallback_file(settings)
    key = key_file.read_text().strip()
    assert me.status_code == 200
    assert verifies(token, key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not [topic for topic, _ in events if "SigningKey" in topic]
    assert all(key.encode() not in payload for _, payload in events)


def test_given_the_sqlite_default_when_no_key_is_configured_then_the_file_is_beside_the_database(
    tmp_path: Path,
) -> None:
    settings = Config(database_url=f"sqlite:///{tmp_path / 'apdr.sqlite3'}", password_hash_memory_kib=64)

    assert fallback_file(settings) == tmp_path / "apdr.sqlite3-token-key"


def test_given_a_key_in_the_environment_when_tokens_are_issued_then_they_are_signed_with_it_and_rotate(
    database: Config,
) -> None:
    with served(database, token_key=SecretStr(OLD_KEY)) as (apdr, http):
        old = sign_in(http)
        events = stored(apdr)
    with served(database, token_key=SecretStr(KEY), token_previous_keys=SecretStr(OLD_KEY)) as (_, http):
        new = sign_in(http)
        old_during_rotation = http.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    with served(database, token_key=SecretStr(KEY)) as (_, http):
        old_after_rotation = http.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})

    assert verifies(old, OLD_KEY) and verifies(new, KEY) and not verifies(new, OLD_KEY)
    assert not [topic for topic, _ in events if "SigningKey" in topic]
    assert old_during_rotation.status_code == 200
    assert old_after_rotation.status_code == 401


def test_given_a_secret_file_when_tokens_are_issued_then_they_are_signed_with_its_key(
    database: Config, tmp_path: Path
) -> None:
    secret = tmp_path / "token_key"
    secret.write_text(KEY + "\n")

    with served(database, token_key_file=secret) as (_, http):
        token = sign_in(http)

    assert verifies(token, KEY)


def test_given_events_encrypted_when_the_key_is_kept_in_the_event_store_then_it_is_not_in_plain_text(
    database: Config,
) -> None:
    cipher = SecretStr(AESCipher.create_key(32))
    settings = database.model_copy(update={"token_key_file": None, "cipher_key": cipher})

    with served(settings) as (apdr, http):
        token = sign_in(http)
        key = apdr.record.signing_key().key
        events = stored(apdr)

    assert verifies(token, key)
    assert [topic for topic, _ in events if "SigningKey" in topic]
    assert all(key.encode() not in payload for _, payload in events)


def test_given_a_key_too_short_when_the_api_starts_then_it_refuses_saying_which(
    database: Config, tmp_path: Path
) -> None:
    short_file = tmp_path / "token_key"
    short_file.write_text("short\n")

    for configured in ({"token_key": SecretStr("short")}, {"token_key_file": short_file}):
        app = create_app(database.model_copy(update=configured))
        with pytest.raises(ValueError, match="must be at least 32 characters") as refused:
            start_and_stop(app)
        assert ("APDR_TOKEN_KEY" if "token_key" in configured else str(short_file)) in str(refused.value)


@pytest.mark.parametrize(
    ("configured", "warned"),
    [
        ({}, True),
        ({"token_key": SecretStr(KEY)}, False),
        ({"cipher_key": SecretStr(AESCipher.create_key(32))}, False),
    ],
)
def test_given_how_the_key_is_kept_when_the_api_starts_then_it_says_so_only_when_unprotected(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, configured: dict[str, object], warned: bool
) -> None:
    settings = Config(database_url=f"sqlite:///{tmp_path / 'apdr.sqlite3'}", **configured)  # type: ignore[arg-type]
    app = create_app(settings)

    with caplog.at_level(logging.WARNING, logger="apdr.token_keys"):
        start_and_stop(app)

    said = [r.getMessage() for r in caplog.records if r.name == "apdr.token_keys"]
    assert bool(said) is warned
    if warned:
        assert "anyone who can read that file can sign in as any user" in said[0]
        assert str(tmp_path / "apdr.sqlite3-token-key") in said[0]
