"""overdue_review: a support plan past its review date, or not reviewed for a whole term.

Two rules, each checkable by hand from the plan's page and the term dates:

- **Past its review date.** The plan's review date is the one in force on the
  as-of date: the date the last review before it set, or the plan's first
  review date; where no review followed the as-of date, the date as it stands
  now (so a review date moved by a SENCO counts). Code of Practice 6.48: the
  support is agreed "along with a clear date for review".
- **Not reviewed termly.** Whatever review date was typed, a plan is due
  for review by the end of the first whole term of the setting's calendar
  (from its first day to its last) that began after the plan started or was
  last reviewed. A plan written on 21 September and not reviewed by the end
  of the spring term has gone a whole term without one. Code of Practice 6.65:
  "Schools should meet parents at least three times each year"; Core Standard
  Five descriptor 25: plans are reviewed with parents at least termly. Reading
  both as one review a term, measured on the setting's own terms, is apdr's.

The plan is overdue when the earlier of the two dates passed more than the
grace days ago; the alert says which rule it is (``details["rule"]``:
``past_review_date`` or ``not_reviewed_termly``). It resolves itself when the
plan is reviewed (which sets the next review date), its review is moved past
the as-of date while a term has not yet gone by unreviewed, or it is closed.
``reviews_due``, the SENCO's list of reviews to arrange, uses the same two
dates, so a plan the alert will name is on the list first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.school_year import SchoolCalendar, Term
from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, plural, running
from apdr.projections.monitoring import plan_reviews, plans
from apdr.projections.projection import reads
from apdr.projections.pupils import pupils

KIND = "overdue_review"
READ_MODELS = ("monitoring", "pupils")
PAST_REVIEW_DATE = "past_review_date"
NOT_REVIEWED_TERMLY = "not_reviewed_termly"
THRESHOLDS = (
    Threshold(
        "plan_review_grace_days",
        7,
        0,
        60,
        "days",
        "how many days after its review date, or after the end of a term with no review, a plan may go "
        "unreviewed before an alert",
        source="apdr's default: a school week, for a review held on time to be written up",
    ),
)


@dataclass(frozen=True)
class ReviewDue:
    """When a plan's next review is due, and by which rule: its own review date
    (``term`` None), or the end of the first whole term since ``since``."""

    on: date
    rule: str
    since: date
    term: Term | None = None


def review_due_as_of(
    as_of: date, first_due: date, due_now: date | None, reviews: list[tuple[date, date | None]]
) -> date | None:
    """The review date in force on ``as_of``; ``reviews`` are (reviewed_on,
    next_review_due_on) in order."""
    before = [r for r in reviews if r[0] <= as_of]
    if len(before) == len(reviews):
        return due_now
    return before[-1][1] if before else first_due


def first_whole_term_after(since: date, calendar: SchoolCalendar) -> Term | None:
    """The first term of the calendar that begins after ``since``: the whole term a
    plan written or reviewed on ``since`` must not go through unreviewed."""
    return min((t for t in calendar.terms if t.starts_on > since), key=lambda t: t.starts_on, default=None)


def review_due(since: date, review_date: date | None, calendar: SchoolCalendar) -> ReviewDue | None:
    """The earlier of the plan's own review date and the end of the first whole term
    after ``since`` (the plan's start or its last review); the review date on a tie."""
    found = []
    if review_date is not None:
        found.append(ReviewDue(review_date, PAST_REVIEW_DATE, since))
    term = first_whole_term_after(since, calendar)
    if term is not None:
        found.append(ReviewDue(term.ends_on, NOT_REVIEWED_TERMLY, since, term))
    return min(found, key=lambda d: (d.on, d.rule != PAST_REVIEW_DATE), default=None)


@reads(*READ_MODELS)
def reviews_due(
    conn: sa.Connection, setting_id: UUID, today: date, last: date, calendar: SchoolCalendar
) -> list[dict[str, Any]]:
    """Open support plans of pupils on roll whose review falls due by ``last`` (those
    already past it first): the reviews to arrange with pupils and parents. Due is the
    plan's review date as it stands or, by the setting's ``calendar``, the end of the
    first whole term since it started or was last reviewed, whichever is earlier (the
    two rules of this module)."""
    p = plans.c
    last_reviewed_on = (
        sa.select(sa.func.max(plan_reviews.c.reviewed_on))
        .where(plan_reviews.c.plan_id == p.plan_id)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            p.plan_id,
            p.pupil_id,
            p.starts_on,
            p.review_due_on,
            last_reviewed_on.label("last_reviewed_on"),
            pupils.c.given_name,
            pupils.c.family_name,
            pupils.c.class_name,
        )
        .join(pupils, pupils.c.pupil_id == p.pupil_id)
        .where(p.setting_id == setting_id, running(p.starts_on, p.closed_on, today), on_roll(today))
    )
    found = []
    for r in rows:
        since = max(d for d in (r.starts_on, r.last_reviewed_on) if d is not None)
        due = review_due(since, r.review_due_on, calendar)
        if due is None or due.on > last:
            continue
        found.append(
            {
                "plan_id": r.plan_id,
                "pupil_id": r.pupil_id,
                "given_name": r.given_name,
                "family_name": r.family_name,
                "class_name": r.class_name,
                "review_due_on": due.on,
                "overdue": due.on < today,
                "rule": due.rule,
                "term": due.term.name if due.term else None,
            }
        )
    return sorted(found, key=lambda f: (f["review_due_on"], f["family_name"], f["given_name"], f["plan_id"]))


def causes(context: Context) -> Iterator[Cause]:
    grace = context.thresholds["plan_review_grace_days"]
    reviews = _reviews(context)
    for row in _open_plans(context):
        held = reviews.get(row.plan_id, [])
        review_date = review_due_as_of(context.as_of, row.first_review_due_on, row.review_due_on, held)
        since = max([row.starts_on, *(on for on, _ in held if on <= context.as_of)])
        due = review_due(since, review_date, context.calendar)
        if due is None or (context.as_of - due.on).days <= grace:
            continue
        late = (context.as_of - due.on).days
        yield Cause(
            subject=f"{row.pupil_id}/{row.plan_id}",
            summary=f"{row.given_name} {row.family_name}'s support plan {_why(due, late, row.starts_on)}",
            pupil_id=row.pupil_id,
            plan_id=row.plan_id,
            details=_details(due, late),
        )


def _why(due: ReviewDue, late: int, plan_starts_on: date) -> str:
    if due.term is None:
        return (
            f"was due for review on {day(due.on)}, {plural(late, 'day')} ago, and has not been reviewed. "
            "Hold the review with the pupil and parents, or agree a new date."
        )
    done = "it was written" if due.since == plan_starts_on else "its last review"
    term = f"{_term(due.term)} ({day(due.term.starts_on)} to {day(due.term.ends_on)})"
    return (
        f"has gone a whole term without a review: none since {done} on {day(due.since)}, "
        f"and {term} ended {plural(late, 'day')} ago. "
        "Plans are reviewed with the pupil and parents at least termly, whatever review date was set: "
        "hold the review."
    )


def _term(term: Term) -> str:
    """'the spring term'; a setting's own name kept as it is ('the Spring 2 term', 'the Spring term')."""
    return f"the {term.name}" if term.name.lower().endswith("term") else f"the {term.name} term"


def _details(due: ReviewDue, late: int) -> dict[str, Any]:
    details: dict[str, Any] = {"review_due_on": due.on.isoformat(), "days_overdue": late, "rule": due.rule}
    if due.term is not None:
        details |= {"unreviewed_since": due.since.isoformat(), "term": due.term.name}
    return details


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
