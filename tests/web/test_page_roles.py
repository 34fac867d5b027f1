"""Every page says who may open it, and every change made from a page carries its CSRF token:
checked over the app's routes, so a page added without either fails here."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from apdr.api import create_app
from apdr.web import session
from apdr.web.deps import Page, signed_in
from tests.support.routes import routes_of

OPEN = {("GET", "/"), ("POST", "/sign-in"), ("POST", "/sign-out")}
"""Before signing in (the sign-in form still carries its CSRF token)."""


def page_routes() -> Iterator[tuple[str, str, APIRoute]]:
    for path, route in routes_of(create_app()):
        if not path.startswith("/api/") and path != "/health":
            for method in route.methods:
                yield method, path, route


def calls(dependant: Dependant) -> Iterator[object]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from calls(dep)


def test_every_page_but_sign_in_names_the_roles_that_may_open_it() -> None:
    routes = list(page_routes())
    unguarded = [
        (method, path)
        for method, path, route in routes
        if (method, path) not in OPEN and not any(isinstance(c, Page) for c in calls(route.dependant))
    ]
    assert len(routes) > 10
    assert unguarded == []


def test_every_page_that_changes_something_checks_its_csrf_token() -> None:
    unchecked = [
        (method, path)
        for method, path, route in page_routes()
        if method not in ("GET", "HEAD") and session.check_csrf not in list(calls(route.dependant))
    ]
    assert unchecked == []


def test_a_page_knows_its_user_only_from_the_session_cookie_never_a_bearer_token() -> None:
    """The API's bearer token is never read by a page (nor the cookie by the API): a cookie
    sent by the browser cannot act on the API, where no CSRF token is asked for."""
    from apdr.api.deps import get_actor

    for _method, path, route in page_routes():
        assert get_actor not in list(calls(route.dependant)), path
    api = [r for path, r in routes_of(create_app()) if path.startswith("/api/")]
    assert len(api) > 40
    assert all(signed_in not in list(calls(r.dependant)) for r in api)
