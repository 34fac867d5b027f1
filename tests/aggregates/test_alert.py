"""An alert: the live alerts only move forward in time, so an alert refuses a
policy change dated before the latest policy change already recorded on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

import pytest

from apdr.aggregates import Alert
from apdr.errors import InvalidInput
from tests.aggregates.conftest import BY, given, history, names, then

RUN = "scheduler"
NOVEMBER_16, NOVEMBER_20, NOVEMBER_23 = date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 23)
OCTOBER_20 = date(2026, 10, 20)


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


def refused(command: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised_error:
        command()
    assert raised_error.value.field == "as_of", raised_error.value.message
    return raised_error.value


def test_given_an_alert_raised_as_of_late_november_when_an_october_run_resolves_it_then_it_is_refused() -> (
    None
):
    alert = alert_after(lambda a: a.acknowledge(acknowledged_on=NOVEMBER_23, note="booked", recorded_by=BY))

    error = refused(lambda: resolved_by_policy(OCTOBER_20)(alert))

    assert "as of 2026-11-20" in error.message and "as of 2026-10-20" in error.message
    assert then(alert) == []
    assert alert.status == "acknowledged"


def test_given_an_alert_resolved_by_policy_in_late_november_when_an_older_run_raises_it_again_then_it_is_refused() -> (
    None
):
    alert = alert_after(resolved_by_policy(NOVEMBER_23))

    refused(
        lambda: alert.reraise(raised_on=NOVEMBER_20, summary="still overdue", details={}, recorded_by=RUN)
    )

    assert then(alert) == []
    assert (alert.status, alert.policy_dated_on) == ("resolved", NOVEMBER_23)


def test_given_an_alert_resolved_by_hand_whose_cause_a_newer_run_found_when_an_older_run_clears_the_cause_then_it_is_refused() -> (
    None
):
    alert = alert_after(
        resolved_by_hand(NOVEMBER_16)
    )  # raised as of 20 November, resolved by hand on the 16th

    refused(lambda: alert.clear_cause(cleared_on=NOVEMBER_16, recorded_by=RUN))

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
