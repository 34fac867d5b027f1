"""ehcp_deadline: the statutory deadlines of an EHC needs assessment and plan."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import EhcpMilestone
from apdr.policies.ehcp_deadline import add_months, next_deadline
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, of_kind, run, run_twice_and_find_one

KIND = "ehcp_deadline"


def test_given_a_request_for_assessment_when_the_decision_is_two_weeks_off_then_one_alert_until_it_is_recorded(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    history.milestone(amira, EhcpMilestone.requested, date(2026, 9, 1))  # decision due 13 October
    history.milestone(ben, EhcpMilestone.requested, date(2026, 9, 1))
    history.milestone(ben, EhcpMilestone.decision_to_assess, date(2026, 9, 28))  # plan due 19 January

    early = run(apdr, history, date(2026, 9, 28))  # fifteen days left: not yet
    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 29), KIND)

    assert of_kind(early.raised, KIND) == []
    assert alert["pupil_id"] == amira
    assert alert["subject"] == f"{amira}/decision_to_assess/2026-10-13"
    assert alert["summary"] == (
        "Amira Khan: the LA's decision whether to carry out an EHC needs assessment is due by 13 Oct 2026 "
        "(counted from 1 Sep 2026): 14 days left. Chase the LA."
    )
    overdue = run(apdr, history, date(2026, 10, 20))  # still the same deadline, now missed
    assert of_kind(overdue.raised, KIND) == [] and len(alerts(apdr, history, KIND)) == 1

    history.milestone(amira, EhcpMilestone.decision_to_assess, date(2026, 10, 20))
    assert_resolved_by_policy(apdr, history, date(2026, 10, 20), alert)


def test_given_a_plan_issued_when_eleven_and_a_half_months_pass_then_the_annual_review_is_due(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2027, 11, 30)
    amira = history.pupil()
    for which, on in [
        (EhcpMilestone.requested, date(2026, 6, 1)),
        (EhcpMilestone.decision_to_assess, date(2026, 7, 10)),
        (EhcpMilestone.plan_issued, date(2026, 10, 19)),
    ]:
        history.milestone(amira, which, on)

    alert = run_twice_and_find_one(apdr, history, date(2027, 10, 5), KIND)

    assert alert["subject"] == f"{amira}/annual_review/2027-10-19"
    assert "the EHC plan's annual review is due by 19 Oct 2027" in alert["summary"]
    assert alert["summary"].endswith("14 days left. Arrange the review meeting.")

    history.milestone(amira, EhcpMilestone.annual_review, date(2027, 10, 12))
    assert_resolved_by_policy(apdr, history, date(2027, 10, 12), alert)


def test_given_the_la_decided_not_to_assess_when_the_policy_runs_then_no_deadline_remains() -> None:
    assert (
        next_deadline([("requested", date(2026, 9, 1)), ("decided_not_to_assess", date(2026, 10, 1))]) is None
    )


def test_given_a_decision_to_assess_when_the_final_plan_is_due_then_it_is_twenty_weeks_from_the_request() -> (
    None
):
    deadline = next_deadline([("requested", date(2026, 9, 1)), ("decision_to_assess", date(2026, 10, 1))])

    assert deadline is not None
    assert (deadline.awaiting, deadline.due_on) == ("plan_issued", date(2026, 9, 1) + timedelta(weeks=20))
    assert deadline.due_on == date(2027, 1, 19)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_given_any_date_when_twelve_months_are_added_then_it_is_the_same_day_next_year_or_the_end_of_february(
    day: date,
) -> None:
    later = add_months(day, 12)

    if (day.month, day.day) == (2, 29):
        assert later == date(day.year + 1, 2, 28)
    else:
        assert later == day.replace(year=day.year + 1)
