"""Rules about dates and text that every aggregate applies the same way."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any, TypeVar

from apdr.errors import InvalidInput

T = TypeVar("T")


FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2099, 12, 31)
"""The dates a record takes from outside (the API, a file): wide enough for any pupil's
record, narrow enough that no date sum overflows and no calendar is built for millennia."""


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


# Text that others are shown may not hide what it says (the hardening issue's text rule):
# no C0 control but tab, line feed and carriage return, no DEL, no C1 control (U+0080-U+009F) ...
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ... no bidirectional formatting (marks, embeddings, overrides, isolates), which shows text in an
# order other than it was typed: U+202E makes "Amira" read as "arimA" in a colleague's list ...
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# ... and a name is one line.
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


def text_fault(value: str, *, one_line: bool = False) -> str | None:
    """What makes ``value`` unfit to record and show to others, or None: the one rule the
    API applies to every string it is sent and the aggregates to names from anywhere.

    Such text is refused, never stripped: the person typing is told which field holds
    what, where stripping would record something other than they sent, unseen."""
    checks = [
        (_CONTROLS, "control characters are not allowed"),
        (_BIDI, "bidirectional formatting characters are not allowed"),
    ]
    if one_line:
        checks.append((_LINE_BREAKS, "a name is one line: tabs and line breaks are not allowed"))
    for pattern, what in checks:
        if found := pattern.search(value):
            return f"{what} (found U+{ord(found.group()):04X})"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid Unicode text"  # an unpaired surrogate: no database can store it
    return None


def must_be_a_name(field: str, value: str | None) -> str:
    """A name (a pupil's, a member of staff's, a class's), trimmed: not empty, and one line
    of text that shows as it was typed."""
    name = must_have_text(field, value)
    if fault := text_fault(name, one_line=True):
        raise InvalidInput(field, f"{field}: {fault}")
    return name


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
