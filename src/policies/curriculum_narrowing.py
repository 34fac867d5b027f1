"""curriculum_narrowing: a pupil taken out of class too much, or from the same lesson too often.

Watches each pupil on the as-of date across every intervention they are
enrolled in that runs out of class (individual or small-group delivery with
a lesson or activity named as what they miss; whole-class support is not
withdrawal). Their withdrawal each week is the sum of each intervention's
sessions a week times its minutes. Two causes, reported in one alert per
pupil:

- out of class for more than a set share of the teaching week;
- withdrawn from the same lesson more than a set number of times a week
  (lessons compared whatever their case and spacing).

The alert resolves itself when the timetable changes: the pupil is
withdrawn from an intervention, or an intervention ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, listing, on_roll, running
from apdr.projections.provision_map import enrolments, interventions
from apdr.projections.pupils import pupils

KIND = "curriculum_narrowing"
READ_MODELS = ("provision_map", "pupils")
THRESHOLDS = (
    # Descriptor 13: no pupil should have a narrowed curriculum through
    # over-attendance at interventions. More than a day a week out of class.
    Threshold(
        "withdrawal_percent_max",
        20,
        1,
        100,
        "percent",
        "the largest share of the teaching week a pupil may spend withdrawn from class",
    ),
    # The DfE's 32.5-hour school week less registration, breaks and lunch.
    Threshold(
        "teaching_minutes_per_week",
        1500,
        300,
        2400,
        "minutes",
        "the minutes of teaching in the setting's week",
    ),
    # EEF: 3-5 sessions a week; careful timetabling (descriptor 13) rotates
    # what is missed, so no lesson is lost more than three times a week.
    Threshold(
        "same_lesson_sessions_max",
        3,
        1,
        10,
        "sessions a week",
        "how many times a week a pupil may be withdrawn from the same lesson",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    percent_max = context.thresholds["withdrawal_percent_max"]
    week = context.thresholds["teaching_minutes_per_week"]
    same_max = context.thresholds["same_lesson_sessions_max"]
    for pupil_id, (name, places) in _withdrawals(context).items():
        minutes = sum(p["minutes_a_week"] for p in places)
        too_much = minutes * 100 > percent_max * week
        lessons = _by_lesson(places)
        too_often = {lesson: ps for lesson, ps in lessons.items() if _sessions(ps) > same_max}
        if not (too_much or too_often):
            continue
        problems = []
        if too_much:
            problems.append(
                f"is out of class for {minutes} minutes a week ({round(100 * minutes / week)}% of a "
                f"{week}-minute teaching week, over {percent_max}%): "
                + listing(f"{p['name']} ({p['sessions']} x {p['minutes']} min)" for p in places)
            )
        for ps in too_often.values():
            problems.append(
                f"misses {ps[0]['withdrawn_from']} {_sessions(ps)} times a week "
                f"(over {same_max}): {listing(p['name'] for p in ps)}"
            )
        yield Cause(
            subject=str(pupil_id),
            summary=f"{name} {'; and '.join(problems)}. Re-time or reduce the interventions.",
            pupil_id=pupil_id,
            details={
                "minutes_a_week": minutes,
                "percent_of_week": round(100 * minutes / week),
                "lessons_missed_too_often": sorted(ps[0]["withdrawn_from"] for ps in too_often.values()),
            },
        )


def _sessions(places: list[dict[str, Any]]) -> int:
    return sum(p["sessions"] for p in places)


def _by_lesson(places: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    lessons: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in places:
        lessons[" ".join(p["withdrawn_from"].casefold().split())].append(p)
    return lessons


def _withdrawals(context: Context) -> dict[UUID, tuple[str, list[dict[str, Any]]]]:
    """Each pupil's out-of-class interventions on the as-of date."""
    e, i = enrolments.c, interventions.c
    rows = context.conn.execute(
        sa.select(
            e.pupil_id,
            pupils.c.given_name,
            pupils.c.family_name,
            i.name,
            i.weekdays,
            i.minutes_per_session,
            i.withdrawn_from,
        )
        .join(interventions, i.intervention_id == e.intervention_id)
        .join(pupils, pupils.c.pupil_id == e.pupil_id)
        .where(
            i.setting_id == context.setting_id,
            i.delivery != "class",
            i.withdrawn_from != "",
            running(i.starts_on, i.ended_on, context.as_of),
            running(e.starts_on, e.ends_on, context.as_of),
            on_roll(context.as_of),
        )
        .order_by(e.pupil_id, i.name)
    )
    found: dict[UUID, tuple[str, list[dict[str, Any]]]] = {}
    for r in rows:
        sessions = len(r.weekdays.split(","))
        found.setdefault(r.pupil_id, (f"{r.given_name} {r.family_name}", []))[1].append(
            {
                "name": r.name,
                "sessions": sessions,
                "minutes": r.minutes_per_session,
                "minutes_a_week": sessions * r.minutes_per_session,
                "withdrawn_from": r.withdrawn_from,
            }
        )
    return found
