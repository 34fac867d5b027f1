"""ehcp_deadline: a statutory EHC deadline coming up, or missed.

Watches each pupil on roll with EHCP milestones recorded on or before the
as-of date, and raises every deadline they leave open (the periods, and what
meets each, are in ``apdr.policies.ehc_timescales``; they are law, not
settings). A pupil can have several open at once: after a decision to assess,
the LA's decision whether to issue a plan (16 weeks) and the final plan (20
weeks); after a review meeting, the school's report (2 weeks) and the LA's
decision (4 weeks); in Year 6 or Year 11, the amended plan for the phase
transfer beside the annual review.

Each deadline is its own alert (subject ``{pupil}/{milestone awaited}/{due
date}``), raised a set number of days before it is due and kept while it is
missed; it resolves itself when the awaited milestone is recorded. The warning
before an annual review is long enough to do what the review needs first:
ask for advice, then give two weeks' notice of the meeting and circulate the
advice two weeks before it (SEND Regulations 2014 reg. 20(3), (4)). For a phase
transfer it counts back from the last day for the review meeting that still
lets the LA issue the amended plan in time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.ehc_timescales import LA_DECISION, REPORT, REVIEW, Deadline, notice_by, open_deadlines
from apdr.policies.policy import Cause, Context, Threshold, day, on_roll, plural
from apdr.projections.monitoring import ehcp_milestones
from apdr.projections.pupils import pupils

KIND = "ehcp_deadline"
READ_MODELS = ("monitoring", "pupils")
THRESHOLDS = (
    Threshold(
        LA_DECISION,
        14,
        0,
        90,
        "days",
        "how many days before one of the LA's EHC deadlines (the decisions whether to assess and whether "
        "to issue a plan, the final plan, the decision after an annual review) the alert is raised",
        "apdr's default: two weeks leaves time to chase the LA before its statutory deadline",
    ),
    Threshold(
        REVIEW,
        56,
        28,
        120,
        "days",
        "how many days before an EHC plan's annual review is due (or, for a phase transfer, the last day "
        "for its review meeting) the alert is raised",
        "apdr's default: eight weeks leaves about four weeks to gather advice before the two weeks' notice "
        "of the meeting and the advice circulated two weeks before it (SEND Regulations 2014 reg. 20(3), "
        "(4)); less than four weeks leaves no time to gather advice",
    ),
    Threshold(
        REPORT,
        7,
        0,
        14,
        "days",
        "how many days before the report of an annual review meeting is due the alert is raised",
        "apdr's default: a week's reminder within the two weeks SEND Regulations 2014 reg. 20(7) allows",
    ),
)

# What the school does about each deadline, in a SENCO's words.
ACTIONS = {
    "decision_to_assess": "Chase the LA for its decision.",
    "draft_plan_issued": "Chase the LA for the draft plan, or its decision not to issue one.",
    "plan_issued": "Chase the LA for the final plan.",
    "review_report_sent": "Send the report, with its recommendations, to the LA and everyone invited.",
    "review_decision": "Chase the LA for its decision.",
}


def causes(context: Context) -> Iterator[Cause]:
    for pupil_id, (name, born, milestones) in _milestones(context).items():
        for deadline in open_deadlines(milestones, born, context.as_of):
            warning = context.thresholds[deadline.warning]
            if context.as_of >= deadline.warn_before - timedelta(days=warning):
                yield _cause(pupil_id, name, deadline, context.as_of)


def _cause(pupil_id: UUID, name: str, deadline: Deadline, as_of: date) -> Cause:
    left = (deadline.due_on - as_of).days
    return Cause(
        subject=f"{pupil_id}/{deadline.awaiting}/{deadline.due_on.isoformat()}",
        summary=(
            f"{name}: {deadline.what} is due by {day(deadline.due_on)} ({deadline.basis}): "
            f"{_when(left)}. {action(deadline, as_of)}"
        ),
        pupil_id=pupil_id,
        details={
            "awaiting": deadline.awaiting,
            "due_on": deadline.due_on.isoformat(),
            "days_left": left,
            "source": deadline.source,
        },
    )


def _when(left: int) -> str:
    if left < 0:
        return f"overdue by {plural(-left, 'day')}"
    return "due today" if left == 0 else f"{plural(left, 'day')} left"


def action(deadline: Deadline, as_of: date) -> str:
    """What to do next, and by when."""
    if deadline.awaiting in ACTIONS:
        return ACTIONS[deadline.awaiting]
    meeting_by = deadline.warn_before
    if deadline.awaiting == "plan_amended":
        first = (
            f"Hold the review meeting by {day(meeting_by)}, so the LA can decide within 4 weeks and "
            "issue the amended plan within 8 more"
        )
    else:
        first = f"Hold the review meeting by {day(meeting_by)}"
    if as_of <= notice_by(meeting_by):
        return (
            f"{first}: ask everyone for their advice now, then send the invitations and circulate "
            f"the advice by {day(notice_by(meeting_by))}, two weeks before the meeting."
        )
    return f"{first}, or as soon as you can with two weeks' notice, and tell the LA."


def _milestones(context: Context) -> dict[UUID, tuple[str, date, list[tuple[str, date]]]]:
    m = ehcp_milestones.c
    p = pupils.c
    rows = context.conn.execute(
        sa.select(m.pupil_id, m.milestone, m.reached_on, p.given_name, p.family_name, p.date_of_birth)
        .join(pupils, p.pupil_id == m.pupil_id)
        .where(p.setting_id == context.setting_id, m.reached_on <= context.as_of, on_roll(context.as_of))
        .order_by(m.pupil_id, m.version)
    )
    found: dict[UUID, tuple[str, date, list[tuple[str, Any]]]] = {}
    for r in rows:
        found.setdefault(r.pupil_id, (f"{r.given_name} {r.family_name}", r.date_of_birth, []))[2].append(
            (r.milestone, r.reached_on)
        )
    return found
