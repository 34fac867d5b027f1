"""Rules about dates and text that every aggregate applies the same way."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, TypeVar

from apdr.errors import InvalidInput

T = TypeVar("T")


def must_have_happened(
    field: str, day: date, today: date, *, not_before: date | None = None, not_before_what: str = ""
) -> None:
    """A record of something that happened cannot be dated in the future, nor
    before the thing it is about existed (a pupil's birth, a plan's start)."""
    if day > today:
        raise InvalidInput(
            field, f"{field} {day.isoformat()} is in the future (today is {today.isoformat()})"
        )
    if not_before is not None and day < not_before:
        raise InvalidInput(
            field, f"{field} {day.isoformat()} is before {not_before_what} ({not_before.isoformat()})"
        )


def must_be_after(field: str, later: date, earlier: date, what: str) -> None:
    if later <= earlier:
        raise InvalidInput(field, f"{field} {later.isoformat()} must be after {what} ({earlier.isoformat()})")


def must_have_text(field: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise InvalidInput(field, f"{field} must not be empty")
    return value.strip()


def copy_one_level(aggregate: T, memo: dict[int, Any] | None = None) -> T:
    """How the repository copies a cached aggregate for a command to change.

    The ``@event`` methods never change a nested value in place: they put a
    new dict, list or tuple in its place. So copying each container one level
    deep is enough for the copy and the cached original never to share a
    change, and it costs microseconds where a deep copy of every session an
    intervention ever had costs tens of milliseconds.
    """
    clone = object.__new__(type(aggregate))
    clone.__dict__.update(
        {k: copy.copy(v) if isinstance(v, dict | list | set) else v for k, v in vars(aggregate).items()}
    )
    return clone
