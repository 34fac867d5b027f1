"""The app's routes with their full paths: FastAPI keeps an included router's routes under
its own prefix-less paths, with the prefix on the inclusion."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute


def routes_of(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) for every route of the app: the API's and the pages'."""

    def walk(routes: list[object], prefix: str) -> Iterator[tuple[str, APIRoute]]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield prefix + route.path, route
            context = getattr(route, "include_context", None)
            inner = getattr(getattr(route, "original_router", None), "routes", [])
            yield from walk(inner, prefix + (getattr(context, "prefix", "") or ""))

    yield from walk(app.routes, "")
