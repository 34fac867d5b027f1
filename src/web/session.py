"""Signing in to the pages: the same token the API issues, kept in a cookie the
browser's scripts cannot read, and a CSRF token every form and htmx request sends back.

The session cookie is HttpOnly and SameSite=Strict (Secure over HTTPS), so another
site's page can neither read it nor have the browser send it. The CSRF token is the
double-submit kind: a random value in a cookie of its own, which the page repeats in
a hidden field (forms) or a header (htmx and the offline resend); a request whose two
copies differ is refused. It is made afresh at each sign-in."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from apdr.errors import Forbidden

SESSION_COOKIE = "apdr_session"
CSRF_COOKIE = "apdr_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def csrf_token(request: Request) -> str:
    """The CSRF token this page should carry: the cookie's, or a new one that
    ``keep_csrf`` sets on the response."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = request.state.new_csrf = secrets.token_urlsafe(32)
    return token


def keep_csrf(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new is not None:
        _set(request, response, CSRF_COOKIE, new, max_age=None)


async def check_csrf(request: Request) -> None:
    """Every change made from a page carries the token its page was given."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.cookies.get(CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("this form has expired: reload the page and try again")


def start(request: Request, response: Response, token: str, minutes: int) -> None:
    """Signed in: the session cookie, and a new CSRF token for the new session."""
    _set(request, response, SESSION_COOKIE, token, max_age=minutes * 60)
    _set(request, response, CSRF_COOKIE, secrets.token_urlsafe(32), max_age=None)


def end(request: Request, response: Response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=_secure(request), httponly=True, samesite="strict")


def _set(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=_secure(request), httponly=True, samesite="strict"
    )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"
