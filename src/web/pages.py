"""Rendering a page: its template, who is signed in, the CSRF token its forms carry,
and the menu their role sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from apdr.aggregates.codes import Role
from apdr.application import Actor
from apdr.web import session

ROLE_NAMES = {
    Role.senco: "SENCO",
    Role.teacher: "Teacher",
    Role.ta: "Teaching assistant",
    Role.leader: "Leader",
    Role.admin: "Administrator",
}


@dataclass(frozen=True)
class Link:
    label: str
    path: str
    roles: frozenset[Role]


_ALL = frozenset({Role.senco, Role.teacher, Role.ta, Role.leader})
MENU = (
    Link("Today", "/today", frozenset({Role.senco, Role.teacher, Role.ta})),
    Link("Desk", "/desk", frozenset({Role.senco, Role.teacher, Role.leader})),
    Link("Pupils", "/pupils", _ALL),
    Link("Interventions", "/interventions", _ALL),
    Link("Provision map", "/provision-map", frozenset({Role.senco, Role.teacher, Role.leader})),
    Link("Impact", "/impact", frozenset({Role.senco, Role.teacher, Role.leader})),
    Link("Requests and packs", "/requests", frozenset({Role.senco})),
)


def home(role: Role) -> str:
    """Where a user lands after signing in."""
    return {Role.ta: "/today", Role.admin: "/admin"}.get(role, "/desk")


templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("apdr.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _short_date(day: date | None) -> str:
    return "" if day is None else f"{day.day} {day:%b %Y}"


templates.env.filters["long_date"] = _long_date
templates.env.filters["short_date"] = _short_date


def render(
    request: Request,
    template: str,
    actor: Actor | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page, with the menu for ``actor``'s role and the CSRF token its forms send back.
    ``can_change`` tells a template whether to show forms and buttons that change the record
    (the SENCO's); a leader sees the same pages read-only. The service decides either way."""
    menu = [link for link in MENU if actor and actor.role in link.roles]
    response = templates.TemplateResponse(
        request,
        template,
        {
            "actor": actor,
            "role_name": ROLE_NAMES.get(actor.role, "") if actor else "",
            "menu": menu,
            "can_change": actor is not None and actor.role is Role.senco,
            "csrf_token": session.csrf_token(request),
            "csrf_field": session.CSRF_FIELD,
            "csrf_header": session.CSRF_HEADER,
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
    session.keep_csrf(request, response)
    return response


def see_other(request: Request, path: str) -> RedirectResponse | HTMLResponse:
    """After a change, the page that shows it (Post/Redirect/Get); to htmx, the same by its header."""
    if request.headers.get("HX-Request"):
        return HTMLResponse("", headers={"HX-Redirect": path})
    return RedirectResponse(path, status_code=303)
