"""The statutory EHC timescales as date arithmetic: which deadlines a pupil's
EHCP milestones leave open, and when each is due.

Pure functions over plain data (no database), so every date can be
property-tested. The periods are law, not settings:

- a request: the LA decides whether to carry out an EHC needs assessment
  within 6 weeks of receiving it (SEND Regulations 2014 reg. 5(1));
- a decision to assess: the LA decides whether to issue a plan within 16 weeks
  of the request, for a decision not to issue must be notified by then
  (reg. 10(1)); the final plan is sent within 20 weeks of the request
  (reg. 13(2)). Both are open at once until the draft or final plan, or the
  decision not to issue, is recorded;
- a plan issued, or an annual review meeting: the plan is reviewed in the
  period of 12 months starting with the date it was made or last reviewed
  (Children and Families Act 2014 s.44(1)): the period ends the day before the
  same date next year. apdr counts from the review meeting, the earliest day a
  review can be said to be "last reviewed", so the school is never told late;
- an annual review meeting: the school (whoever arranged the meeting) sends its
  report within two weeks of the meeting (reg. 20(7)), and the LA notifies its
  decision to keep, amend or cease the plan within four weeks of it
  (reg. 20(10));
- a phase transfer: a pupil with a plan in Year 6 (primary to secondary) has it
  reviewed and amended, naming the next school, before 15 February of the
  calendar year of the move; a pupil in Year 11 (secondary to post-16), before
  31 March (reg. 18(1)). "Before" makes the last day 14 February and
  30 March. Only a recorded ``plan_amended`` dated in that school year meets
  it, because the point of the review is the amended plan naming the next
  school; a review meeting alone does not. apdr does not know a setting's phase,
  so it does not watch the other transfers reg. 2(1) lists (early years to
  school, infant to junior, primary to middle, middle to secondary), and it
  watches Year 6 and Year 11 even where the pupil stays (an all-through school,
  a school sixth form): the SENCO resolves that alert by hand;
- a decision not to assess, not to issue, or a plan ceased: nothing more until
  a new request.

The LA's decisions and the amended plan are the LA's to make; apdr raises them
so the school can chase in time.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from apdr.aggregates.school_year import academic_year_of, year_group
from apdr.policies.policy import day

DECISION_WEEKS = 6  # SEND Regulations 2014 reg. 5(1): request to the decision whether to assess
ISSUE_DECISION_WEEKS = 16  # reg. 10(1): request to the notice of a decision not to issue a plan
FINAL_PLAN_WEEKS = 20  # reg. 13(2): request to the final plan
REVIEW_MONTHS = 12  # Children and Families Act 2014 s.44(1)
NOTICE_WEEKS = 2  # reg. 20(3) notice of the meeting; reg. 20(4) advice circulated before it
REPORT_WEEKS = 2  # reg. 20(7): the review meeting to the report
REVIEW_DECISION_WEEKS = 4  # reg. 20(10): the review meeting to the LA's decision
AMENDED_PLAN_WEEKS = 8  # reg. 22(3): the proposed amendments to the final amended plan
# Phase transfers (reg. 18(1)): year group in the school year before the move,
# the month and day the plan must be amended *before*, and the move in words.
TRANSFERS = {
    6: (2, 15, "the move to secondary school", "secondary school"),  # reg. 18(1)(b)
    11: (3, 31, "the move to post-16 education", "school or college for post-16 education"),  # reg. 18(1)(a)
}

# Which warning each deadline is raised with (the thresholds in ehcp_deadline).
LA_DECISION = "ehcp_warning_days"
REVIEW = "ehcp_review_warning_days"
REPORT = "ehcp_report_warning_days"


@dataclass(frozen=True)
class Deadline:
    """One statutory deadline left open by a pupil's milestones.

    ``awaiting`` is the milestone that meets it; ``warn_before`` the date the
    warning counts back from (the due date, or the last day for the meeting
    that must come first); ``warning`` the threshold that sets how far back."""

    awaiting: str
    due_on: date
    what: str
    basis: str
    source: str
    warning: str
    warn_before: date


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter."""
    years, month = divmod(d.month - 1 + months, 12)
    year = d.year + years
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def last_day_of_months_starting_with(d: date, months: int) -> date:
    """The last day of the period of ``months`` months starting with ``d``.

    The period ends the day before the same date ``months`` later (12 months
    starting with 10 Jan 2026 end on 9 Jan 2027); where that month has no such
    date (29 February in a common year), on the month's last day."""
    years, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month + 1
    if d.day > calendar.monthrange(year, month)[1]:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, d.day) - timedelta(days=1)


