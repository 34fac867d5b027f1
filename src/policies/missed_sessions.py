"""missed_sessions: an intervention delivered less often than its timetable expects.

Watches every intervention running on the as-of date. Its expected sessions
are its weekdays on the setting's teaching days (its term dates less
half-terms and closures; apdr's default English calendar where it has set
none), from its start to the as-of date or its planned end, whichever comes
first, on the days at least one pupil was enrolled (a session cannot be held
for nobody); delivered one to one, a session for each pupil enrolled that
day. Where the timetable was changed (``PATCH /interventions/{id}``), each
part of the time counts the weekdays and planned end in force then, so
extending an intervention after its review extends what is expected from
the day the change took effect, and never changes what was expected before.
Every session delivered in that time counts, whichever day it was moved to.
A session recorded as missed is still not delivered; its reason goes into
the summary.

The alert resolves itself when the sessions that did happen are recorded,
when steady delivery brings the share back over the threshold, or when the
intervention ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa

from apdr.aggregates.codes import Delivery
from apdr.aggregates.intervention import Schedule
from apdr.aggregates.school_year import SchoolCalendar
from apdr.policies.policy import Cause, Context, Threshold, day, plural, running_interventions
from apdr.projections.provision_map import enrolments, missed, sessions, timetables

KIND = "missed_sessions"
READ_MODELS = ("provision_map",)
# The rule: Core Standard Five descriptor 17, "The setting monitors how often and how well
# targeted support and intervention are delivered", and the EEF's features of effective
# interventions as Core Standard Five lists them (en dashes as in the source):
#   "Sessions occur regularly (3–5 times per week)"  # noqa: RUF003
#   "Careful timetabling is in place to enable consistent delivery"
# Neither sets a number of sessions that may be missed: both thresholds are apdr's.
THRESHOLDS = (
    Threshold(
        "missed_sessions_min",
        3,
        1,
        100,
        "sessions",
        "how many timetabled sessions an intervention may fall short before it raises an alert",
        source="apdr's default: a week of sessions for a programme run three times a week, the fewest "
        "the EEF's features of effective interventions describe (3-5 a week, Core Standard Five)",
    ),
    Threshold(
        "sessions_delivered_percent_min",
        80,
        1,
        100,
        "percent",
        "the share of timetabled sessions an intervention must deliver",
        source="apdr's default: four sessions in five; the EEF's features ask for regular, consistent "
        "delivery (Core Standard Five) but set no share",
    ),
)

Span = tuple[date, date | None]


def expected_sessions(
    calendar: SchoolCalendar,
    timetabled: Iterable[tuple[date, date, Schedule]],
    spans: Iterable[Span],
    one_to_one: bool = False,
) -> list[date]:
    """The dates of the sessions timetabled in each part of the time (from,
    to, the schedule in force): each teaching day on its weekdays on which a
    pupil was enrolled (a span's end day is its last). Delivered one to one,
    each pupil enrolled that day has their own session, so the day appears
    once for each."""
    spans = list(spans)
    expected = []
    for first, last, schedule in timetabled:
        for d in calendar.scheduled_days(schedule.iso_weekdays, first, last):
            enrolled = sum(1 for start, end in spans if start <= d and (end is None or d <= end))
            expected += [d] * (enrolled if one_to_one else min(enrolled, 1))
    return expected


def falls_short(expected: int, delivered: int, fewest_missed: int, percent_min: int) -> bool:
    """Short by at least ``fewest_missed`` sessions and below ``percent_min`` percent
    delivered (in whole numbers, so 80% of 10 is exactly 8)."""
    return expected - delivered >= fewest_missed and delivered * 100 < percent_min * expected


def causes(context: Context) -> Iterator[Cause]:
    fewest_missed = context.thresholds["missed_sessions_min"]
    percent_min = context.thresholds["sessions_delivered_percent_min"]
    rows = list(running_interventions(context))
    timetable_of = timetables(context.conn, context.setting_id, [r.intervention_id for r in rows])
    for row in rows:
        timetable = timetable_of[row.intervention_id]
        timetabled = list(timetable.spans(row.starts_on, context.as_of))
        if not timetabled:
            continue
        first, last = timetabled[0][0], timetabled[-1][1]
        spans = _spans(context.conn, row.intervention_id)
        one_to_one = row.delivery == Delivery.individual.value
        expected = expected_sessions(context.calendar, timetabled, spans, one_to_one)
        if not expected:
            continue
        delivered = _delivered(context.conn, row.intervention_id, first, last)
        if falls_short(len(expected), delivered, fewest_missed, percent_min):
            reasons = _missed_reasons(context.conn, row.intervention_id, first, last)
            yield _cause(row, expected, delivered, reasons, percent_min)


def _spans(conn: sa.Connection, intervention_id: Any) -> list[Span]:
    rows = conn.execute(
        sa.select(enrolments.c.starts_on, enrolments.c.ends_on).where(
            enrolments.c.intervention_id == intervention_id
        )
    )
    return [(r.starts_on, r.ends_on) for r in rows]


def _delivered(conn: sa.Connection, intervention_id: Any, first: date, last: date) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(
                sessions.c.intervention_id == intervention_id,
                sessions.c.voided.is_(False),
                sessions.c.delivered_on.between(first, last),
            )
        ).scalar_one()
    )


def _missed_reasons(conn: sa.Connection, intervention_id: Any, first: date, last: date) -> Counter[str]:
    rows = conn.execute(
        sa.select(missed.c.reason).where(
            missed.c.intervention_id == intervention_id, missed.c.scheduled_on.between(first, last)
        )
    )
    return Counter(r.reason for r in rows)


def _cause(row: Any, expected: list[date], delivered: int, reasons: Counter[str], percent_min: int) -> Cause:
    short = len(expected) - delivered
    share = round(100 * delivered / len(expected))
    recorded = sum(reasons.values())
    why = (
        f"; {recorded} recorded as missed ("
        + ", ".join(f"{reason.replace('_', ' ')} x{n}" for reason, n in reasons.most_common())
        + ")"
        if recorded
        else "; none recorded as missed"
    )
    return Cause(
        subject=str(row.intervention_id),
        summary=(
            f"{row.name}: {short} of {plural(len(expected), 'timetabled session')} since "
            f"{day(expected[0])} not delivered ({share}% delivered, below {percent_min}%{why}). "
            "Record the sessions that did happen, or plan how the rest will be made up."
        ),
        intervention_id=row.intervention_id,
        details={
            "expected": len(expected),
            "delivered": delivered,
            "not_delivered": short,
            "recorded_as_missed": recorded,
            "since": expected[0].isoformat(),
        },
    )
