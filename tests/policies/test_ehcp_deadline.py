"""ehcp_deadline: the statutory deadlines of an EHC needs assessment and plan, each its own alert."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from apdr.aggregates.codes import EhcpMilestone
from apdr.policies.ehc_timescales import Deadline
from apdr.policies.ehcp_deadline import THRESHOLDS, action
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, of_kind, run, run_twice_and_find_one

KIND = "ehcp_deadline"
M = EhcpMilestone


def given(history: History, pupil: UUID, *steps: tuple[EhcpMilestone, date]) -> None:
    for which, on in steps:
        history.milestone(pupil, which, on)


def subjects(apdr: Apdr, history: History, status: str | None = None) -> list[str]:
    return sorted(a["subject"] for a in alerts(apdr, history, KIND, status))


def test_given_a_request_for_assessment_when_the_decision_is_two_weeks_off_then_one_alert_until_it_is_recorded(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    given(history, amira, (M.requested, date(2026, 9, 1)))  # decision due 13 October
    given(history, ben, (M.requested, date(2026, 9, 1)), (M.decision_to_assess, date(2026, 9, 28)))

    early = run(apdr, history, date(2026, 9, 28))  # fifteen days left: not yet
    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 29), KIND)

    assert of_kind(early.raised, KIND) == []
    assert alert["pupil_id"] == amira
    assert alert["subject"] == f"{amira}/decision_to_assess/2026-10-13"
    assert alert["summary"] == (
        "Amira Khan: the LA's decision whether to carry out an EHC needs assessment is due by 13 Oct 2026 "
        "(6 weeks from the request on 1 Sep 2026): 14 days left. Chase the LA for its decision."
    )
    overdue = run(apdr, history, date(2026, 10, 20))  # still the same deadline, now missed
    assert of_kind(overdue.raised, KIND) == [] and len(alerts(apdr, history, KIND)) == 1

    history.milestone(amira, M.decision_to_assess, date(2026, 10, 20))
    assert_resolved_by_policy(apdr, history, date(2026, 10, 20), alert)


def test_given_a_decision_to_assess_when_sixteen_and_twenty_weeks_near_then_both_deadlines_are_open_until_the_plan_is_issued(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2027, 1, 5)
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    given(history, amira, (M.requested, date(2026, 9, 1)), (M.decision_to_assess, date(2026, 10, 6)))
    given(
        history,
        ben,
        (M.requested, date(2026, 9, 8)),
        (M.decision_to_assess, date(2026, 10, 13)),
        (M.decided_not_to_issue, date(2026, 12, 1)),  # notified in time: nothing left to chase
    )

    before = run(apdr, history, date(2026, 12, 7))
    issue = run_twice_and_find_one(apdr, history, date(2026, 12, 8), KIND)
    later = run(apdr, history, date(2027, 1, 5))

    assert of_kind(before.raised, KIND) == []
    assert issue["subject"] == f"{amira}/draft_plan_issued/2026-12-22"
    assert issue["summary"] == (
        "Amira Khan: the LA's decision whether to issue an EHC plan is due by 22 Dec 2026 (16 weeks from "
        "the request on 1 Sep 2026): 14 days left. Chase the LA for the draft plan, or its decision not to "
        "issue one."
    )
    (final,) = of_kind(later.raised, KIND)
    assert final["summary"] == (
        "Amira Khan: the final EHC plan is due by 19 Jan 2027 (20 weeks from the request on 1 Sep 2026): "
        "14 days left. Chase the LA for the final plan."
    )
    assert subjects(apdr, history, "open") == sorted(
        [f"{amira}/draft_plan_issued/2026-12-22", f"{amira}/plan_issued/2027-01-19"]
    )

    history.milestone(amira, M.plan_issued, date(2027, 1, 5))
    resolved = run(apdr, history, date(2027, 1, 5))
    assert len(of_kind(resolved.resolved, KIND)) == 2 and subjects(apdr, history, "open") == []


def test_given_a_plan_issued_when_eight_weeks_remain_before_the_twelve_months_end_then_the_annual_review_is_due(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2027, 11, 30)
    amira = history.pupil(born=date(2018, 3, 14))  # Year 5 in 2027/28: no phase transfer yet
    given(
        history,
        amira,
        (M.requested, date(2026, 6, 1)),
        (M.decision_to_assess, date(2026, 7, 10)),
        (M.plan_issued, date(2026, 10, 19)),
    )

    early = run(apdr, history, date(2027, 8, 22))
    alert = run_twice_and_find_one(apdr, history, date(2027, 8, 23), KIND)

    assert of_kind(early.raised, KIND) == []
    assert alert["subject"] == f"{amira}/annual_review/2027-10-18"  # 12 months starting with 19 Oct 2026
    assert alert["summary"] == (
        "Amira Khan: the EHC plan's annual review meeting is due by 18 Oct 2027 (12 months starting with "
        "19 Oct 2026, the day the plan was issued): 56 days left. Hold the review meeting by 18 Oct 2027: "
        "ask everyone for their advice now, then send the invitations and circulate the advice by "
        "4 Oct 2027, two weeks before the meeting."
    )

    history.milestone(amira, M.annual_review, date(2027, 10, 12))
    assert_resolved_by_policy(apdr, history, date(2027, 10, 12), alert)


def test_given_an_annual_review_meeting_when_two_and_four_weeks_near_then_the_report_and_the_las_decision_are_due(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    given(
        history,
        amira,
        (M.requested, date(2025, 9, 8)),
        (M.decision_to_assess, date(2025, 10, 13)),
        (M.plan_issued, date(2026, 1, 19)),
        (M.annual_review, date(2026, 11, 2)),
    )

    quiet = run(apdr, history, date(2026, 11, 8))
    report = run_twice_and_find_one(apdr, history, date(2026, 11, 9), KIND)
    decision = run(apdr, history, date(2026, 11, 16))

    assert of_kind(quiet.raised, KIND) == []
    assert report["summary"] == (
        "Amira Khan: the report of the annual review meeting is due by 16 Nov 2026 (2 weeks from the "
        "meeting on 2 Nov 2026): 7 days left. Send the report, with its recommendations, to the LA and "
        "everyone invited."
    )
    (raised,) = of_kind(decision.raised, KIND)
    assert raised["summary"] == (
        "Amira Khan: the LA's decision to keep, amend or cease the EHC plan is due by 30 Nov 2026 (4 weeks "
        "from the review meeting on 2 Nov 2026): 14 days left. Chase the LA for its decision."
    )
    assert subjects(apdr, history, "open") == sorted(
        [f"{amira}/review_report_sent/2026-11-16", f"{amira}/review_decision/2026-11-30"]
    )


def test_given_the_report_and_the_decision_after_a_review_when_each_is_recorded_then_its_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2026, 11, 30)
    amira = history.pupil()
    given(
        history,
        amira,
        (M.requested, date(2025, 9, 8)),
        (M.decision_to_assess, date(2025, 10, 13)),
        (M.plan_issued, date(2026, 1, 19)),
        (M.annual_review, date(2026, 11, 2)),
    )
    run(apdr, history, date(2026, 11, 16))
    assert len(alerts(apdr, history, KIND, "open")) == 2

    history.milestone(amira, M.review_report_sent, date(2026, 11, 16))
    reported = run(apdr, history, date(2026, 11, 16))
    history.milestone(amira, M.review_decision, date(2026, 11, 25))
    decided = run(apdr, history, date(2026, 11, 25))

    assert [a["subject"] for a in of_kind(reported.resolved, KIND)] == [
        f"{amira}/review_report_sent/2026-11-16"
    ]
    assert [a["subject"] for a in of_kind(decided.resolved, KIND)] == [f"{amira}/review_decision/2026-11-30"]
    assert subjects(apdr, history, "open") == []


def _year_6_with_a_plan(history: History) -> UUID:
    """Born in January 2016: in Year 6 in 2026/27, moving to secondary school in September 2027."""
    amira = history.pupil(born=date(2016, 1, 20), class_name="6A")
    given(
        history,
        amira,
        (M.requested, date(2025, 9, 8)),
        (M.decision_to_assess, date(2025, 10, 13)),
        (M.plan_issued, date(2026, 1, 19)),
    )
    return amira


def test_given_a_year_6_pupil_with_a_plan_when_the_review_meeting_must_be_held_within_eight_weeks_then_the_phase_transfer_is_due(
    apdr: Apdr, history: History
) -> None:
    amira = _year_6_with_a_plan(history)

    early = run(apdr, history, date(2026, 9, 26))
    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 27), KIND)
    history.milestone(amira, M.annual_review, date(2026, 11, 9))  # a meeting alone names no school
    after_meeting = run(apdr, history, date(2026, 11, 9))

    assert of_kind(early.raised, KIND) == []
    assert alert["subject"] == f"{amira}/plan_amended/2027-02-14"
    assert alert["summary"] == (
        "Amira Khan: the amended EHC plan naming the secondary school is due by 14 Feb 2027 (before "
        "15 Feb 2027, the year of the move to secondary school): 140 days left. Hold the review meeting by "
        "22 Nov 2026, so the LA can decide within 4 weeks and issue the amended plan within 8 more: ask "
        "everyone for their advice now, then send the invitations and circulate the advice by 8 Nov 2026, "
        "two weeks before the meeting."
    )
    assert of_kind(after_meeting.resolved, KIND) == []
    assert subjects(apdr, history, "open") == [f"{amira}/plan_amended/2027-02-14"]


def test_given_a_year_6_pupil_when_the_amended_plan_is_issued_then_the_phase_transfer_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2027, 2, 1)
    amira = _year_6_with_a_plan(history)
    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 27), KIND)
    given(history, amira, (M.annual_review, date(2026, 11, 9)), (M.plan_amended, date(2027, 2, 1)))

    assert_resolved_by_policy(apdr, history, date(2027, 2, 1), alert)


def test_given_a_year_11_pupil_with_a_plan_when_the_review_meeting_must_be_held_within_eight_weeks_then_the_plan_is_due_amended_by_30_march(
    apdr: Apdr, history: History
) -> None:
    ben = history.pupil("Ben", "Adams", born=date(2011, 6, 1), class_name="11C")
    given(
        history,
        ben,
        (M.requested, date(2025, 9, 8)),
        (M.decision_to_assess, date(2025, 10, 13)),
        (M.plan_issued, date(2026, 1, 19)),
    )

    early = run(apdr, history, date(2026, 11, 9))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 10), KIND)

    assert of_kind(early.raised, KIND) == []
    assert alert["subject"] == f"{ben}/plan_amended/2027-03-30"
    assert "the amended EHC plan naming the school or college for post-16 education" in alert["summary"]
    assert "Hold the review meeting by 5 Jan 2027" in alert["summary"]


def test_given_a_plan_ceased_when_the_policy_runs_then_no_deadline_remains(
    apdr: Apdr, history: History
) -> None:
    history.today = date(2027, 1, 5)
    amira = _year_6_with_a_plan(history)
    given(
        history,
        amira,
        (M.annual_review, date(2026, 11, 9)),
        (M.review_decision, date(2026, 12, 1)),
        (M.plan_ceased, date(2026, 12, 15)),
    )

    assert of_kind(run(apdr, history, date(2027, 1, 5)).raised, KIND) == []


def test_given_the_last_day_for_two_weeks_notice_has_passed_when_the_review_is_near_then_the_alert_says_to_book_it_now() -> (
    None
):
    review = Deadline(
        "annual_review", date(2027, 10, 18), "", "", "", "ehcp_review_warning_days", date(2027, 10, 18)
    )

    assert action(review, date(2027, 10, 4)).endswith("by 4 Oct 2027, two weeks before the meeting.")
    assert action(review, date(2027, 10, 5)) == (
        "Hold the review meeting by 18 Oct 2027, or as soon as you can with two weeks' notice, and tell the LA."
    )


def test_given_the_policy_thresholds_when_listed_then_each_says_where_its_default_comes_from() -> None:
    assert [t.name for t in THRESHOLDS] == [
        "ehcp_warning_days",
        "ehcp_review_warning_days",
        "ehcp_report_warning_days",
    ]
    assert all(t.source and t.minimum <= t.default <= t.maximum for t in THRESHOLDS)
    review = THRESHOLDS[1]
    assert review.minimum >= 28  # two weeks to gather advice, and two weeks' notice (reg. 20(3), (4))