def weeks_after(d: date, weeks: int) -> date:
    """The last day of a period of ``weeks`` weeks from ``d``: the same weekday ``weeks`` later."""
    return d + timedelta(weeks=weeks)


def annual_review_due(made_or_reviewed_on: date) -> date:
    """Children and Families Act 2014 s.44(1): the last day of the 12 months starting with that date."""
    return last_day_of_months_starting_with(made_or_reviewed_on, REVIEW_MONTHS)


def notice_by(meeting_on: date) -> date:
    """SEND Regulations 2014 reg. 20(3) and (4): the last day to give notice of a
    review meeting on ``meeting_on``, and to circulate everyone's advice."""
    return meeting_on - timedelta(weeks=NOTICE_WEEKS)


@dataclass(frozen=True)
class PhaseTransfer:
    """A move between phases of education within 12 months (SEND Regulations 2014 reg. 18(1))."""

    school_year_starts: date
    amend_by: date  # the last day: the plan is amended *before* 15 February or 31 March
    move: str
    next_place: str


def phase_transfer(date_of_birth: date, on: date) -> PhaseTransfer | None:
    """The phase transfer ``on`` falls within 12 months of, if apdr watches one:
    a pupil in Year 6 or Year 11 moves at the end of that school year."""
    transfer = TRANSFERS.get(year_group(date_of_birth, on))
    if transfer is None:
        return None
    month, before_day, move, next_place = transfer
    school_year = academic_year_of(on)
    amend_by = date(school_year + 1, month, before_day) - timedelta(days=1)
    return PhaseTransfer(date(school_year, 9, 1), amend_by, move, next_place)


def open_deadlines(
    milestones: Iterable[tuple[str, date]], date_of_birth: date, as_of: date
) -> list[Deadline]:
    """Every deadline ``milestones`` (in the order reached) leave open as of ``as_of``."""
    state = _Process()
    for milestone, reached_on in milestones:
        state.reach(milestone, reached_on)
    deadlines = list(state.open.values())
    transfer = _phase_transfer(state, date_of_birth, as_of)
    if transfer is not None:
        deadlines.append(transfer)
    return sorted(deadlines, key=lambda d: (d.due_on, d.awaiting))


class _Process:
    """The EHC process folded over its milestones: the deadlines still open."""

    def __init__(self) -> None:
        self.open: dict[str, Deadline] = {}
        self.requested_on: date | None = None
        self.plan_issued_on: date | None = None
        self.amended_on: list[date] = []

    def reach(self, milestone: str, on: date) -> None:
        handler = getattr(self, f"_{milestone}", None)
        if handler is not None:
            handler(on)

    def _requested(self, on: date) -> None:
        self.requested_on = on
        self.open = {"decision_to_assess": _weeks_from("decision_to_assess", on)}

    def _decision_to_assess(self, on: date) -> None:
        self.open.pop("decision_to_assess", None)
        if self.requested_on is not None:
            self.open["draft_plan_issued"] = _weeks_from("draft_plan_issued", self.requested_on)
            self.open["plan_issued"] = _weeks_from("plan_issued", self.requested_on)

    def _decided_not_to_assess(self, on: date) -> None:
        self.open = {}

    def _draft_plan_issued(self, on: date) -> None:
        self.open.pop("draft_plan_issued", None)

    def _decided_not_to_issue(self, on: date) -> None:
        self.open = {}

    def _plan_issued(self, on: date) -> None:
        self.plan_issued_on = on
        self.open = {"annual_review": _annual_review(on, "the day the plan was issued")}

    def _annual_review(self, on: date) -> None:
        self.open["annual_review"] = _annual_review(on, "the day of the last review meeting")
        self.open["review_report_sent"] = _weeks_from("review_report_sent", on)
        self.open["review_decision"] = _weeks_from("review_decision", on)

    def _review_report_sent(self, on: date) -> None:
        self.open.pop("review_report_sent", None)

    def _review_decision(self, on: date) -> None:
        # The review is concluded: a report still unrecorded is no longer worth chasing.
        self.open.pop("review_decision", None)
        self.open.pop("review_report_sent", None)

    def _plan_amended(self, on: date) -> None:
        self.amended_on.append(on)
        self.open.pop("review_decision", None)
        self.open.pop("review_report_sent", None)

    def _plan_ceased(self, on: date) -> None:
        self.plan_issued_on = None
        self.open = {}


