"""Where the key that signs access tokens comes from, so that a copy of the
database is not enough to forge any user's token.

In order: ``APDR_TOKEN_KEY`` (with ``APDR_TOKEN_PREVIOUS_KEYS`` to accept
tokens signed before a rotation), or a secret file at ``APDR_TOKEN_KEY_FILE``
(made with a new key if it is not there). Failing both, with
``APDR_CIPHER_KEY`` set, a key kept in the event store, where every payload is
encrypted. With none of these, a key file beside the SQLite database (or in
the working directory, for PostgreSQL), and a warning at start-up saying so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from apdr.config import Config
from apdr.persistence import database_url

log = logging.getLogger(__name__)

MINIMUM_LENGTH = 32
"""HS256 wants a key at least as long as its hash (RFC 7518 3.2): 32 bytes."""


@dataclass(frozen=True)
class TokenKeys:
    """The key tokens are signed with now, and those that still verify older tokens."""

    key: str
    previous: tuple[str, ...] = ()


def from_settings(settings: Config) -> TokenKeys | None:
    """The keys the environment gives, or the fallback file's when nothing else keeps
    the key safe; None when the (encrypted) event store is to keep it."""
    previous = _previous(settings)
    if settings.token_key is not None:
        return TokenKeys(_checked(settings.token_key.get_secret_value(), "APDR_TOKEN_KEY"), previous)
    if settings.token_key_file is not None:
        return TokenKeys(_read_or_make(settings.token_key_file), previous)
    if settings.cipher_key is not None:
        return None
    return TokenKeys(_read_or_make(fallback_file(settings)), previous)


def fallback_file(settings: Config) -> Path:
    url = database_url(settings)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(f"{url.database}-token-key")
    return Path("apdr-token.key")


def check_at_start(settings: Config) -> None:
    """Read (or make) the key now, so that a wrong one stops the start, not a sign-in; and
    say plainly when it is in a file beside the data."""
    from_settings(settings)
    if settings.token_key is None and settings.token_key_file is None and settings.cipher_key is None:
        log.warning(
            "APDR_TOKEN_KEY, APDR_TOKEN_KEY_FILE and APDR_CIPHER_KEY are all unset: access tokens are "
            "signed with the key in %s, and anyone who can read that file can sign in as any user. "
            "Set APDR_TOKEN_KEY_FILE to a secret file (or APDR_CIPHER_KEY) before real pupils' "
            "records go in.",
            fallback_file(settings).resolve(),
        )


def _previous(settings: Config) -> tuple[str, ...]:
    if settings.token_previous_keys is None:
        return ()
    keys = settings.token_previous_keys.get_secret_value().split(",")
    return tuple(_checked(k, "APDR_TOKEN_PREVIOUS_KEYS") for k in keys if k.strip())


def _checked(key: str, name: str) -> str:
    key = key.strip()
    if len(key) < MINIMUM_LENGTH:
        raise ValueError(f"{name} must be at least {MINIMUM_LENGTH} characters")
    return key


def _read_or_make(path: Path) -> str:
    """The key in ``path``; made (readable by its owner alone) if there is none. Several
    workers starting at once agree on one key: each links its own in, and only the first wins."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    return _checked(path.read_text(), str(path))
