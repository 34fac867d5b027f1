"""A setting's live policy runs: the live alerts only move forward in time."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from apdr.aggregates.policy_run import LivePolicyRuns
from apdr.errors import InvalidInput
from tests.support.aggregates import given, history, names, then

RUN = "scheduler"
NOVEMBER_20, OCTOBER_20 = date(2026, 11, 20), date(2026, 10, 20)


def ran_as_of(*days: date) -> LivePolicyRuns:
    scratch = LivePolicyRuns(setting_id=uuid4())
    return given(*history(scratch, *[lambda r, d=d: r.record_run(as_of=d, recorded_by=RUN) for d in days]))


def test_given_a_setting_when_its_first_live_run_is_recorded_then_its_id_comes_from_the_setting() -> None:
    setting_id = uuid4()
    runs = LivePolicyRuns(setting_id=setting_id)

    runs.record_run(as_of=NOVEMBER_20, recorded_by="senco@school.example")

    events = then(runs)
    assert names(events) == ["Opened", "Ran"]
    assert (events[1].as_of, events[1].recorded_by) == (NOVEMBER_20, "senco@school.example")
    assert runs.id == LivePolicyRuns.create_id(setting_id) != LivePolicyRuns.create_id(uuid4())
    assert runs.latest_as_of == NOVEMBER_20


def test_given_a_live_run_as_of_late_november_when_a_run_as_of_october_comes_then_it_is_a_preview_and_refused() -> (
    None
):
    runs = ran_as_of(NOVEMBER_20)

    with pytest.raises(InvalidInput) as refused:
        runs.record_run(as_of=OCTOBER_20, recorded_by=RUN)

    assert refused.value.field == "as_of"
    assert runs.is_preview(OCTOBER_20) and not runs.is_preview(NOVEMBER_20)
    assert then(runs) == []
    assert runs.latest_as_of == NOVEMBER_20


def test_given_a_live_run_when_a_run_as_of_the_same_date_or_later_comes_then_each_is_live() -> None:
    runs = ran_as_of(OCTOBER_20, NOVEMBER_20)

    runs.record_run(as_of=NOVEMBER_20, recorded_by=RUN)
    runs.record_run(as_of=date(2026, 11, 23), recorded_by=RUN)

    assert names(then(runs)) == ["Ran", "Ran"]
    assert runs.latest_as_of == date(2026, 11, 23)
