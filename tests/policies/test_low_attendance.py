"""low_attendance: a pupil attends too few of the sessions delivered."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import AttendanceStatus
from apdr.policies.low_attendance import attends_too_little
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts, assert_resolved_by_policy, run, run_twice_and_find_one

PRESENT, ABSENT, LATE = AttendanceStatus.present, AttendanceStatus.absent, AttendanceStatus.late
# Six Mon/Wed/Fri sessions from 21 September to 2 October 2026.
DAYS = [date(2026, 9, 21) + timedelta(days=d) for d in (0, 2, 4, 7, 9, 11)]
AS_OF = date(2026, 10, 2)


def test_given_a_pupil_absent_from_half_the_sessions_when_the_policy_runs_twice_then_one_alert_until_the_register_is_corrected(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    sessions = [
        history.session(pt, jo, day, {amira: ABSENT if n % 2 else PRESENT, ben: LATE if n == 0 else PRESENT})
        for n, day in enumerate(DAYS)
    ]

    alert = run_twice_and_find_one(apdr, history, AS_OF, "low_attendance")

    assert alert["pupil_id"] == amira and alert["intervention_id"] == pt
    assert alert["subject"] == f"{pt}/{amira}"
    assert alert["summary"].startswith(
        "Amira Khan attended 3 of 6 Precision teaching: HFW sessions since 21 Sep 2026 (50%, below 80%)"
    )

    # Two of the absences were marked in error: 5 of 6 is over 80%.
    for session_id in sessions[1:4:2]:
        history.correct_session(pt, session_id, {amira: PRESENT, ben: PRESENT}, "Marked absent in error")
    assert_resolved_by_policy(apdr, history, AS_OF, alert)


def test_given_too_few_sessions_delivered_when_the_policy_runs_then_attendance_is_not_judged_yet(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo, pt = history.group(amira)
    for day in DAYS[:5]:
        history.session(pt, jo, day, {amira: ABSENT})

    run(apdr, history, AS_OF)

    assert alerts(apdr, history, "low_attendance") == []


def test_given_a_pupil_withdrawn_when_the_policy_runs_then_their_attendance_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo, pt = history.group(amira)
    for day in DAYS:
        history.session(pt, jo, day, {amira: ABSENT})
    alert = run_twice_and_find_one(apdr, history, AS_OF, "low_attendance")

    history.withdraw(pt, amira, date(2026, 10, 5), "Moved to 1:1 support")

    assert_resolved_by_policy(apdr, history, date(2026, 10, 5), alert)


@given(
    attended=st.integers(0, 100),
    extra=st.integers(0, 100),
    fewest=st.integers(1, 50),
    percent=st.integers(1, 100),
)
def test_given_any_register_when_attendance_is_judged_then_it_is_below_the_share_exactly(
    attended: int, extra: int, fewest: int, percent: int
) -> None:
    delivered = attended + extra

    low = attends_too_little(attended, delivered, fewest, percent)

    assert low == (delivered >= fewest and Fraction(attended, delivered) < Fraction(percent, 100))
