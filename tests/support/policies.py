"""Shorthand for the policy tests: run the policies as of a date, read the alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from apdr.aggregates import Alert
from apdr.application import Actor
from apdr.policies.runner import PolicyRunner, RunResult
from apdr.projections.alerts import find_alerts
from apdr.runtime import Apdr
from tests.support.history import History

POLICY_RUN = Actor.system("policy-test")


def run(apdr: Apdr, history: History, as_of: date) -> RunResult:
    result = PolicyRunner(apdr.record, apdr.read_models).run(POLICY_RUN, history.setting_id, as_of)
    assert result.failed == []
    return result


def alerts(apdr: Apdr, history: History, kind: str, status: str | None = None) -> list[dict[str, Any]]:
    apdr.read_models.ensure_current(["alerts"])
    with apdr.engine.connect() as conn:
        return find_alerts(conn, history.setting_id, kind=kind, status=status)


def run_twice_and_find_one(apdr: Apdr, history: History, as_of: date, kind: str) -> dict[str, Any]:
    """Run the policies twice as of ``as_of``: the first run raises exactly one
    alert of ``kind``, the second raises nothing, and one alert is recorded."""
    first = run(apdr, history, as_of)
    second = run(apdr, history, as_of)
    raised = [a for a in first.raised if a["kind"] == kind]
    assert len(raised) == 1, first.raised
    assert [a for a in second.raised if a["kind"] == kind] == []
    (alert,) = alerts(apdr, history, kind)
    assert alert["status"] == "open"
    assert alert["alert_id"] == raised[0]["id"] == Alert.create_id(kind, alert["subject"])
    # Raised once in the event store too: the second run recorded nothing.
    assert apdr.record.repository.get(alert["alert_id"]).version == 1
    return alert


def assert_resolved_by_policy(apdr: Apdr, history: History, as_of: date, alert: dict[str, Any]) -> None:
    result = run(apdr, history, as_of)
    assert [a["id"] for a in result.resolved if a["kind"] == alert["kind"]] == [alert["alert_id"]]
    (now,) = alerts(apdr, history, alert["kind"])
    assert now["status"] == "resolved"
    assert now["resolution"].startswith("resolved by policy")
    assert now["resolved_on"] == as_of
    assert now["resolved_by"] == POLICY_RUN.email


def of_kind(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The alerts of one kind in a run's raised or resolved list."""
    return [a for a in found if a["kind"] == kind]
