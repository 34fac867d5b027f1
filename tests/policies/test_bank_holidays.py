"""Bank holidays in the setting's calendar: no session is expected on one, and none can be recorded."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates.codes import AttendanceStatus
from apdr.runtime import Apdr
from tests.support.aggregates import invalid
from tests.support.history import History
from tests.support.policies import run_twice_and_find_one

PRESENT = AttendanceStatus.present
GOOD_FRIDAY = date(2027, 3, 26)
# Mon, Wed and Fri from Monday 1 March 2027 to Good Friday: 12 days, 11 of them teaching days
# in the default calendar, whose spring term ends on Good Friday.
TIMETABLED = [date(2027, 3, 1) + timedelta(days=7 * w + d) for w in range(4) for d in (0, 2, 4)]


def test_given_a_timetable_through_good_friday_when_sessions_are_expected_then_good_friday_is_not_one(
    apdr: Apdr, history: History
) -> None:
    history.today = GOOD_FRIDAY
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, two_short = history.group(starts_on=date(2027, 3, 1), review_due_on=date(2027, 5, 14))
    three_short = history.intervention(
        [jo], name="Toe by Toe", starts_on=date(2027, 3, 1), review_due_on=date(2027, 5, 14)
    )
    history.enrol(two_short, amira, starts_on=date(2027, 3, 1))
    history.enrol(three_short, ben, starts_on=date(2027, 3, 1))
    for day in TIMETABLED:
        if day not in (date(2027, 3, 22), date(2027, 3, 24), GOOD_FRIDAY):
            history.session(two_short, jo, day, {amira: PRESENT})
        if day not in (date(2027, 3, 19), date(2027, 3, 22), date(2027, 3, 24), GOOD_FRIDAY):
            history.session(three_short, jo, day, {ben: PRESENT})

    # 9 of 11 is two short (82%): no alert, though counting Good Friday it would be 9 of 12, 75%.
    alert = run_twice_and_find_one(apdr, history, GOOD_FRIDAY, "missed_sessions")

    assert alert["intervention_id"] == three_short
    assert alert["summary"].startswith(
        "Toe by Toe: 3 of 11 timetabled sessions since 1 Mar 2027 not delivered"
    )


def test_given_good_friday_when_a_session_is_recorded_on_it_then_it_is_refused_naming_the_bank_holiday(
    apdr: Apdr, history: History
) -> None:
    history.today = GOOD_FRIDAY
    amira = history.pupil()
    jo, pt = history.group(starts_on=date(2027, 3, 1), review_due_on=date(2027, 5, 14))
    history.enrol(pt, amira, starts_on=date(2027, 3, 1))

    refused = invalid("delivered_on", lambda: history.session(pt, jo, GOOD_FRIDAY, {amira: PRESENT}))

    assert str(refused).endswith("it is a bank holiday (Good Friday)")
