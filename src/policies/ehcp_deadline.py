"""ehcp_deadline: a statutory EHC deadline coming up, or missed.

Watches each pupil on roll with EHCP milestones recorded on or before the
as-of date, and finds the next deadline from the last one (the periods are
law, not settings):

- requested: the LA decides whether to assess within 6 weeks of the request
  (SEND Regulations 2014 reg. 5; Code of Practice 9.14);
- decision to assess: the final plan is issued within 20 weeks of the
  request (reg. 13; Code of Practice 9.40);
- plan issued, or annual review: the plan is reviewed within 12 months of
  being issued or last reviewed (reg. 18; Code of Practice 9.166);
- decided not to assess, or not to issue: no deadline.

An alert is raised a set number of days before the deadline, so there is
time to chase, and stays while it is missed. Each deadline is its own alert
(subject ``{pupil}/{milestone awaited}/{due date}``); it resolves itself when
the awaited milestone is recorded.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, plural
from apdr.projections.monitoring import ehcp_milestones
from apdr.projections.pupils import pupils

KIND = "ehcp_deadline"
READ_MODELS = ("monitoring", "pupils")
THRESHOLDS = (
    # Two weeks leaves time to chase the LA or arrange a review meeting (the
    # Code of Practice 9.176 asks for two weeks' notice of the review meeting).
    Threshold(
        "ehcp_warning_days",
        14,
        0,
        90,
        "days",
        "how many days before an EHC deadline the alert is raised",
    ),
)

DECISION_WEEKS = 6  # request to the decision whether to assess
FINAL_PLAN_WEEKS = 20  # request to the final plan
REVIEW_MONTHS = 12  # plan issued or last reviewed to the next annual review


@dataclass(frozen=True)
class Deadline:
    awaiting: str
    due_on: date
    counted_from: date
    what: str


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter."""
    years, month = divmod(d.month - 1 + months, 12)
    year = d.year + years
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def next_deadline(milestones: Iterable[tuple[str, date]]) -> Deadline | None:
    """The deadline the last of ``milestones`` (in the order reached) sets, if any."""
    requested_on: date | None = None
    deadline: Deadline | None = None
    for milestone, reached_on in milestones:
        if milestone == "requested":
            requested_on = reached_on
            deadline = Deadline(
                "decision_to_assess",
                reached_on + timedelta(weeks=DECISION_WEEKS),
                reached_on,
                "the LA's decision whether to carry out an EHC needs assessment",
            )
        elif milestone == "decision_to_assess" and requested_on is not None:
            deadline = Deadline(
                "plan_issued",
                requested_on + timedelta(weeks=FINAL_PLAN_WEEKS),
                requested_on,
                "the final EHC plan",
            )
        elif milestone in ("plan_issued", "annual_review"):
            deadline = Deadline(
                "annual_review",
                add_months(reached_on, REVIEW_MONTHS),
                reached_on,
                "the EHC plan's annual review",
            )
        else:
            deadline = None
    return deadline


def causes(context: Context) -> Iterator[Cause]:
    warning = context.thresholds["ehcp_warning_days"]
    for pupil_id, (name, milestones) in _milestones(context).items():
        deadline = next_deadline(milestones)
        if deadline is None or context.as_of < deadline.due_on - timedelta(days=warning):
            continue
        left = (deadline.due_on - context.as_of).days
        when = (
            f"overdue by {plural(-left, 'day')}"
            if left < 0
            else ("due today" if left == 0 else f"{plural(left, 'day')} left")
        )
        action = "Arrange the review meeting." if deadline.awaiting == "annual_review" else "Chase the LA."
        yield Cause(
            subject=f"{pupil_id}/{deadline.awaiting}/{deadline.due_on.isoformat()}",
            summary=(
                f"{name}: {deadline.what} is due by {day(deadline.due_on)} "
                f"(counted from {day(deadline.counted_from)}): {when}. {action}"
            ),
            pupil_id=pupil_id,
            details={
                "awaiting": deadline.awaiting,
                "due_on": deadline.due_on.isoformat(),
                "days_left": left,
            },
        )


def _milestones(context: Context) -> dict[UUID, tuple[str, list[tuple[str, date]]]]:
    m = ehcp_milestones.c
    rows = context.conn.execute(
        sa.select(m.pupil_id, m.milestone, m.reached_on, pupils.c.given_name, pupils.c.family_name)
        .join(pupils, pupils.c.pupil_id == m.pupil_id)
        .where(
            pupils.c.setting_id == context.setting_id, m.reached_on <= context.as_of, on_roll(context.as_of)
        )
        .order_by(m.pupil_id, m.version)
    )
    found: dict[UUID, tuple[str, list[tuple[str, Any]]]] = {}
    for r in rows:
        found.setdefault(r.pupil_id, (f"{r.given_name} {r.family_name}", []))[1].append(
            (r.milestone, r.reached_on)
        )
    return found
