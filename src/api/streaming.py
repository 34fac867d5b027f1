"""JSON and CSV written as they are read, so a long chronology or a large
provision map never sits whole in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson


def plain(value: Any) -> Any:
    """What json cannot write by itself, written as the API writes it everywhere."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return orjson.dumps(value, default=plain, option=orjson.OPT_NON_STR_KEYS).decode()


def chunked(pieces: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """The pieces joined into chunks of about ``size`` characters.

    The server sends each chunk a sync iterator yields from a worker thread,
    with a round trip to the event loop for each: one per row of a provision
    map cost more than building the rows."""
    buffered: list[str] = []
    length = 0
    for piece in pieces:
        buffered.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffered)
            buffered, length = [], 0
    if buffered:
        yield "".join(buffered)


def json_document(
    head: dict[str, Any], key: str, items: Iterator[dict[str, Any]], tail: Callable[[], dict[str, Any]] = dict
) -> Iterator[str]:
    """``{**head, key: [items…], **tail()}``, one item at a time; ``tail`` is
    called after the last item, so it can report totals gathered on the way."""
    opening = dumps(head)[:-1]
    yield (opening + "," if head else "{") + dumps(key) + ":["
    for n, item in enumerate(items):
        yield ("," if n else "") + dumps(item)
    closing = dumps(tail())
    yield "]" + ("," + closing[1:] if closing != "{}" else "}")
