"""overdue_review: a support plan past its review date and not reviewed."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import Rating
from apdr.aggregates.school_year import default_calendar
from apdr.policies.overdue_review import ReviewDue, review_due, reviews_due
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import (
    alerts,
    assert_resolved_by_policy,
    of_kind,
    run,
    run_twice_and_find_one,
)


def test_given_a_plan_two_weeks_past_its_review_date_when_the_policy_runs_twice_then_one_alert_until_it_is_reviewed(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    late = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 11, 2))
    history.plan(ben, date(2026, 9, 21), review_due_on=date(2026, 12, 11))

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 16), "overdue_review")

    assert (alert["pupil_id"], alert["plan_id"]) == (amira, late)
    assert alert["subject"] == f"{amira}/{late}"
    assert alert["summary"].startswith(
        "Amira Khan's support plan was due for review on 2 Nov 2026, 14 days ago, and has not been reviewed."
    )

    history.review(late, date(2026, 11, 16), Rating.partly_met, next_due=date(2027, 2, 12))
    assert_resolved_by_policy(apdr, history, date(2026, 11, 16), alert)


def test_given_a_plan_within_a_week_of_its_review_date_when_the_policy_runs_then_it_is_not_yet_overdue(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 11, 2))

    run(apdr, history, date(2026, 11, 9))  # seven days: the grace a review needs to be written up

    assert alerts(apdr, history, "overdue_review") == []


def test_given_a_review_recorded_later_when_the_policy_runs_for_an_earlier_date_then_the_plan_was_overdue_then(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 10, 19))
    history.review(plan_id, date(2026, 11, 16), Rating.met, next_due=date(2027, 2, 12))

    back_then = run(apdr, history, date(2026, 11, 2))
    now = run(apdr, history, date(2026, 11, 20))

    assert [a["plan_id"] for a in of_kind(back_then.raised, "overdue_review")] == [plan_id]
    assert [a["plan_id"] for a in of_kind(now.resolved, "overdue_review")] == [plan_id]


def test_given_an_overdue_plan_resolved_by_hand_when_the_cause_persists_then_it_stays_resolved_until_the_cause_goes_and_comes_back(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=date(2026, 10, 19))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 2), "overdue_review")
    history.record.resolve_alert(
        history.senco, alert["alert_id"], today=date(2026, 11, 2), note="Review held; notes to follow"
    )

    persisting = run(apdr, history, date(2026, 11, 3))
    history.record.move_review(history.senco, plan_id, review_due_on=date(2026, 11, 9), reason="Parent asked")
    gone = run(apdr, history, date(2026, 11, 4))
    back = run(apdr, history, date(2026, 11, 20))

    assert persisting.raised == persisting.resolved == []
    assert gone.raised == gone.resolved == []  # already resolved: only its cause is marked gone
    assert [a["id"] for a in back.raised] == [alert["alert_id"]]
    (now,) = alerts(apdr, history, "overdue_review")
    assert now["status"] == "open" and now["times_raised"] == 2 and now["raised_on"] == date(2026, 11, 20)
    assert now["resolved_on"] is None and now["first_raised_on"] == date(2026, 11, 2)
    recorded = [type(e).__qualname__ for e in apdr.record.events.get(alert["alert_id"])]
    assert recorded == ["Alert.Raised", "Alert.Resolved", "Alert.CauseCleared", "Alert.Reraised"]


# apdr's default calendar for 2026/27: spring term 5 Jan to 26 Mar 2027, summer term 12 Apr to 16 Jul 2027.
A_YEAR_AHEAD = date(2027, 9, 20)


def test_given_a_plan_with_its_review_date_a_year_ahead_when_the_spring_term_passes_unreviewed_then_it_is_overdue_until_reviewed(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=A_YEAR_AHEAD)

    # Autumn is not a whole term since it was written; the spring term is. A week's grace after it ends.
    in_grace = run(apdr, history, date(2027, 4, 2))
    alert = run_twice_and_find_one(apdr, history, date(2027, 4, 5), "overdue_review")

    assert of_kind(in_grace.raised, "overdue_review") == []
    assert alert["plan_id"] == plan_id
    assert alert["summary"].startswith(
        "Amira Khan's support plan has gone a whole term without a review: none since it was written on "
        "21 Sep 2026, and the spring term (5 Jan 2027 to 26 Mar 2027) ended 10 days ago."
    )
    assert apdr.record.repository.get(alert["alert_id"]).details == {
        "review_due_on": "2027-03-26",
        "days_overdue": 10,
        "rule": "not_reviewed_termly",
        "unreviewed_since": "2026-09-21",
        "term": "spring",
    }

    history.today = date(2027, 4, 5)
    history.review(plan_id, date(2027, 4, 5), Rating.partly_met, next_due=A_YEAR_AHEAD)
    assert_resolved_by_policy(apdr, history, date(2027, 4, 5), alert)


def test_given_a_plan_reviewed_in_the_spring_term_when_that_term_ends_then_it_is_not_overdue_until_the_summer_term_goes_by(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    plan_id = history.plan(amira, date(2026, 9, 21), review_due_on=A_YEAR_AHEAD)
    history.today = date(2027, 2, 10)
    history.review(plan_id, date(2027, 2, 10), Rating.partly_met, next_due=A_YEAR_AHEAD)

    after_spring = run(apdr, history, date(2027, 4, 5))
    after_summer = run(apdr, history, date(2027, 7, 26))

    assert of_kind(after_spring.raised, "overdue_review") == []
    assert len(of_kind(after_summer.raised, "overdue_review")) == 1
    (found,) = alerts(apdr, history, "overdue_review")
    assert found["summary"].startswith(
        "Amira Khan's support plan has gone a whole term without a review: none since its last review on "
        "10 Feb 2027, and the summer term (12 Apr 2027 to 16 Jul 2027) ended 10 days ago."
    )


def test_given_a_plan_written_on_the_first_day_of_a_term_when_that_term_ends_then_the_next_whole_term_counts(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.plan(amira, date(2027, 1, 5), review_due_on=A_YEAR_AHEAD)

    after_spring = run(apdr, history, date(2027, 4, 5))
    after_summer = run(apdr, history, date(2027, 7, 24))

    assert of_kind(after_spring.raised, "overdue_review") == []
    assert len(of_kind(after_summer.raised, "overdue_review")) == 1


def test_given_a_setting_with_its_own_term_dates_when_a_term_passes_unreviewed_then_its_own_term_end_counts(
    apdr: Apdr, history: History
) -> None:
    history.record.set_term_dates(
        history.senco,
        academic_year=2026,
        terms=[
            {"name": "Autumn", "starts_on": date(2026, 9, 3), "ends_on": date(2026, 12, 18)},
            {"name": "Spring term", "starts_on": date(2027, 1, 4), "ends_on": date(2027, 3, 31)},
            {"name": "Summer", "starts_on": date(2027, 4, 19), "ends_on": date(2027, 7, 21)},
        ],
        closures=[],
    )
    amira = history.pupil("Amira", "Khan")
    history.plan(amira, date(2026, 9, 21), review_due_on=A_YEAR_AHEAD)

    in_grace = run(apdr, history, date(2027, 4, 7))  # the default's spring term ended on 26 March
    alert = run_twice_and_find_one(apdr, history, date(2027, 4, 8), "overdue_review")

    assert of_kind(in_grace.raised, "overdue_review") == []
    assert "and the Spring term (4 Jan 2027 to 31 Mar 2027) ended 8 days ago." in alert["summary"]


def test_given_a_review_date_before_the_end_of_the_term_when_it_passes_then_the_old_rule_says_so(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    history.plan(amira, date(2027, 1, 11), review_due_on=date(2027, 3, 1))

    alert = run_twice_and_find_one(apdr, history, date(2027, 3, 15), "overdue_review")

    assert alert["summary"].startswith(
        "Amira Khan's support plan was due for review on 1 Mar 2027, 14 days ago, and has not been reviewed."
    )
    assert apdr.record.repository.get(alert["alert_id"]).details == {
        "review_due_on": "2027-03-01",
        "days_overdue": 14,
        "rule": "past_review_date",
    }


def test_given_a_plan_the_termly_rule_makes_due_when_the_desk_lists_reviews_due_then_it_is_listed_by_the_end_of_the_term(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    termly = history.plan(amira, date(2026, 9, 21), review_due_on=A_YEAR_AHEAD)
    typed = history.plan(ben, date(2027, 1, 11), review_due_on=date(2027, 3, 19))
    today, fortnight = date(2027, 3, 15), date(2027, 3, 29)
    calendar = apdr.record.calendar(history.setting_id, date(2026, 3, 15), fortnight)

    due = apdr.read_models.ask(reviews_due, history.setting_id, today, fortnight, calendar)
    a_week_on = apdr.read_models.ask(
        reviews_due, history.setting_id, date(2027, 3, 29), date(2027, 4, 12), calendar
    )

    assert [(r["plan_id"], r["review_due_on"], r["rule"], r["term"], r["overdue"]) for r in due] == [
        (typed, date(2027, 3, 19), "past_review_date", None, False),
        (termly, date(2027, 3, 26), "not_reviewed_termly", "spring", False),
    ]
    assert [(r["plan_id"], r["overdue"]) for r in a_week_on] == [(typed, True), (termly, True)]


def test_given_a_review_date_on_the_last_day_of_the_term_when_both_rules_fall_due_together_then_the_review_date_is_named() -> (
    None
):
    calendar = default_calendar(2026, 2026)

    on_the_day = review_due(date(2026, 9, 21), date(2027, 3, 26), calendar)
    a_year_ahead = review_due(date(2026, 9, 21), A_YEAR_AHEAD, calendar)
    no_date = review_due(date(2027, 1, 5), None, calendar)

    assert on_the_day == ReviewDue(date(2027, 3, 26), "past_review_date", date(2026, 9, 21))
    assert a_year_ahead is not None and (a_year_ahead.on, a_year_ahead.rule) == (
        date(2027, 3, 26),
        "not_reviewed_termly",
    )
    # Written on the first day of the spring term: the summer term is the first whole one.
    assert no_date is not None and (no_date.on, no_date.term) == (date(2027, 7, 16), calendar.terms[2])
