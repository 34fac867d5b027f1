"""parents_not_notified: a pupil on SEN support whose parents have not been told.

Watches each pupil on roll whose SEN status is SEN support (K), in effect by
the as-of date, with no formal notification of parents recorded by then for
that status. It raises an alert once the grace days after the status took
effect have passed. Each change of status is its own alert (subject
``{pupil}/{status change}``).

Only the pupil's current status is kept, so a run for a past date judges
the status the pupil has now. Pupils with an EHC plan are left out: the LA
issues the plan to the parents.

The alert resolves itself when the notification is recorded, or the status
changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, plural
from apdr.projections.monitoring import sen_status
from apdr.projections.pupils import pupils

KIND = "parents_not_notified"
READ_MODELS = ("monitoring", "pupils")
# The rule: Code of Practice 6.48, "Where it is decided to provide a pupil with SEN support,
# the parents must be formally notified". It sets no period: the grace is apdr's.
THRESHOLDS = (
    Threshold(
        "parents_notification_days",
        7,
        0,
        60,
        "days",
        "how many days after SEN support begins parents must have been formally notified",
        source="apdr's default: a week to send the letter; Code of Practice 6.48 requires the "
        "notification but sets no period",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    grace = context.thresholds["parents_notification_days"]
    for row in _unnotified(context):
        waiting = (context.as_of - row.effective_on).days
        if waiting <= grace:
            continue
        yield Cause(
            subject=f"{row.pupil_id}/{row.change_id}",
            summary=(
                f"{row.given_name} {row.family_name} has been on SEN support since {day(row.effective_on)} "
                f"({plural(waiting, 'day')}) and no formal notification of parents is recorded. "
                "Notify the parents, as the Code of Practice requires, and record it."
            ),
            pupil_id=row.pupil_id,
            details={"effective_on": row.effective_on.isoformat(), "days_waiting": waiting},
        )


def _unnotified(context: Context) -> sa.CursorResult[Any]:
    s = sen_status.c
    return context.conn.execute(
        sa.select(s.pupil_id, s.change_id, s.effective_on, pupils.c.given_name, pupils.c.family_name)
        .join(pupils, pupils.c.pupil_id == s.pupil_id)
        .where(
            pupils.c.setting_id == context.setting_id,
            s.status == "K",
            s.effective_on <= context.as_of,
            sa.or_(s.parents_notified_on.is_(None), s.parents_notified_on > context.as_of),
            on_roll(context.as_of),
        )
    )
