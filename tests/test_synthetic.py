"""The synthetic history generator: the same seed writes the same history."""

from __future__ import annotations

from datetime import date
from typing import Any

from apdr.demo.synthetic import Plan, SettingSpec, generate

PLAN = Plan("tiny", (SettingSpec("709901", "Tiny Primary School", "primary", 70),), years=2)
TODAY = date(2026, 3, 20)
FUTURE = {"expires_on", "review_due_on", "next_review_due_on"}  # dates that may lie ahead


class Captured:
    """Stands in for an application: keeps the events it is given, in order."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []

        class Events:
            @staticmethod
            def put(events: list[Any]) -> None:
                self.batches.append(list(events))

        self.events = Events()

    def history(self) -> list[tuple[Any, ...]]:
        return [
            (
                type(e).__qualname__,
                e.originator_id,
                e.originator_version,
                sorted((k, repr(v)) for k, v in vars(e).items() if k != "timestamp"),
            )
            for batch in self.batches
            for e in batch
        ]


def test_given_the_same_seed_when_generated_twice_then_the_same_events_are_written_in_the_same_order() -> (
    None
):
    first, second = Captured(), Captured()
    a = generate(first, PLAN, seed=3, today=TODAY, chunk_size=200)
    b = generate(second, PLAN, seed=3, today=TODAY, chunk_size=200)
    assert a.events == b.events == sum(len(batch) for batch in first.batches) > 500
    assert first.history() == second.history()
    assert all(len(batch) >= 200 for batch in first.batches[:-1]), "written in batches"


def test_given_another_seed_when_generated_then_the_history_differs() -> None:
    first, second = Captured(), Captured()
    generate(first, PLAN, seed=3, today=TODAY)
    generate(second, PLAN, seed=4, today=TODAY)
    assert first.history() != second.history()


def test_given_a_history_when_generated_then_nothing_is_dated_after_today_and_every_aggregate_is_in_order() -> (
    None
):
    captured = Captured()
    history = generate(captured, PLAN, seed=5, today=TODAY)
    versions: dict[Any, int] = {}
    for batch in captured.batches:
        for event in batch:
            assert event.originator_version == versions.get(event.originator_id, 0) + 1
            versions[event.originator_id] = event.originator_version
            for name, value in vars(event).items():
                if isinstance(value, date) and not hasattr(value, "hour") and name not in FUTURE:
                    assert value <= TODAY, f"{type(event).__qualname__}.{name} is {value}"
    setting = history.settings[0]
    assert setting.on_roll == 70
    assert setting.sessions > 0 and setting.interventions > 0
    assert setting.on_register == setting.sen_support + setting.ehc_plans > 0
    assert not setting.users, "users only when given a password hash"
