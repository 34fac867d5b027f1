"""An alert a policy raises: acknowledged and resolved by a SENCO, resolved by the policy when its
cause goes, raised again when the cause comes back; and, the live alerts only moving forward in
time, refusing a policy change dated before the latest policy change already recorded on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

from apdr.aggregates import Alert
from apdr.aggregates.codes import AlertStatus
from tests.support.aggregates import BY, given, history, invalid, names, then

RUN = "scheduler"
NOVEMBER_16, NOVEMBER_20, NOVEMBER_23 = date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 23)
OCTOBER_20 = date(2026, 10, 20)
DECEMBER_1, DECEMBER_8 = date(2026, 12, 1), date(2026, 12, 8)


def raised(on: date = NOVEMBER_20) -> Alert:
    return Alert(
        kind="overdue_review",
        subject="pupil/plan",
        setting_id=uuid4(),
        raised_on=on,
        summary="Amira Khan's support plan was due for review on 2 Nov 2026",
        pupil_id=uuid4(),
        intervention_id=None,
        plan_id=uuid4(),
        details={},
        recorded_by=RUN,
    )


def alert_after(*commands: Callable[[Alert], object], on: date = NOVEMBER_20) -> Alert:
    return given(*history(raised(on), *commands))


def resolved_by_policy(on: date) -> Callable[[Alert], object]:
    return lambda a: a.resolve(resolved_on=on, reason="resolved by policy", recorded_by=RUN, by_policy=True)


def resolved_by_hand(on: date) -> Callable[[Alert], object]:
    return lambda a: a.resolve(resolved_on=on, reason="Reviewed on paper", recorded_by=BY)


def acknowledged(
    on: date = NOVEMBER_23, note: str = "Review booked for 30 November"
) -> Callable[[Alert], object]:
    return lambda a: a.acknowledge(acknowledged_on=on, note=note, recorded_by=BY)


def cause_cleared(on: date) -> Callable[[Alert], object]:
    return lambda a: a.clear_cause(cleared_on=on, recorded_by=RUN)


def raised_again(on: date, summary: str = "overdue again") -> Callable[[Alert], object]:
    return lambda a: a.reraise(raised_on=on, summary=summary, details={"days": 21}, recorded_by=RUN)


def test_given_an_alert_raised_as_of_late_november_when_an_october_run_resolves_it_then_it_is_refused() -> (
    None
):
    alert = alert_after(lambda a: a.acknowledge(acknowledged_on=NOVEMBER_23, note="booked", recorded_by=BY))

    error = invalid("as_of", lambda: resolved_by_policy(OCTOBER_20)(alert))

    assert "as of 2026-11-20" in error.message and "as of 2026-10-20" in error.message
    assert then(alert) == []
    assert alert.status is AlertStatus.acknowledged


def test_given_an_alert_resolved_by_policy_in_late_november_when_an_older_run_raises_it_again_then_it_is_refused() -> (
    None
):
    alert = alert_after(resolved_by_policy(NOVEMBER_23))

    invalid(
        "as_of",
        lambda: alert.reraise(raised_on=NOVEMBER_20, summary="still overdue", details={}, recorded_by=RUN),
    )

    assert then(alert) == []
    assert (alert.status, alert.policy_dated_on) == (AlertStatus.resolved, NOVEMBER_23)


def test_given_an_alert_resolved_by_hand_whose_cause_a_newer_run_found_when_an_older_run_clears_the_cause_then_it_is_refused() -> (
    None
):
    alert = alert_after(
        resolved_by_hand(NOVEMBER_16)
    )  # raised as of 20 November, resolved by hand on the 16th

    invalid("as_of", lambda: alert.clear_cause(cleared_on=NOVEMBER_16, recorded_by=RUN))

    assert then(alert) == []
    assert alert.cause_present is True


def test_given_a_hand_resolution_dated_earlier_when_the_policy_changes_it_as_of_the_latest_run_or_later_then_each_is_recorded() -> (
    None
):
    alert = alert_after(resolved_by_hand(NOVEMBER_16))

    alert.clear_cause(cleared_on=NOVEMBER_20, recorded_by=RUN)  # the same date as the latest policy change
    alert.reraise(raised_on=NOVEMBER_23, summary="overdue again", details={}, recorded_by=RUN)
    alert.resolve(resolved_on=NOVEMBER_23, reason="resolved by policy", recorded_by=RUN, by_policy=True)

    assert names(then(alert)) == ["CauseCleared", "Reraised", "Resolved"]
    assert alert.policy_dated_on == NOVEMBER_23


def test_given_an_alert_raised_as_of_late_november_when_a_senco_acts_on_it_with_an_earlier_date_then_that_is_not_a_policy_change() -> (
    None
):
    alert = alert_after(on=NOVEMBER_23)

    resolved_by_hand(NOVEMBER_16)(alert)

    assert names(then(alert)) == ["Resolved"]
    assert alert.policy_dated_on == NOVEMBER_23


# -- raised, acknowledged, resolved ------------------------------------------------------------


def test_given_nothing_when_a_policy_raises_an_alert_then_raised_open_under_an_id_from_its_kind_and_subject() -> (
    None
):
    alert = raised()

    (event,) = then(alert)
    assert isinstance(event, Alert.Raised)
    assert (event.kind, event.subject, event.raised_on, event.recorded_by) == (
        "overdue_review",
        "pupil/plan",
        NOVEMBER_20,
        RUN,
    )
    # Raised by two runs, or two workers at once, it is the one alert.
    assert alert.id == Alert.create_id("overdue_review", "pupil/plan") == raised().id
    assert alert.id != Alert.create_id("overdue_review", "pupil/another plan")
    assert alert.id != Alert.create_id("stalled_progress", "pupil/plan")
    assert (alert.status, alert.is_open, alert.cause_present) == (AlertStatus.open, True, True)
    assert alert.policy_dated_on == NOVEMBER_20


def test_given_an_open_alert_when_a_senco_acknowledges_it_then_acknowledged_with_the_note_tidied() -> None:
    alert = alert_after()

    acknowledged(note="  Review booked for 30 November  ")(alert)

    (event,) = then(alert)
    assert isinstance(event, Alert.Acknowledged)
    assert (event.acknowledged_on, event.note, event.recorded_by) == (
        NOVEMBER_23,
        "Review booked for 30 November",
        BY,
    )
    assert (alert.status, alert.is_open) == (AlertStatus.acknowledged, True)
    assert alert.policy_dated_on == NOVEMBER_20  # a SENCO's act is no policy change


def test_given_an_acknowledged_alert_when_a_senco_acknowledges_it_again_then_it_is_refused() -> None:
    alert = alert_after(acknowledged())

    error = invalid("status", lambda: acknowledged(note="Booked again")(alert))

    assert "acknowledged, not open" in error.message
    assert then(alert) == []


def test_given_a_resolved_alert_when_a_senco_acknowledges_it_then_it_is_refused() -> None:
    alert = alert_after(resolved_by_hand(NOVEMBER_23))

    error = invalid("status", lambda: acknowledged()(alert))

    assert "resolved, not open" in error.message
    assert then(alert) == []


def test_given_an_acknowledged_alert_when_a_senco_resolves_it_by_hand_then_resolved_while_its_cause_is_still_there() -> (
    None
):
    alert = alert_after(acknowledged())

    alert.resolve(resolved_on=NOVEMBER_23, reason="  Reviewed on paper  ", recorded_by=BY)

    (event,) = then(alert)
    assert isinstance(event, Alert.Resolved)
    assert (event.resolved_on, event.reason, event.recorded_by, event.by_policy) == (
        NOVEMBER_23,
        "Reviewed on paper",
        BY,
        False,
    )
    assert (alert.status, alert.is_open) == (AlertStatus.resolved, False)
    # As far as the policy last knew, the cause is still there; and this was no policy change.
    assert (alert.cause_present, alert.policy_dated_on) == (True, NOVEMBER_20)


def test_given_an_open_alert_when_its_cause_goes_then_the_policy_resolves_it_as_of_its_run() -> None:
    alert = alert_after()

    resolved_by_policy(NOVEMBER_23)(alert)

    (event,) = then(alert)
    assert isinstance(event, Alert.Resolved)
    assert (event.resolved_on, event.recorded_by, event.by_policy) == (NOVEMBER_23, RUN, True)
    assert (alert.status, alert.is_open, alert.cause_present) == (AlertStatus.resolved, False, False)
    assert alert.policy_dated_on == NOVEMBER_23


def test_given_a_resolved_alert_when_it_is_resolved_again_by_hand_or_by_policy_then_it_is_refused() -> None:
    by_hand = alert_after(resolved_by_hand(NOVEMBER_23))
    by_policy = alert_after(resolved_by_policy(NOVEMBER_23))

    errors = [
        invalid("status", lambda: resolved_by_hand(DECEMBER_1)(by_hand)),
        invalid("status", lambda: resolved_by_policy(DECEMBER_1)(by_hand)),
        invalid("status", lambda: resolved_by_hand(DECEMBER_1)(by_policy)),
        invalid("status", lambda: resolved_by_policy(DECEMBER_1)(by_policy)),
    ]

    assert all("already resolved" in error.message for error in errors)
    assert then(by_hand) == then(by_policy) == []


# -- the cause gone, and back -------------------------------------------------------------------


def test_given_an_alert_resolved_by_hand_when_the_policy_finds_its_cause_gone_then_cause_cleared_and_it_stays_resolved() -> (
    None
):
    alert = alert_after(resolved_by_hand(NOVEMBER_23))

    cause_cleared(DECEMBER_1)(alert)

    (event,) = then(alert)
    assert isinstance(event, Alert.CauseCleared)
    assert (event.cleared_on, event.recorded_by) == (DECEMBER_1, RUN)
    assert (alert.status, alert.cause_present, alert.policy_dated_on) == (
        AlertStatus.resolved,
        False,
        DECEMBER_1,
    )


def test_given_an_alert_open_or_resolved_by_policy_or_its_cause_already_cleared_when_the_cause_is_cleared_then_it_is_refused() -> (
    None
):
    still_open = alert_after()
    by_policy = alert_after(resolved_by_policy(NOVEMBER_23))
    cleared = alert_after(resolved_by_hand(NOVEMBER_23), cause_cleared(NOVEMBER_23))

    errors = [
        invalid("status", lambda a=a: cause_cleared(DECEMBER_1)(a)) for a in (still_open, by_policy, cleared)
    ]

    assert all("only a resolved alert whose cause persisted" in error.message for error in errors)
    assert then(still_open) == then(by_policy) == then(cleared) == []


def test_given_an_acknowledged_alert_resolved_by_policy_when_its_cause_comes_back_then_raised_again_open_and_unacknowledged() -> (
    None
):
    alert = alert_after(acknowledged(), resolved_by_policy(NOVEMBER_23))

    raised_again(DECEMBER_1, summary="Amira Khan's support plan is overdue again")(alert)

    (event,) = then(alert)
    assert isinstance(event, Alert.Reraised)
    assert (event.raised_on, event.summary, event.details, event.recorded_by) == (
        DECEMBER_1,
        "Amira Khan's support plan is overdue again",
        {"days": 21},
        RUN,
    )
    assert (alert.status, alert.is_open, alert.cause_present) == (AlertStatus.open, True, True)
    assert (alert.raised_on, alert.summary, alert.details) == (
        DECEMBER_1,
        "Amira Khan's support plan is overdue again",
        {"days": 21},
    )
    assert alert.policy_dated_on == DECEMBER_1


def test_given_an_open_or_acknowledged_alert_when_it_is_raised_again_then_it_is_refused() -> None:
    still_open = alert_after()
    seen = alert_after(acknowledged())

    errors = [invalid("status", lambda a=a: raised_again(DECEMBER_1)(a)) for a in (still_open, seen)]

    assert all("only a resolved alert can be raised again" in error.message for error in errors)
    assert then(still_open) == then(seen) == []
    assert (still_open.status, seen.status) == (AlertStatus.open, AlertStatus.acknowledged)


def test_given_an_alerts_whole_life_when_its_events_are_replayed_then_it_is_as_the_last_of_them_left_it() -> (
    None
):
    events = history(
        raised(),
        acknowledged(),
        resolved_by_hand(NOVEMBER_23),
        cause_cleared(NOVEMBER_23),
        raised_again(DECEMBER_1),
        resolved_by_policy(DECEMBER_8),
    )

    alert = given(*events)

    assert names(events) == ["Raised", "Acknowledged", "Resolved", "CauseCleared", "Reraised", "Resolved"]
    assert (alert.version, alert.status, alert.cause_present) == (6, AlertStatus.resolved, False)
    assert (alert.raised_on, alert.summary, alert.policy_dated_on) == (
        DECEMBER_1,
        "overdue again",
        DECEMBER_8,
    )


def test_given_a_policy_change_as_of_20_november_when_runs_are_dated_before_on_or_after_it_then_only_before_is_older() -> (
    None
):
    alert = alert_after(resolved_by_hand(NOVEMBER_16))  # a SENCO's date moves nothing

    older = [alert.is_older_than_recorded(day) for day in (NOVEMBER_16, NOVEMBER_20, NOVEMBER_23)]

    assert older == [True, False, False]
