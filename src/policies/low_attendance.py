"""low_attendance: a pupil attends too few of the sessions delivered.

Watches each pupil on roll enrolled, on the as-of date, in an intervention
still running. Over the sessions delivered since the pupil's enrolment began (up
to the as-of date), a pupil marked present, late or leaving early attended;
absent did not. Nothing is judged on fewer than a minimum number of sessions.

The alert resolves itself when the pupil's attendance recovers, when a
wrongly marked register is corrected, or when the pupil is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, running
from apdr.projections.provision_map import enrolments, interventions, pupil_marks
from apdr.projections.pupils import pupils

KIND = "low_attendance"
READ_MODELS = ("provision_map", "pupils")
# The rule: the EEF's features of effective interventions as Core Standard Five lists them
# (en dashes as in the source):
#   "Sessions occur regularly (3–5 times per week)"  # noqa: RUF003
#   "sessions are maintained over a sustained period (8–20 weeks)"  # noqa: RUF003
# A pupil who misses sessions does not get that dose. The EEF sets no attendance figure:
# both thresholds are apdr's.
THRESHOLDS = (
    Threshold(
        "attendance_percent_min",
        80,
        1,
        100,
        "percent",
        "the share of delivered sessions a pupil must attend",
        source="apdr's default: four sessions in five; the EEF's features ask for regular sessions "
        "(Core Standard Five) but set no attendance figure",
    ),
    Threshold(
        "attendance_sessions_min",
        6,
        1,
        100,
        "sessions",
        "how many sessions must have been delivered before attendance is judged",
        source="apdr's default: two weeks of a programme run three times a week, so that one "
        "absence early on does not raise an alert",
    ),
)


def attends_too_little(attended: int, delivered: int, fewest_sessions: int, percent_min: int) -> bool:
    """Below ``percent_min`` percent attended, once enough sessions were delivered
    (in whole numbers, so 4 of 5 is exactly 80%)."""
    return delivered >= fewest_sessions and attended * 100 < percent_min * delivered


def causes(context: Context) -> Iterator[Cause]:
    fewest = context.thresholds["attendance_sessions_min"]
    percent_min = context.thresholds["attendance_percent_min"]
    for row in _counts(context):
        delivered, attended = int(row.delivered), int(row.attended or 0)
        if attends_too_little(attended, delivered, fewest, percent_min):
            name = f"{row.given_name} {row.family_name}"
            share = round(100 * attended / delivered)
            yield Cause(
                subject=f"{row.intervention_id}/{row.pupil_id}",
                summary=(
                    f"{name} attended {attended} of {delivered} {row.name} sessions since "
                    f"{day(row.enrolled_on)} ({share}%, below {percent_min}%). "
                    "Find out why, and whether the timing or the group suits them."
                ),
                pupil_id=row.pupil_id,
                intervention_id=row.intervention_id,
                plan_id=row.plan_id,
                details={"delivered": delivered, "attended": attended, "percent": share},
            )


@dataclass
class _Place:
    """A pupil's current place in an intervention, and its sessions so far."""

    intervention_id: UUID
    pupil_id: UUID
    plan_id: UUID | None
    enrolled_on: date
    name: str
    given_name: str
    family_name: str
    delivered: int = 0
    attended: int = 0


def _counts(context: Context) -> list[_Place]:
    """Per current enrolment: sessions delivered while enrolled, and attended."""
    e, i = enrolments.c, interventions.c
    rows = context.conn.execute(
        sa.select(
            e.intervention_id,
            e.pupil_id,
            e.plan_id,
            e.starts_on.label("enrolled_on"),
            i.name,
            pupils.c.given_name,
            pupils.c.family_name,
        )
        .join(interventions, i.intervention_id == e.intervention_id)
        .join(pupils, pupils.c.pupil_id == e.pupil_id)
        .where(
            i.setting_id == context.setting_id,
            running(i.starts_on, i.ended_on, context.as_of),
            running(e.starts_on, e.ends_on, context.as_of),
            on_roll(context.as_of),
        )
    )
    places = {(r.intervention_id, r.pupil_id): _Place(**r._asdict()) for r in rows}
    if places:
        first = min(place.enrolled_on for place in places.values())
        for intervention_id, pupil_id, on, attended in pupil_marks(
            context.conn, context.setting_id, first, context.as_of
        ):
            place = places.get((intervention_id, pupil_id))
            if place is not None and on >= place.enrolled_on:
                place.delivered += 1
                place.attended += attended
    return list(places.values())
