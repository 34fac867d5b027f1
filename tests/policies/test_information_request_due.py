"""information_request_due: a request for a pupil's information nearly or already due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from apdr.aggregates.codes import DisclosureDecision, RequesterKind
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import assert_resolved_by_policy, of_kind, run, run_twice_and_find_one

KIND = "information_request_due"
YJS = "Anytown Youth Justice Service"


def refuse(history: History, request_id: object, on: date, reason: str) -> None:
    """A refusal issues no pack, so no builder is needed."""
    history.record.decide_information_request(
        history.senco,
        request_id,
        today=history.today,
        now=datetime.combine(on, time(9), UTC),
        compose=lambda order: {},
        decision=DisclosureDecision.refuse,
        reason=reason,
        decided_on=on,
    )


def test_given_an_open_request_when_its_due_date_nears_then_one_alert_until_it_is_decided(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    asked = history.information_request(
        amira, RequesterKind.yot, date(2026, 10, 12), YJS, "YJS-114"
    )  # due 12 November
    assert asked.due_on == date(2026, 11, 12)

    eight_days_before = run(apdr, history, date(2026, 11, 4))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 5), KIND)

    assert of_kind(eight_days_before.raised, KIND) == []
    assert alert["pupil_id"] == amira
    assert alert["summary"].startswith(
        "The request for information from Anytown Youth Justice Service (ref. YJS-114) is due on 12 Nov 2026, in 7 days."
    )

    refuse(history, asked.id, date(2026, 11, 13), "Not the school's to share")
    assert_resolved_by_policy(apdr, history, date(2026, 11, 13), alert)


def test_given_a_request_decided_late_when_the_policy_runs_as_of_the_day_after_it_was_due_then_it_says_overdue(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    asked = history.information_request(amira, RequesterKind.other, date(2026, 10, 12), YJS, "YJS-114")
    refuse(history, asked.id, date(2026, 11, 20), "No lawful basis")

    # Back-filled as of 14 November, the request was still open then, two days late.
    (raised,) = of_kind(run(apdr, history, date(2026, 11, 14)).raised, KIND)
    assert "was due on 12 Nov 2026, 2 days ago" in raised["summary"]
    assert [a["id"] for a in of_kind(run(apdr, history, date(2026, 11, 21)).resolved, KIND)] == [raised["id"]]
