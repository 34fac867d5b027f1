"""Errors as RFC 9457 problem details, each with a message a person can act on."""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from apdr.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from apdr.persistence import UNREACHABLE

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"

SURROGATE = re.compile(r"[\ud800-\udfff]")

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    503: "Database unavailable",
}


class Problem(BaseModel):
    """An RFC 9457 problem, as every error is answered (documented in the OpenAPI schema)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = None
    """For invalid input: each field at fault (``outcomes[0].target``) and what is wrong with it."""
    conflicts_with: dict[str, str] | None = None
    """For a conflict: the record it clashes with (its kind, id and date)."""


_SCHEMA = Problem.model_json_schema()


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses: problem+json, with its schema."""
    return {
        status: {"description": TITLES[status], "content": {PROBLEM: {"schema": copy.deepcopy(_SCHEMA)}}}
        for status in statuses
    }


def problem(
    status: int,
    detail: str,
    *,
    errors: Sequence[dict[str, str]] = (),
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    conflicts_with: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:apdr:problem:{TITLES.get(status, 'error').lower().replace(' ', '-')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    if conflicts_with:
        body["conflicts_with"] = conflicts_with
    return ProblemResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


class ProblemResponse(JSONResponse):
    """A problem names what the client sent (a field, a threshold), and what a client sends may
    hold a lone surrogate (JSON's ``"\\ud800"``), which UTF-8 cannot encode: written as U+FFFD,
    the answer is still the 4xx it should be, not an error while reporting one."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return SURROGATE.sub("\ufffd", text).encode("utf-8")


def field_name(loc: Sequence[Any]) -> str:
    """('body', 'outcomes', 0, 'target') -> 'outcomes[0].target'."""
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header", "form") else list(loc)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part in ("function-after", "function-before") or "[" in str(part):
            continue  # pydantic's names for validators and union members
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def _validation_errors(error: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for e in error.errors():
        message = e.get("msg", "invalid")
        if e.get("type") == "json_invalid":
            field, message = "body", "the body is not valid JSON"
        elif e.get("type") == "missing":
            field, message = field_name(e["loc"]), "this field is required"
        else:
            field = field_name(e["loc"])
        errors.append({"field": field, "message": message})
    return errors


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(error)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, detail, errors=errors, instance=request.url.path)

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, error: InvalidInput) -> JSONResponse:
        return problem(
            422,
            f"{error.field}: {error.message}",
            errors=[{"field": error.field, "message": error.message}],
            instance=request.url.path,
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> JSONResponse:
        return problem(404, error.message, instance=request.url.path)

    @app.exception_handler(Conflict)
    async def conflict(request: Request, error: Conflict) -> JSONResponse:
        return problem(409, error.message, instance=request.url.path, conflicts_with=error.conflicts_with)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden) -> JSONResponse:
        return problem(403, error.message, instance=request.url.path)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, error: NotAuthenticated) -> JSONResponse:
        return problem(401, error.message, headers={"WWW-Authenticate": "Bearer"}, instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "Error")
        return problem(
            error.status_code, detail, headers=getattr(error, "headers", None), instance=request.url.path
        )

    # A database error is a 503 with Retry-After wherever it is raised, in a route or
    # a dependency (the token check): the client keeps its token and tries again.
    for error_class in UNREACHABLE:
        app.add_exception_handler(error_class, _database_unavailable)


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable while serving %s: %s", request.url.path, type(error).__name__)
    return problem(
        503,
        "the database cannot be reached just now; try again shortly",
        headers={"Retry-After": "5"},
        instance=request.url.path,
    )
