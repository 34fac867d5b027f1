"""curriculum_narrowing: a pupil taken out of class too much, or from the same lesson too often.

Watches each pupil on the as-of date across every intervention they are
enrolled in that runs out of class (individual or small-group delivery in
lesson time; whole-class support, and support planned as outside lessons, is
not withdrawal). Their withdrawal each week is the
sum of each intervention's sessions a week times its minutes, as timetabled
on the as-of date (as is the lesson they miss). Two causes, reported in one
alert per pupil:

- out of class for more than a set share of the teaching week;
- withdrawn from the same lesson more than a set number of times a week
  (lessons compared whatever their case and spacing).

The lesson missed (``withdrawn_from``) is optional when an intervention is
planned. Left blank, the safe reading is taken: its time still counts as
time out of class, and it is taken to be the same lesson each session (so
an unnamed lesson missed four times a week raises the alert, and says the
lesson is not recorded). Support that takes no lesson is planned (or
changed, from a date) with ``outside_lessons``.

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
from apdr.projections.provision_map import enrolments, interventions, timetables
from apdr.projections.pupils import pupils

KIND = "curriculum_narrowing"
READ_MODELS = ("provision_map", "pupils")
# The rule: Core Standard Five descriptor 13, "Careful timetabling of interventions means
# that children/ young people with SEND continue to access a broad and balanced curriculum
# and that no children/ young people are accessing a reduced or narrowed curriculum due to
# over attendance at intervention sessions". It sets no share of the week or count of
# lessons: the thresholds are apdr's.
THRESHOLDS = (
    Threshold(
        "withdrawal_percent_max",
        20,
        1,
        100,
        "percent",
        "the largest share of the teaching week a pupil may spend withdrawn from class",
        source="apdr's default: more than a day a week out of class; descriptor 13 of Core Standard "
        "Five asks that no curriculum is narrowed but sets no share",
    ),
    Threshold(
        "teaching_minutes_per_week",
        1500,
        300,
        2400,
        "minutes",
        "the minutes of teaching in the setting's week",
        source="apdr's default: the DfE's minimum school week of 32.5 hours (Length of the school "
        "week, non-statutory guidance, 2023), which counts breaks, less about 90 minutes a day of "
        "registration, breaks and lunch",
    ),
    Threshold(
        "same_lesson_sessions_max",
        3,
        1,
        10,
        "sessions a week",
        "how many times a week a pupil may be withdrawn from the same lesson",
        source="apdr's default: careful timetabling (Core Standard Five descriptor 13) rotates what "
        "is missed; three is the fewest sessions a week of the EEF's 3-5",
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
            lesson = (
                ps[0]["withdrawn_from"] or "the same lesson (not recorded: say which in the intervention)"
            )
            names = listing(p["name"] for p in ps)
            problems.append(f"misses {lesson} {_sessions(ps)} times a week (over {same_max}): {names}")
        yield Cause(
            subject=str(pupil_id),
            summary=f"{name} {'; and '.join(problems)}. Re-time or reduce the interventions.",
            pupil_id=pupil_id,
            details={
                "minutes_a_week": minutes,
                "percent_of_week": round(100 * minutes / week),
                "lessons_missed_too_often": sorted(ps[0]["withdrawn_from"] for ps in too_often.values()),
                "lessons_not_recorded": sorted(p["name"] for p in places if not p["withdrawn_from"]),
            },
        )


def _sessions(places: list[dict[str, Any]]) -> int:
    return sum(p["sessions"] for p in places)


def _by_lesson(places: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Places grouped by the lesson they take the pupil from; an intervention with
    no lesson recorded is a group of its own (the safe reading: the same lesson
    each session)."""
    lessons: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in places:
        lesson = " ".join(p["withdrawn_from"].casefold().split()) or f"(not recorded) {p['intervention_id']}"
        lessons[lesson].append(p)
    return lessons


def _withdrawals(context: Context) -> dict[UUID, tuple[str, list[dict[str, Any]]]]:
    """Each pupil's out-of-class interventions on the as-of date."""
    e, i = enrolments.c, interventions.c
    rows = context.conn.execute(
        sa.select(
            e.pupil_id,
            pupils.c.given_name,
            pupils.c.family_name,
            i.intervention_id,
            i.name,
        )
        .join(interventions, i.intervention_id == e.intervention_id)
        .join(pupils, pupils.c.pupil_id == e.pupil_id)
        .where(
            i.setting_id == context.setting_id,
            i.delivery != "class",
            running(i.starts_on, i.ended_on, context.as_of),
            running(e.starts_on, e.ends_on, context.as_of),
            on_roll(context.as_of),
        )
        .order_by(e.pupil_id, i.name)
    )
    rows = rows.all()
    timetable_of = timetables(context.conn, context.setting_id, {r.intervention_id for r in rows})
    found: dict[UUID, tuple[str, list[dict[str, Any]]]] = {}
    for r in rows:
        schedule = timetable_of[r.intervention_id].on(context.as_of)
        if schedule.outside_lessons:
            continue  # before school, at break or lunch, after school: no lesson missed
        sessions = len(schedule.weekdays)
        found.setdefault(r.pupil_id, (f"{r.given_name} {r.family_name}", []))[1].append(
            {
                "intervention_id": r.intervention_id,
                "name": r.name,
                "sessions": sessions,
                "minutes": schedule.minutes_per_session,
                "minutes_a_week": sessions * schedule.minutes_per_session,
                "withdrawn_from": schedule.withdrawn_from,
            }
        )
    return found
