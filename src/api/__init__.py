"""The HTTP API: JSON under /api/v1, documented at /openapi.json and, for people, at /docs."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apdr import token_keys, web
from apdr.api import access_log, docs, problems
from apdr.api.headers import SecurityHeaders
from apdr.api.routes import (
    admin,
    alerts,
    audit,
    auth,
    evidence,
    interventions,
    me,
    plans,
    pupils,
    records,
    reports,
    setting,
    staff,
    thresholds,
    transfers,
    users,
)
from apdr.api.throttle import SignInThrottle
from apdr.config import Config
from apdr.runtime import Apdr

API = "/api/v1"


def create_app(settings: Config | None = None, *, apdr: Apdr | None = None, worker: bool = False) -> FastAPI:
    """The API over one running apdr (made here unless given). With ``worker``,
    the same process also keeps the read models current: the single-process
    deployment of a school."""
    settings = settings or (apdr.settings if apdr else Config())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = apdr is None
        token_keys.check_at_start(settings)
        running = apdr or Apdr.open(settings)
        app.state.apdr = running
        if worker:
            running.start_worker()
        if owned:
            _freeze_what_start_up_made()
        try:
            yield
        finally:
            if owned:
                running.close()

    app = FastAPI(
        title="apdr",
        summary="The SEN-support record of a school: assess, plan, do, review.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by apdr.api.docs, from the package rather than a CDN
        redoc_url=None,
    )
    if apdr is not None:
        app.state.apdr = apdr
    problems.install(app)
    access_log.install()
    app.state.sign_in_throttle = SignInThrottle(
        settings.sign_in_failures_per_username, settings.sign_in_failures_per_address
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        uploads={f"{API}/imports": settings.max_import_bytes, "/pupils/import": settings.max_import_bytes},
    )
    app.add_middleware(SecurityHeaders)  # added last, so outermost: a 413 gets the headers too
    docs.install(app)
    app.include_router(auth.router, prefix=API, responses=problems.documented(401, 422, 429, 503))
    app.include_router(me.router, prefix=API, responses=problems.documented(401, 403, 422, 503))
    for router in (
        admin.router,
        users.router,
        setting.router,
        pupils.router,
        plans.router,
        interventions.router,
        staff.router,
        reports.router,
        records.router,
        alerts.router,
        thresholds.router,
        audit.router,
        evidence.router,
        transfers.router,
    ):
        app.include_router(router, prefix=API, responses=problems.documented(401, 403, 404, 409, 422, 503))

    web.install(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        running: Apdr = app.state.apdr
        last = running.read_models.last_notification_id()
        behind = {name: last - running.read_models.position(name) for name in running.read_models.projections}
        return {"status": "ok", "last_event": last, "read_models_behind": behind}

    return app


def _freeze_what_start_up_made() -> None:
    """What start-up built (modules, routes, compiled statements, the store's caches) lives
    as long as the served process: frozen out of the cyclic collector's sight, a full
    collection during a request no longer walks it. Measured by benchmarks/queries.py: the
    impact report's p95 fell from 227 to 140 ms in process, its p50 unchanged."""
    gc.collect()
    gc.freeze()


def serve_with_worker() -> FastAPI:
    """``apdr serve``: API and read models in one process."""
    return create_app(worker=True)


def serve_api_only() -> FastAPI:
    """``apdr serve --no-worker``: a stateless API worker beside one ``apdr worker``."""
    return create_app()


class BodySizeLimit:
    """Refuses request bodies over ``max_bytes`` with a 413, before they are read into memory;
    the paths in ``uploads`` (a file from the MIS) have their own, larger limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.uploads.get(scope["path"], self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._too_large(max_bytes, scope, receive, send)
            return
        received = 0
        too_large = False

        async def limited() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def unless_too_large(message: Message) -> None:
            # FastAPI turns an error while reading the body into its own 400:
            # once the body is refused, only the 413 is sent.
            if not too_large:
                await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited, unless_too_large)
        if too_large:
            await self._too_large(max_bytes, scope, receive, send)

    @staticmethod
    async def _too_large(max_bytes: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = problems.problem(413, f"the request body is larger than {max_bytes} bytes")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
