"""A support plan: one assess-plan-do-review cycle, its outcomes, changes, reviews and closure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from apdr.aggregates import SupportPlan
from apdr.aggregates.codes import Decision, Rating
from tests.support.aggregates import BY, TODAY, given, history, invalid, then
from tests.support.fields import review_fields

STARTS = date(2026, 9, 21)
REVIEW_DUE = date(2026, 12, 11)
OUTCOMES = [
    {"description": "Reads 100 high-frequency words", "measure": "words read in one minute", "target": "100"},
    {"description": "Writes a sentence unaided", "measure": "sentences in a week", "target": "5"},
]
WRITTEN_UP = {
    "tried": "Precision teaching",
    "learned": "Short daily practice works",
    "pleased": "Reads 60 words",
    "concerned": "Not yet 100",
    "pupil_views": "I like the game",
    "parent_views": "Reads at home now",
}
"""What the usual review writes up."""
Command = Callable[[SupportPlan], object]


def draft(**overrides: Any) -> SupportPlan:
    values: dict[str, Any] = {
        "plan_id": uuid4(),
        "pupil_id": uuid4(),
        "setting_id": uuid4(),
        "starts_on": STARTS,
        "review_due_on": REVIEW_DUE,
        "outcomes": OUTCOMES,
        "strategies": [{"code": "CL5", "description": "Precision teaching"}],
        "expected_impact": "Joins guided reading",
        "pupil_views": "",
        "parent_views": "",
        "home_actions": "",
        "follows_plan_id": None,
        "recorded_by": BY,
    }
    return SupportPlan.draft(**(values | overrides))


def plan_after(*commands: Command, **drafted: Any) -> SupportPlan:
    return given(*history(draft(**drafted), *commands))


def ratings(plan: SupportPlan, rating: Rating = Rating.met) -> list[dict[str, Any]]:
    return [{"outcome_id": oid, "rating": rating, "evidence": "Seen in class"} for oid in plan.outcomes]


def review(
    plan: SupportPlan,
    *,
    outcomes: list[dict[str, Any]] | None = None,
    reviewed_on: date = date(2026, 12, 10),
    decision: Decision = Decision.continue_,
    next_review_due_on: date | None = date(2027, 3, 19),
) -> UUID:
    fields = review_fields(
        reviewed_on,
        ratings(plan) if outcomes is None else outcomes,
        decision,
        next_review_due_on,
        **WRITTEN_UP,
    )
    return plan.review(**fields, recorded_by=BY, today=date(2026, 12, 15))


def reviewed(**kwargs: Any) -> Command:
    return lambda p: review(p, **kwargs)


def closed(on: date = date(2026, 11, 20)) -> Command:
    return lambda p: p.close(closed_on=on, reason="Moved school", recorded_by=BY, today=TODAY)


# -- drafting ------------------------------------------------------------------------


def test_given_nothing_when_a_plan_is_drafted_then_drafted_gives_each_outcome_an_id() -> None:
    plan_id = uuid4()
    plan = draft(
        plan_id=plan_id,
        strategies=[{"code": " cl5 ", "description": "PT"}, {"description": "Visual timetable"}],
    )

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.Drafted) and event.originator_id == plan_id
    assert [o["description"] for o in event.outcomes] == [o["description"] for o in OUTCOMES]
    assert len({o["id"] for o in event.outcomes}) == 2
    assert [s["code"] for s in event.strategies] == ["CL5", None]
    assert given(event).is_open


def test_given_nothing_when_a_plan_has_no_outcome_then_it_is_refused() -> None:
    invalid("outcomes", lambda: draft(outcomes=[]))


@pytest.mark.parametrize("missing", ["description", "measure", "target"])
def test_given_nothing_when_an_outcome_lacks_a_part_then_the_part_is_named(missing: str) -> None:
    second = OUTCOMES[1] | {missing: " "}

    invalid(f"outcomes[1].{missing}", lambda: draft(outcomes=[OUTCOMES[0], second]))


@pytest.mark.parametrize("review_due_on", [STARTS, date(2026, 9, 1)])
def test_given_nothing_when_the_review_is_not_after_the_start_then_it_is_refused(review_due_on: date) -> None:
    invalid("review_due_on", lambda: draft(review_due_on=review_due_on))


def test_given_nothing_when_a_strategy_code_is_not_in_the_catalogue_then_it_is_refused() -> None:
    strategies = [{"code": "CL5", "description": "PT"}, {"code": "SPLD8", "description": "No such code"}]

    error = invalid("strategies[1].code", lambda: draft(strategies=strategies))
    assert "SPLD8" in error.message


def test_given_nothing_when_the_expected_impact_is_empty_then_it_is_refused() -> None:
    invalid("expected_impact", lambda: draft(expected_impact=""))


# -- agreeing and changing -----------------------------------------------------------


def agree(plan: SupportPlan, on: date = date(2026, 9, 25)) -> None:
    plan.agree_with_parents(agreed_on=on, agreed_with="Mrs Khan", notes="", recorded_by=BY, today=TODAY)


def test_given_a_draft_when_agreed_with_parents_then_agreed_and_not_twice() -> None:
    plan = plan_after()

    invalid("agreed_on", lambda: agree(plan, on=date(2026, 11, 24)))
    agree(plan)

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.AgreedWithParents) and event.agreed_on == date(2026, 9, 25)
    invalid("agreed_on", lambda: agree(plan))


def test_given_a_plan_when_an_outcome_is_added_then_it_gets_a_new_id() -> None:
    plan = plan_after()
    before = set(plan.outcomes)

    outcome_id = plan.add_outcome(
        outcome={"description": "Spells CVC words", "measure": "words of 10", "target": "8"},
        reason="New target",
        recorded_by=BY,
    )

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.OutcomeAdded) and event.outcome["id"] == outcome_id
    assert outcome_id not in before and len(plan.outcomes) == 3


def test_given_a_plan_when_an_added_outcome_lacks_a_target_then_the_target_is_named() -> None:
    plan = plan_after()

    invalid(
        "outcome.target",
        lambda: plan.add_outcome(
            outcome={"description": "Spells CVC words", "measure": "words of 10", "target": ""},
            reason="",
            recorded_by=BY,
        ),
    )


def test_given_a_plan_when_an_outcome_is_revised_then_only_what_changed_is_recorded() -> None:
    plan = plan_after()
    outcome_id = next(iter(plan.outcomes))

    plan.revise_outcome(
        outcome_id=outcome_id,
        changes={"target": "80", "measure": OUTCOMES[0]["measure"], "description": None},
        reason="Too ambitious for one term",
        recorded_by=BY,
    )

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.OutcomeRevised)
    assert event.changes == {"target": "80", "measure": OUTCOMES[0]["measure"]}
    assert plan.outcomes[outcome_id]["target"] == "80"


def test_given_a_plan_when_a_revision_names_no_outcome_or_changes_nothing_then_it_is_refused() -> None:
    plan = plan_after()
    outcome_id = next(iter(plan.outcomes))

    def revise(oid: UUID, **changes: str | None) -> None:
        plan.revise_outcome(outcome_id=oid, changes=changes, reason="Because", recorded_by=BY)

    invalid("outcome_id", lambda: revise(uuid4(), target="80"))
    invalid("body", lambda: revise(outcome_id, target="100"))
    invalid("body", lambda: revise(outcome_id))
    invalid("target", lambda: revise(outcome_id, target=" "))


def test_given_a_plan_when_a_strategy_is_added_then_its_code_is_checked() -> None:
    plan = plan_after()

    invalid("code", lambda: plan.add_strategy(strategy={"code": "XX1", "description": "?"}, recorded_by=BY))
    invalid(
        "description", lambda: plan.add_strategy(strategy={"code": "CL1", "description": ""}, recorded_by=BY)
    )
    plan.add_strategy(strategy={"code": "semh3", "description": "Zones of regulation"}, recorded_by=BY)

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.StrategyAdded) and event.strategy["code"] == "SEMH3"


def test_given_a_plan_when_its_review_is_moved_then_review_moved_records_the_previous_date() -> None:
    plan = plan_after()

    plan.move_review(review_due_on=date(2026, 12, 18), reason="Parents away", recorded_by=BY)

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.ReviewMoved)
    assert (event.review_due_on, event.previous) == (date(2026, 12, 18), REVIEW_DUE)
    assert plan.review_due_on == date(2026, 12, 18)


def test_given_a_plan_when_the_review_is_moved_to_its_own_date_or_before_the_start_then_it_is_refused() -> (
    None
):
    plan = plan_after()

    invalid("review_due_on", lambda: plan.move_review(review_due_on=REVIEW_DUE, reason="x", recorded_by=BY))
    invalid("review_due_on", lambda: plan.move_review(review_due_on=STARTS, reason="x", recorded_by=BY))
    invalid("reason", lambda: plan.move_review(review_due_on=date(2026, 12, 18), reason="", recorded_by=BY))


# -- reviewing ---------------------------------------------------------------------


def test_given_a_plan_when_it_is_reviewed_and_continued_then_reviewed_and_the_next_review_is_due() -> None:
    plan = plan_after()

    review_id = review(plan, decision=Decision.continue_, next_review_due_on=date(2027, 3, 19))

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.Reviewed) and event.review_id == review_id
    assert [r["outcome_id"] for r in event.outcomes] == list(plan.outcomes)
    assert {r["rating"] for r in event.outcomes} == {Rating.met}
    assert event.decision is Decision.continue_
    assert (plan.review_due_on, plan.is_open) == (date(2027, 3, 19), True)


def test_given_a_plan_when_the_review_ends_support_then_reviewed_and_closed_and_no_next_review() -> None:
    plan = plan_after()

    review(plan, decision=Decision.end_support, next_review_due_on=date(2027, 3, 19))

    reviewed_event, closed_event = then(plan)
    assert isinstance(reviewed_event, SupportPlan.Reviewed) and reviewed_event.next_review_due_on is None
    assert isinstance(closed_event, SupportPlan.Closed) and closed_event.closed_on == date(2026, 12, 10)
    assert not plan.is_open


@pytest.mark.parametrize("decision", [Decision.continue_, Decision.adjust, Decision.request_ehcp])
def test_given_a_plan_when_a_review_that_goes_on_has_no_next_review_date_then_it_is_refused(
    decision: Decision,
) -> None:
    plan = plan_after()

    invalid("next_review_due_on", lambda: review(plan, decision=decision, next_review_due_on=None))
    invalid(
        "next_review_due_on", lambda: review(plan, decision=decision, next_review_due_on=date(2026, 12, 10))
    )


def test_given_a_plan_with_two_outcomes_when_a_review_rates_one_then_every_outcome_must_be_rated() -> None:
    plan = plan_after()
    first, _ = ratings(plan)

    error = invalid("outcomes", lambda: review(plan, outcomes=[first]))
    assert OUTCOMES[1]["description"] in error.message


def test_given_a_plan_when_a_review_rates_an_outcome_twice_or_an_unknown_one_then_it_is_refused() -> None:
    plan = plan_after()
    first, second = ratings(plan)

    invalid("outcomes[2].outcome_id", lambda: review(plan, outcomes=[first, second, first]))
    invalid(
        "outcomes[0].outcome_id", lambda: review(plan, outcomes=[first | {"outcome_id": uuid4()}, second])
    )
    invalid("outcomes[1].rating", lambda: review(plan, outcomes=[first, second | {"rating": "met"}]))
    assert then(plan) == []


@pytest.mark.parametrize("reviewed_on", [date(2026, 9, 20), date(2026, 12, 16)])
def test_given_a_plan_when_the_review_is_before_the_start_or_in_the_future_then_it_is_refused(
    reviewed_on: date,
) -> None:
    plan = plan_after()

    invalid(
        "reviewed_on", lambda: review(plan, reviewed_on=reviewed_on, next_review_due_on=date(2027, 3, 19))
    )


def test_given_a_reviewed_plan_when_the_next_review_is_dated_before_it_then_it_is_refused() -> None:
    plan = plan_after(reviewed(reviewed_on=date(2026, 12, 10)))

    invalid("reviewed_on", lambda: review(plan, reviewed_on=date(2026, 12, 9)))


# -- closing ---------------------------------------------------------------------


def test_given_a_plan_when_it_is_closed_before_it_started_then_it_closes_on_its_start() -> None:
    plan = plan_after()

    plan.close(closed_on=date(2026, 9, 1), reason="Superseded", recorded_by=BY, today=TODAY)

    (event,) = then(plan)
    assert isinstance(event, SupportPlan.Closed) and event.closed_on == STARTS


def test_given_a_plan_when_it_is_closed_in_the_future_or_without_a_reason_then_it_is_refused() -> None:
    plan = plan_after()

    invalid(
        "closed_on", lambda: plan.close(closed_on=date(2026, 11, 24), reason="x", recorded_by=BY, today=TODAY)
    )
    invalid(
        "reason", lambda: plan.close(closed_on=date(2026, 11, 20), reason=" ", recorded_by=BY, today=TODAY)
    )


@pytest.mark.parametrize("how", ["closed", "ended at review"])
def test_given_a_closed_plan_when_anything_changes_then_the_next_plan_is_asked_for(how: str) -> None:
    past = closed() if how == "closed" else reviewed(decision=Decision.end_support, next_review_due_on=None)
    plan = plan_after(past)
    assert not plan.is_open
    outcome = {"description": "d", "measure": "m", "target": "t"}
    changes: list[Callable[[], object]] = [
        lambda: agree(plan),
        lambda: plan.add_outcome(outcome=outcome, reason="", recorded_by=BY),
        lambda: plan.revise_outcome(
            outcome_id=next(iter(plan.outcomes)), changes={"target": "9"}, reason="x", recorded_by=BY
        ),
        lambda: plan.add_strategy(strategy={"code": "CL1", "description": "d"}, recorded_by=BY),
        lambda: plan.move_review(review_due_on=date(2027, 1, 8), reason="x", recorded_by=BY),
        lambda: review(plan, reviewed_on=date(2026, 12, 12)),
        lambda: closed()(plan),
    ]

    for change in changes:
        error = invalid("plan_id", change)
        assert "draft the next plan" in error.message
    assert then(plan) == []
