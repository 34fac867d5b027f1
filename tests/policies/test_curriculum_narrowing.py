"""curriculum_narrowing: a pupil withdrawn from class too much, or from the same lesson too often."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import Delivery, Weekday
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, run, run_twice_and_find_one

KIND = "curriculum_narrowing"
EVERY_DAY = list(Weekday)
AS_OF = date(2026, 10, 5)


def test_given_a_pupil_out_of_class_over_a_fifth_of_the_week_when_the_policy_runs_twice_then_one_alert_until_withdrawn(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(name="Precision teaching")  # Mon, Wed, Fri x 20 min, from guided reading
    toe = history.intervention([jo], name="Toe by Toe", weekdays=EVERY_DAY, minutes_per_session=30)
    lego = history.intervention(
        [jo],
        name="Lego therapy",
        weekdays=[Weekday.tue, Weekday.thu],
        minutes_per_session=60,
        withdrawn_from="topic",
    )
    for intervention in (pt, toe, lego):
        history.enrol(intervention, amira)
    history.enrol(pt, ben)

    alert = run_twice_and_find_one(apdr, history, AS_OF, KIND)

    assert alert["pupil_id"] == amira and alert["subject"] == str(amira)
    # 3 x 20 + 5 x 30 + 2 x 60 = 330 minutes: 22% of a 1500-minute week; guided reading missed 8 times.
    assert alert["summary"] == (
        "Amira Khan is out of class for 330 minutes a week (22% of a 1500-minute teaching week, over 20%): "
        "Lego therapy (2 x 60 min), Precision teaching (3 x 20 min) and Toe by Toe (5 x 30 min); "
        "and misses guided reading 8 times a week (over 3): Precision teaching and Toe by Toe. "
        "Re-time or reduce the interventions."
    )

    for intervention in (toe, lego):
        history.withdraw(intervention, amira, AS_OF, "Timetable review")
    assert_resolved_by_policy(apdr, history, AS_OF, alert)


def test_given_whole_class_support_and_support_that_misses_no_lesson_when_the_policy_runs_then_neither_is_withdrawal(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo, in_class = history.group(
        name="Colourful semantics",
        delivery=Delivery.class_,
        ratio="1:30",
        weekdays=EVERY_DAY,
        minutes_per_session=60,
    )
    at_lunch = history.intervention(
        [jo],
        name="Lunch club",
        weekdays=EVERY_DAY,
        minutes_per_session=45,
        withdrawn_from="",
        outside_lessons=True,
    )
    history.enrol(in_class, amira)
    history.enrol(at_lunch, amira)

    run(apdr, history, AS_OF)

    assert alerts(apdr, history, KIND) == []


def test_given_an_intervention_with_no_lesson_recorded_when_the_policy_runs_then_its_time_counts_and_it_is_taken_as_one_lesson(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.group(amira, name="Nurture group", weekdays=EVERY_DAY, minutes_per_session=90, withdrawn_from="")

    result = run(apdr, history, AS_OF)

    (raised,) = [a for a in result.raised if a["kind"] == KIND]
    # 450 minutes of a 1,500-minute week is 30%; and five sessions a week from one unrecorded lesson.
    assert "out of class for 450 minutes a week (30%" in raised["summary"]
    assert (
        "misses the same lesson (not recorded: say which in the intervention) 5 times a week"
        in raised["summary"]
    )
    (alert,) = alerts(apdr, history, KIND)
    assert alert["pupil_id"] == amira


def test_given_a_pupil_taken_from_the_same_lesson_four_times_a_week_when_the_policy_runs_then_it_says_which_lesson(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.group(
        amira,
        name="Phonics catch-up",
        weekdays=[Weekday.mon, Weekday.tue, Weekday.wed, Weekday.thu],
        withdrawn_from="Phonics",
    )

    result = run(apdr, history, AS_OF)

    (raised,) = [a for a in result.raised if a["kind"] == KIND]
    # 80 minutes is 5% of the week: only the lesson rule applies.
    assert raised["summary"] == (
        "Amira Khan misses Phonics 4 times a week (over 3): Phonics catch-up. Re-time or reduce the interventions."
    )
