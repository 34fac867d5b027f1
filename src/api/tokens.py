"""Bearer tokens: signed with a key every worker shares and that survives
restarts, never in the database's plain text (see ``apdr.token_keys``); checked
against the user's current record, so a disabled account's tokens stop working at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from apdr.aggregates import SigningKey, User
from apdr.aggregates.user import normalise_email
from apdr.api.throttle import SignInThrottle
from apdr.application import Actor, SenRecord
from apdr.errors import NotAuthenticated, NotFound
from apdr.runtime import Apdr
from apdr.token_keys import TokenKeys

ALGORITHM = "HS256"


def sign_in(
    apdr: Apdr, throttle: SignInThrottle, username: str, password: str, address: str, now: datetime
) -> str:
    """A token for this email and password, counted by the throttle: the API's token
    endpoint and the web sign-in page both come here, so both are throttled alike.
    Raises ``TooManySignIns`` past the limit, ``NotAuthenticated`` for a wrong password."""
    attempt = throttle.attempt(apdr.engine, normalise_email(username)[:254], address)
    user = apdr.record.authenticate(username, password)  # a wrong password stays counted
    attempt.succeeded()
    return issue(apdr.record, user, now, apdr.settings.token_minutes)


def issue(record: SenRecord, user: User, now: datetime, minutes: int) -> str:
    claims = {
        "sub": str(user.id),
        "email": user.email,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, record.signing_key().key, algorithm=ALGORITHM)


def actor_for(record: SenRecord, token: str) -> Actor:
    """Who the token is for, if it is valid and their account is not disabled.

    The key is kept in memory, and read again only when a token does not verify
    with it (another process may have rotated it). The user is read on every
    request, one read of the events since the cached copy, so that disabling an
    account stops its tokens at once, in every worker."""
    claims = _claims(token, record.signing_key()) or _claims(token, record.signing_key(fresh=True))
    if claims is None:
        raise NotAuthenticated("the access token is not valid: sign in again")
    try:
        user_id = UUID(str(claims["sub"]))
    except ValueError:
        raise NotAuthenticated("the access token is not valid: sign in again") from None
    try:
        user = record.user(user_id)
    except NotFound:
        raise NotAuthenticated("the access token is not valid: sign in again") from None
    # Any other error (the database is unreachable) is not the token's fault: it
    # propagates, to be a 503, and the client keeps its token and tries again.
    if user.disabled:
        raise NotAuthenticated("this account is disabled")
    return Actor.of(user)


def _claims(token: str, key: TokenKeys | SigningKey) -> dict[str, Any] | None:
    for secret in (key.key, *key.previous):
        try:
            claims: dict[str, Any] = jwt.decode(
                token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
            )
        except jwt.ExpiredSignatureError:
            raise NotAuthenticated("your session has expired: sign in again") from None
        except jwt.InvalidTokenError:
            continue
        return claims
    return None
