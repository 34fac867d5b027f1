"""overdue_review: a support plan past its review date, not reviewed.

Watches each open plan of a pupil on roll. Its review date is the one in
force on the as-of date: the date the last review before it set, or the
plan's first review date; where no review followed the as-of date, the date
as it stands now (so a review date moved by a SENCO counts). The plan is
overdue when that date passed more than the grace days ago.

The alert resolves itself when the plan is reviewed (which sets the next
review date), its review is moved, or it is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, plural, running
from apdr.projections.monitoring import plan_reviews, plans
from apdr.projections.projection import reads
from apdr.projections.pupils import pupils

KIND = "overdue_review"
READ_MODELS = ("monitoring", "pupils")
THRESHOLDS = (
    # Code of Practice 6.48 and Core Standard Five descriptor 25: plans have a
    # clear review date and are reviewed with parents at least termly. A
    # school week's grace lets a review held on time be written up.
    Threshold(
        "plan_review_grace_days",
        7,
        0,
        60,
        "days",
        "how many days after its review date a plan may go unreviewed before an alert",
    ),
)


def review_due_as_of(
    as_of: date, first_due: date, due_now: date | None, reviews: list[tuple[date, date | None]]
) -> date | None:
    """The review date in force on ``as_of``; ``reviews`` are (reviewed_on,
    next_review_due_on) in order."""
    before = [r for r in reviews if r[0] <= as_of]
    if len(before) == len(reviews):
        return due_now
    return before[-1][1] if before else first_due


@reads(*READ_MODELS)
def reviews_due(conn: sa.Connection, setting_id: UUID, today: date, last: date) -> list[dict[str, Any]]:
    """Open support plans of pupils on roll whose review date, as it stands, falls by ``last``
    (those already past it first): the reviews to arrange with pupils and parents
    (Code of Practice 6.48: plans are reviewed at least termly, on a date set at the last one)."""
    p = plans.c
    rows = conn.execute(
        sa.select(
            p.plan_id,
            p.pupil_id,
            p.review_due_on,
            pupils.c.given_name,
            pupils.c.family_name,
            pupils.c.class_name,
        )
        .join(pupils, pupils.c.pupil_id == p.pupil_id)
        .where(
            p.setting_id == setting_id,
            running(p.starts_on, p.closed_on, today),
            on_roll(today),
            p.review_due_on <= last,
        )
        .order_by(p.review_due_on, pupils.c.family_name, pupils.c.given_name, p.plan_id)
    )
    return [dict(r._mapping) | {"overdue": r.review_due_on < today} for r in rows]


def causes(context: Context) -> Iterator[Cause]:
    grace = context.thresholds["plan_review_grace_days"]
    reviews = _reviews(context)
    for row in _open_plans(context):
        due = review_due_as_of(
            context.as_of, row.first_review_due_on, row.review_due_on, reviews.get(row.plan_id, [])
        )
        if due is None or (context.as_of - due).days <= grace:
            continue
        late = (context.as_of - due).days
        yield Cause(
            subject=f"{row.pupil_id}/{row.plan_id}",
            summary=(
                f"{row.given_name} {row.family_name}'s support plan was due for review on {day(due)}, "
                f"{plural(late, 'day')} ago, and has not been reviewed. Hold the review with the pupil "
                "and parents, or agree a new date."
            ),
            pupil_id=row.pupil_id,
            plan_id=row.plan_id,
            details={"review_due_on": due.isoformat(), "days_overdue": late},
        )


def _open_plans(context: Context) -> sa.CursorResult[Any]:
    p = plans.c
    return context.conn.execute(
        sa.select(plans, pupils.c.given_name, pupils.c.family_name)
        .join(pupils, pupils.c.pupil_id == p.pupil_id)
        .where(
            p.setting_id == context.setting_id,
            running(p.starts_on, p.closed_on, context.as_of),
            on_roll(context.as_of),
        )
    )


def _reviews(context: Context) -> dict[Any, list[tuple[date, date | None]]]:
    rows = context.conn.execute(
        sa.select(plan_reviews.c.plan_id, plan_reviews.c.reviewed_on, plan_reviews.c.next_review_due_on)
        .join(plans, plans.c.plan_id == plan_reviews.c.plan_id)
        .where(plans.c.setting_id == context.setting_id)
        .order_by(plan_reviews.c.plan_id, plan_reviews.c.reviewed_on)
    )
    found: dict[Any, list[tuple[date, date | None]]] = {}
    for r in rows:
        found.setdefault(r.plan_id, []).append((r.reviewed_on, r.next_review_due_on))
    return found
