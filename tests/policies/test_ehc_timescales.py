"""The statutory EHC timescales as dates, property-tested across the years (SEND Regulations 2014,
Children and Families Act 2014 s.44)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.school_year import academic_year_of, year_group
from apdr.policies.ehc_timescales import (
    add_months,
    annual_review_due,
    latest_review_meeting_for,
    notice_by,
    open_deadlines,
    phase_transfer,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
NO_TRANSFER = date(1950, 1, 1)  # never in Year 6 or Year 11 from 2000 on: no phase transfer to watch


def due(milestones: list[tuple[str, date]], as_of: date, born: date = NO_TRANSFER) -> dict[str, date]:
    return {d.awaiting: d.due_on for d in open_deadlines(milestones, born, as_of)}


@given(DAYS)
def test_given_any_request_when_it_is_received_then_the_decision_whether_to_assess_is_due_six_weeks_later(
    requested_on: date,
) -> None:
    assert due([("requested", requested_on)], requested_on) == {
        "decision_to_assess": requested_on + timedelta(days=42)
    }


@given(DAYS, st.integers(min_value=0, max_value=42))
def test_given_any_decision_to_assess_when_it_is_recorded_then_the_decision_to_issue_is_due_at_sixteen_weeks_and_the_plan_at_twenty(
    requested_on: date, days_later: int
) -> None:
    decided_on = requested_on + timedelta(days=days_later)

    open_now = due([("requested", requested_on), ("decision_to_assess", decided_on)], decided_on)

    assert open_now == {
        "draft_plan_issued": requested_on + timedelta(weeks=16),
        "plan_issued": requested_on + timedelta(weeks=20),
    }
    assert (
        open_now["plan_issued"].weekday() == open_now["draft_plan_issued"].weekday() == requested_on.weekday()
    )


@given(DAYS)
def test_given_any_day_a_plan_is_issued_when_its_review_is_due_then_it_is_the_last_day_of_the_twelve_months_starting_with_it(
    issued_on: date,
) -> None:
    review_by = due(
        [("requested", issued_on), ("decision_to_assess", issued_on), ("plan_issued", issued_on)], issued_on
    )

    if (issued_on.month, issued_on.day) == (2, 29):
        assert review_by == {"annual_review": date(issued_on.year + 1, 2, 28)}
    else:
        assert review_by == {"annual_review": issued_on.replace(year=issued_on.year + 1) - timedelta(days=1)}
    assert (review_by["annual_review"] - issued_on).days + 1 in (365, 366)  # a whole year, not a day more
    assert review_by["annual_review"] < add_months(issued_on, 12) or (issued_on.month, issued_on.day) == (
        2,
        29,
    )


def test_given_the_examples_when_twelve_months_starting_with_them_end_then_it_is_the_day_before_the_anniversary() -> (
    None
):
    assert annual_review_due(date(2026, 1, 10)) == date(2027, 1, 9)
    assert annual_review_due(date(2024, 2, 29)) == date(2025, 2, 28)
    assert annual_review_due(date(2023, 3, 1)) == date(2024, 2, 29)
    assert annual_review_due(date(2027, 2, 28)) == date(2028, 2, 27)


@given(DAYS)
def test_given_any_review_meeting_when_it_is_held_then_the_report_is_due_in_two_weeks_the_decision_in_four_and_the_next_review_in_twelve_months(
    meeting_on: date,
) -> None:
    milestones = [
        ("requested", date(1999, 1, 4)),
        ("decision_to_assess", date(1999, 2, 1)),
        ("plan_issued", date(1999, 5, 3)),
        ("annual_review", meeting_on),
    ]

    assert due(milestones, meeting_on) == {
        "review_report_sent": meeting_on + timedelta(days=14),
        "review_decision": meeting_on + timedelta(days=28),
        "annual_review": annual_review_due(meeting_on),
    }
    assert notice_by(meeting_on) == meeting_on - timedelta(days=14)


@st.composite
def pupils_about_to_move(draw: st.DrawFn) -> tuple[date, date, int]:
    """A date in a school year from 2000/01 to 2089/90, and a pupil in Year 6 or Year 11 on it."""
    school_year = draw(st.integers(min_value=2000, max_value=2089))
    in_year = draw(st.sampled_from([6, 11]))
    on = draw(st.dates(min_value=date(school_year, 9, 1), max_value=date(school_year + 1, 8, 31)))
    cohort = school_year - in_year - 4  # born September of the year before to August of this one
    born = draw(st.dates(min_value=date(cohort - 1, 9, 1), max_value=date(cohort, 8, 31)))
    return born, on, in_year


@given(pupils_about_to_move())
def test_given_a_pupil_in_year_6_or_year_11_when_the_move_is_within_the_year_then_the_plan_is_amended_before_15_february_or_31_march(
    pupil: tuple[date, date, int],
) -> None:
    born, on, in_year = pupil
    assert year_group(born, on) == in_year

    transfer = phase_transfer(born, on)

    assert transfer is not None
    moves_in = academic_year_of(on) + 1  # the calendar year the pupil moves, in September
    before = date(moves_in, 2, 15) if in_year == 6 else date(moves_in, 3, 31)
    assert transfer.amend_by == before - timedelta(days=1)
    assert transfer.school_year_starts <= on <= transfer.amend_by + timedelta(days=200)
    assert latest_review_meeting_for(transfer.amend_by) == transfer.amend_by - timedelta(weeks=12)


@given(DAYS, DAYS)
def test_given_any_pupil_not_in_year_6_or_11_when_asked_then_there_is_no_phase_transfer(
    born: date, on: date
) -> None:
    if year_group(born, on) not in (6, 11):
        assert phase_transfer(born, on) is None


YEAR_6_IN_2026 = date(2016, 1, 20)  # Year 6 in 2026/27: moves to secondary school in September 2027
PLAN = [
    ("requested", date(2025, 9, 8)),
    ("decision_to_assess", date(2025, 10, 13)),
    ("plan_issued", date(2026, 1, 19)),
]


def test_given_a_year_6_pupil_with_a_plan_when_the_school_year_starts_then_the_amended_plan_is_due_by_14_february() -> (
    None
):
    deadlines = open_deadlines(PLAN, YEAR_6_IN_2026, date(2026, 9, 1))

    (transfer,) = [d for d in deadlines if d.awaiting == "plan_amended"]
    assert transfer.due_on == date(2027, 2, 14)
    assert transfer.warn_before == date(2026, 11, 22)  # 12 weeks before: 4 to decide, 8 to amend
    assert transfer.source == "SEND Regulations 2014 reg. 18(1)"


def test_given_a_year_6_pupil_when_only_a_review_meeting_is_held_then_the_amended_plan_is_still_awaited() -> (
    None
):
    reviewed = [*PLAN, ("annual_review", date(2026, 10, 5))]

    assert "plan_amended" in due(reviewed, date(2026, 10, 6), YEAR_6_IN_2026)
    assert "plan_amended" not in due(
        [*reviewed, ("plan_amended", date(2026, 12, 1))], date(2026, 12, 1), YEAR_6_IN_2026
    )


def test_given_a_plan_amended_in_year_5_when_year_6_starts_then_the_phase_transfer_is_still_awaited() -> None:
    amended_last_year = [*PLAN, ("annual_review", date(2026, 3, 2)), ("plan_amended", date(2026, 5, 4))]

    assert due(amended_last_year, date(2026, 9, 1), YEAR_6_IN_2026)["plan_amended"] == date(2027, 2, 14)


def test_given_a_plan_first_issued_after_14_february_of_year_6_when_the_policy_looks_then_no_phase_transfer_is_due() -> (
    None
):
    late_plan = [
        ("requested", date(2026, 9, 7)),
        ("decision_to_assess", date(2026, 10, 12)),
        ("plan_issued", date(2027, 3, 1)),
    ]

    assert due(late_plan, date(2027, 3, 2), YEAR_6_IN_2026) == {"annual_review": date(2028, 2, 29)}


def test_given_a_year_11_pupil_with_a_plan_when_the_school_year_starts_then_the_amended_plan_is_due_by_30_march() -> (
    None
):
    year_11 = date(2011, 6, 1)

    assert due(PLAN, date(2026, 9, 1), year_11)["plan_amended"] == date(2027, 3, 30)


def test_given_each_way_the_process_stops_when_the_policy_looks_then_no_deadline_remains() -> None:
    requested = [("requested", date(2026, 9, 1))]
    assessing = [*requested, ("decision_to_assess", date(2026, 10, 1))]

    assert due([*requested, ("decided_not_to_assess", date(2026, 10, 1))], date(2026, 10, 2)) == {}
    assert due([*assessing, ("decided_not_to_issue", date(2026, 12, 1))], date(2026, 12, 2)) == {}
    assert due([*PLAN, ("plan_ceased", date(2026, 9, 7))], date(2026, 9, 8), YEAR_6_IN_2026) == {}


def test_given_a_draft_plan_when_it_is_sent_then_only_the_final_plan_is_awaited() -> None:
    drafted = [
        ("requested", date(2026, 9, 1)),
        ("decision_to_assess", date(2026, 10, 1)),
        ("draft_plan_issued", date(2026, 12, 1)),
    ]

    assert due(drafted, date(2026, 12, 2)) == {"plan_issued": date(2027, 1, 19)}


def test_given_a_review_meeting_when_the_report_then_the_decision_are_recorded_then_each_closes_its_own_deadline() -> (
    None
):
    met = [*PLAN, ("annual_review", date(2026, 11, 2))]

    reported = due([*met, ("review_report_sent", date(2026, 11, 10))], date(2026, 11, 10))
    decided = due([*met, ("review_decision", date(2026, 11, 20))], date(2026, 11, 20))

    assert reported == {"review_decision": date(2026, 11, 30), "annual_review": date(2027, 11, 1)}
    assert decided == {"annual_review": date(2027, 11, 1)}