@dataclass(frozen=True)
class _Period:
    """A deadline a fixed number of weeks after the request or the review meeting."""

    weeks: int
    what: str
    counted_from: str
    source: str
    warning: str


# Keyed by the milestone that meets each deadline.
PERIODS = {
    "decision_to_assess": _Period(
        DECISION_WEEKS,
        "the LA's decision whether to carry out an EHC needs assessment",
        "the request",
        "SEND Regulations 2014 reg. 5(1)",
        LA_DECISION,
    ),
    "draft_plan_issued": _Period(
        ISSUE_DECISION_WEEKS,
        "the LA's decision whether to issue an EHC plan",
        "the request",
        "SEND Regulations 2014 reg. 10(1)",
        LA_DECISION,
    ),
    "plan_issued": _Period(
        FINAL_PLAN_WEEKS, "the final EHC plan", "the request", "SEND Regulations 2014 reg. 13(2)", LA_DECISION
    ),
    "review_report_sent": _Period(
        REPORT_WEEKS,
        "the report of the annual review meeting",
        "the meeting",
        "SEND Regulations 2014 reg. 20(7)",
        REPORT,
    ),
    "review_decision": _Period(
        REVIEW_DECISION_WEEKS,
        "the LA's decision to keep, amend or cease the EHC plan",
        "the review meeting",
        "SEND Regulations 2014 reg. 20(10)",
        LA_DECISION,
    ),
}


def _weeks_from(awaiting: str, start: date) -> Deadline:
    period = PERIODS[awaiting]
    due = weeks_after(start, period.weeks)
    return Deadline(
        awaiting,
        due,
        period.what,
        f"{period.weeks} weeks from {period.counted_from} on {day(start)}",
        period.source,
        period.warning,
        due,
    )


def _annual_review(on: date, since: str) -> Deadline:
    due = annual_review_due(on)
    return Deadline(
        "annual_review",
        due,
        "the EHC plan's annual review meeting",
        f"12 months starting with {day(on)}, {since}",
        "Children and Families Act 2014 s.44(1); SEND Regulations 2014 reg. 20(3), (4)",
        REVIEW,
        due,
    )


def _phase_transfer(state: _Process, date_of_birth: date, as_of: date) -> Deadline | None:
    """The amended plan for a phase transfer, unless it is recorded this school
    year, or the plan was first issued after the day it was due."""
    transfer = phase_transfer(date_of_birth, as_of)
    issued_on = state.plan_issued_on
    if transfer is None or issued_on is None or issued_on > transfer.amend_by:
        return None
    if any(on >= transfer.school_year_starts for on in state.amended_on):
        return None
    return Deadline(
        "plan_amended",
        transfer.amend_by,
        f"the amended EHC plan naming the {transfer.next_place}",
        f"before {day(transfer.amend_by + timedelta(days=1))}, the year of {transfer.move}",
        "SEND Regulations 2014 reg. 18(1)",
        REVIEW,
        latest_review_meeting_for(transfer.amend_by),
    )


def latest_review_meeting_for(amended_by: date) -> date:
    """The last day for a review meeting whose amended plan can still be final by
    ``amended_by``: the LA has 4 weeks to propose amendments (SEND Regulations
    2014 reg. 20(10)) and 8 more to finalise them (reg. 22(3))."""
    return amended_by - timedelta(weeks=REVIEW_DECISION_WEEKS + AMENDED_PLAN_WEEKS)
