"""Signing in and out of the pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from apdr.api import tokens
from apdr.api.deps import ADMIN, ApdrDep
from apdr.api.throttle import SignInThrottle, TooManySignIns
from apdr.application import Actor
from apdr.demo.school import DEMO_PASSWORD, DEMO_USERS, is_demo_loaded
from apdr.errors import NotAuthenticated
from apdr.web import session
from apdr.web.deps import CsrfChecked, Page, SignInFirst, signed_in
from apdr.web.pages import ROLE_NAMES, home, render

router = APIRouter(include_in_schema=False)


def _safe_next(path: str | None) -> str | None:
    """Only a path on this site: never another site (``//evil``, ``https://…``)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None


@router.get("/", response_class=HTMLResponse)
def sign_in_page(request: Request, apdr: ApdrDep, next: str | None = None) -> Response:
    try:
        actor = signed_in(request, apdr.record)
    except SignInFirst:
        return render(request, "sign_in.html", next=_safe_next(next), demo=_demo_users(apdr))
    return RedirectResponse(_safe_next(next) or home(actor.role), status_code=303)


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[CsrfChecked])
def sign_in(
    request: Request,
    apdr: ApdrDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    address = request.client.host if request.client else ""

    def again(message: str, status_code: int, headers: dict[str, str] | None = None) -> Response:
        return render(
            request,
            "sign_in.html",
            status_code=status_code,
            headers=headers,
            error=message,
            email=email,
            next=_safe_next(next),
            demo=_demo_users(apdr),
        )

    if not email.strip() or not password:
        return again("Enter your email address and your password.", 422)
    try:
        token = tokens.sign_in(apdr, throttle, email, password, address, datetime.now(UTC))
    except TooManySignIns as refused:
        wait = refused.retry_after
        return again(f"Too many tries: wait {wait} seconds, then try again.", 429, {"Retry-After": str(wait)})
    except NotAuthenticated:
        return again("That email address and password do not match an account here.", 401)
    actor = tokens.actor_for(apdr.record, token)
    response = RedirectResponse(_safe_next(next) or home(actor.role), status_code=303)
    session.start(request, response, token, apdr.settings.token_minutes)
    return response


@router.post("/sign-out", dependencies=[CsrfChecked])
def sign_out(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    session.end(request, response)
    return response


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, actor: Annotated[Actor, Depends(Page(ADMIN))]) -> Response:
    """An administrator manages accounts and settings, not pupils' records: from the command line."""
    return render(request, "admin.html", actor)


def _demo_users(apdr: ApdrDep) -> dict[str, object] | None:
    """On the demo school only, its published sign-ins, so a newcomer can look around."""
    if not is_demo_loaded(apdr.record):
        return None
    return {"users": [(email, ROLE_NAMES[role]) for email, role, _ in DEMO_USERS], "password": DEMO_PASSWORD}
