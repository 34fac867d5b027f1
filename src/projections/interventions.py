"""The interventions as a SENCO or a teaching assistant lists them, and each one's
session register: queries over the provision map's tables (as ``reach`` is),
with each intervention's timetable as it stands on the day asked about."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.projections.projection import reads
from apdr.projections.provision_map import (
    MARK,
    assignments,
    enrolments,
    interventions,
    missed,
    sessions,
    timetables,
)
from apdr.projections.pupils import pupils


@reads("provision_map", "pupils")
def intervention_list(
    conn: sa.Connection, setting_id: UUID, *, status: str, today: date, staff_id: UUID | None = None
) -> list[dict[str, Any]]:
    """The setting's interventions by name: ``running`` (not ended by today),
    ``ended`` or ``all``; only those ``staff_id`` is assigned to, if given.
    Each with its timetable as it stands today, its staff, and its pupils:
    those enrolled today or later (for an ended one, on its last day)."""
    i = interventions.c
    where = [i.setting_id == setting_id]
    if status == "running":
        where.append(sa.or_(i.ended_on.is_(None), i.ended_on > today))
    elif status == "ended":
        where.append(i.ended_on <= today)
    if staff_id is not None:
        where.append(
            i.intervention_id.in_(
                sa.select(assignments.c.intervention_id).where(assignments.c.staff_id == staff_id)
            )
        )
    rows = conn.execute(sa.select(interventions).where(*where).order_by(i.name, i.intervention_id)).all()
    ids = [r.intervention_id for r in rows]
    timetable_of = timetables(conn, setting_id, ids)
    staff_of: dict[UUID, list[UUID]] = {}
    for intervention_id, member in conn.execute(
        sa.select(assignments.c.intervention_id, assignments.c.staff_id)
        .where(assignments.c.intervention_id.in_(ids))
        .order_by(assignments.c.staff_id)
    ):
        staff_of.setdefault(intervention_id, []).append(member)
    pupils_of: dict[UUID, list[dict[str, Any]]] = {}
    ended_on = {r.intervention_id: r.ended_on for r in rows}
    for r in conn.execute(
        sa.select(
            enrolments.c.intervention_id,
            enrolments.c.pupil_id,
            enrolments.c.ends_on,
            pupils.c.given_name,
            pupils.c.family_name,
        )
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .where(enrolments.c.intervention_id.in_(ids))
        .order_by(pupils.c.family_name, pupils.c.given_name, enrolments.c.pupil_id)
    ):
        on = min(d for d in (ended_on[r.intervention_id], today) if d is not None)
        if r.ends_on is None or r.ends_on >= on:
            names = pupils_of.setdefault(r.intervention_id, [])
            if all(p["pupil_id"] != r.pupil_id for p in names):
                names.append({"pupil_id": r.pupil_id, "pupil_name": f"{r.given_name} {r.family_name}"})
    found = []
    for r in rows:
        timetable = timetable_of[r.intervention_id]
        schedule = timetable.on(today)
        ended = r.ended_on is not None and r.ended_on <= today
        found.append(
            {
                "id": r.intervention_id,
                "name": r.name,
                "programme": r.programme,
                "area_of_need": r.area_of_need,
                "delivery": r.delivery,
                "ratio": r.ratio,
                "location": r.location,
                "withdrawn_from": schedule.withdrawn_from,
                "outside_lessons": schedule.outside_lessons,
                "weekdays": [d.value for d in schedule.weekdays],
                "minutes_per_session": schedule.minutes_per_session,
                "starts_on": r.starts_on,
                "planned_weeks": schedule.planned_weeks,
                "ends_on": r.ended_on if ended else schedule.planned_end(r.starts_on),
                "ended": ended,
                "review_due_on": None if ended else timetable.review_due_on(today),
                "staff_ids": staff_of.get(r.intervention_id, []),
                "pupils": pupils_of.get(r.intervention_id, []),
            }
        )
    return found


STATUS_OF_MARK = {code: status.value for status, code in MARK.items()}


def _within(column: sa.ColumnElement[date], first: date | None, last: date | None) -> list[Any]:
    """``column`` on or after ``first`` and on or before ``last``, where they are given."""
    where = []
    if first is not None:
        where.append(column >= first)
    if last is not None:
        where.append(column <= last)
    return where


@reads("provision_map")
def session_register(
    conn: sa.Connection, intervention_id: UUID, first: date | None = None, last: date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """An intervention's sessions (as corrected; voided ones marked so) and the
    sessions recorded as missed, from ``first`` to ``last`` (either open), by date."""
    s = sessions.c
    where = [s.intervention_id == intervention_id, *_within(s.delivered_on, first, last)]
    delivered = [
        {
            "session_id": r.session_id,
            "delivered_on": r.delivered_on,
            "minutes": r.minutes,
            "delivered_by": r.delivered_by,
            "focus": r.focus,
            "notes": r.notes,
            "voided": r.voided,
            "attendance": [
                {"pupil_id": UUID(mark[:32]), "status": STATUS_OF_MARK[mark[32]]} for mark in r.marks.split()
            ],
        }
        for r in conn.execute(sa.select(sessions).where(*where).order_by(s.delivered_on, s.session_id))
    ]
    m = missed.c
    where = [m.intervention_id == intervention_id, *_within(m.scheduled_on, first, last)]
    not_held = [
        {"missed_id": r.missed_id, "scheduled_on": r.scheduled_on, "reason": r.reason, "notes": r.notes}
        for r in conn.execute(sa.select(missed).where(*where).order_by(m.scheduled_on))
    ]
    return {"sessions": delivered, "missed": not_held}
