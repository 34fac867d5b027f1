"""A session as the chronology keeps it: its details as JSON and each pupil's
mark as ``hex:status``, and what a correction changed in either."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from apdr.aggregates.codes import AttendanceStatus
from apdr.projections.chronology.wording import clip, day, words


def session_data(e: Any) -> dict[str, Any]:
    # Already plain: sessions are most of the log, and the encoder is quicker without calling back.
    return {
        "intervention_id": str(e.originator_id),
        "session_id": str(e.session_id),
        "delivered_on": e.delivered_on.isoformat(),
        "minutes": e.minutes,
        "delivered_by": str(e.delivered_by),
        "focus": e.focus,
        "notes": e.notes,
    }


def marks_text(attendance: list[dict[str, Any]]) -> str:
    return " ".join(f"{m['pupil_id'].hex}:{m['status'].value}" for m in attendance)


def read_marks(text: str) -> dict[UUID, str]:
    """Pupil -> attendance status, from a session row's ``marks``."""
    return {UUID(pupil): status for pupil, status in (mark.split(":") for mark in text.split())}


def session_changes(was: dict[str, Any], e: Any) -> list[str]:
    """What a correction changed for everyone in the session (``was``: its details as they stood)."""
    changes = []
    if e.delivered_on.isoformat() != was["delivered_on"]:
        earlier = date.fromisoformat(was["delivered_on"])
        changes.append(f"delivered on {day(e.delivered_on)}, not {day(earlier)}")
    if e.minutes != was["minutes"]:
        changes.append(f"{e.minutes} minutes, not {was['minutes']}")
    if e.focus != was["focus"]:
        changes.append(f"focus '{clip(e.focus, 60)}'")
    if e.notes != was["notes"]:
        changes.append("notes corrected")
    if str(e.delivered_by) != was["delivered_by"]:
        changes.append("delivered by someone else")
    return changes


def mark_change(was: str | None, now: AttendanceStatus | None) -> list[str]:
    """What a correction changed in one pupil's mark."""
    if was is None and now is not None:
        return [f"{words(now)}, added to the session"]
    if was is not None and now is None:
        return ["not in the session after all"]
    if was is not None and now is not None and was != now.value:
        return [f"{words(now)}, not {words(was)}"]
    return []
