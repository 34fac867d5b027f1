"""Response headers that keep personal data out of caches and browsers from misreading answers."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

NOT_STORED = ("/api/", "/health")
"""Answers that carry personal data, or the state of the service: no cache, shared or private, keeps them."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",  # Swagger UI sets style attributes
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)
"""For HTML (the docs page): scripts only from files the app serves, never inline."""


class SecurityHeaders:
    """Adds the headers as the response starts: pure ASGI, so a streamed export still streams."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        not_stored = scope["path"].startswith(NOT_STORED)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(MutableHeaders(scope=message), not_stored=not_stored)
            await send(message)

        await self.app(scope, receive, with_headers)


def _add(headers: MutableHeaders, *, not_stored: bool) -> None:
    for name, value in EVERY_RESPONSE.items():
        headers[name] = value
    if not_stored:
        headers["Cache-Control"] = "no-store"
    if headers.get("content-type", "").startswith("text/html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
