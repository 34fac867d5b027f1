"""Errors on pages: a page of their own in plain words (the API's stay problem+json).
A form's own errors are shown beside its fields by its route (``apdr.web.forms``);
what reaches here is a page that cannot be shown at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from apdr.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from apdr.persistence import UNREACHABLE
from apdr.web.deps import SignInFirst
from apdr.web.pages import render

NOT_PAGES = ("/api/", "/docs", "/openapi.json", "/health", "/static/")

HEADINGS = {
    400: "Something was wrong with that request",
    403: "You cannot do this",
    404: "Not found",
    405: "Not found",
    409: "This has changed meanwhile",
    413: "That is too large",
    422: "Something was wrong with that request",
    429: "Too many tries",
    503: "The record cannot be reached just now",
}

Handler = Callable[[Request, Exception], Awaitable[Response]]


def install(app: FastAPI) -> None:
    """Wraps the API's error handlers: a page's error is a page, everything else as before."""
    statuses: dict[type[Exception], int] = {
        InvalidInput: 422,
        RequestValidationError: 422,
        NotFound: 404,
        Conflict: 409,
        Forbidden: 403,
        NotAuthenticated: 401,
        **dict.fromkeys(UNREACHABLE, 503),
    }
    for error_class, status in statuses.items():
        app.exception_handlers[error_class] = _page_or(app.exception_handlers[error_class], status)
    app.exception_handlers[StarletteHTTPException] = _page_or(
        app.exception_handlers[StarletteHTTPException], None
    )
    app.exception_handlers[SignInFirst] = _sign_in_first


def _page_or(api_handler: Handler, status: int | None) -> Handler:
    async def handle(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(NOT_PAGES):
            return await api_handler(request, error)
        code = status or getattr(error, "status_code", 500)
        if code == 401:
            return await _sign_in_first(request, SignInFirst(getattr(error, "message", "sign in again")))
        message = getattr(error, "message", None) or _detail(error) or HEADINGS.get(code, "")
        headers = {"Retry-After": "5"} if code == 503 else getattr(error, "headers", None)
        return render(
            request,
            "error.html",
            None,
            status_code=code,
            headers=headers,
            heading=HEADINGS.get(code, "Something went wrong"),
            message=message[:1].upper() + message[1:],
        )

    return handle


def _detail(error: Exception) -> str:
    detail = getattr(error, "detail", None)
    if isinstance(detail, str):
        return detail
    if isinstance(error, RequestValidationError):
        return "a link or a form sent something this page does not understand: go back and try again"
    return ""


async def _sign_in_first(request: Request, error: Exception) -> Response:
    """To the sign-in page, and back here after it (an htmx request: by its header)."""
    back = request.url.path if request.method == "GET" else ""
    target = f"/?next={back}" if back not in ("", "/") else "/"
    if request.headers.get("HX-Request"):
        return HTMLResponse("", headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
