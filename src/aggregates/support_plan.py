"""A SEN support plan: one assess-plan-do-review cycle for one pupil."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import STRATEGY_CODES, Decision, Rating, strategy_code
from apdr.aggregates.rules import copy_one_level, must_be_after, must_have_happened, must_have_text
from apdr.errors import InvalidInput

if TYPE_CHECKING:
    from apdr.aggregates.pupil import Pupil


def _outcome(where: str, raw: dict[str, Any], plan_id: UUID, n: int) -> dict:
    """``where`` is where the outcome sits in the request: 'outcomes[1].', 'outcome.'."""
    return {
        "id": uuid5(plan_id, f"outcome/{n}"),
        "description": must_have_text(f"{where}description", raw.get("description")),
        "measure": must_have_text(f"{where}measure", raw.get("measure")),
        "target": must_have_text(f"{where}target", raw.get("target")),
    }


def _strategy(where: str, raw: dict[str, Any]) -> dict:
    """``where`` is where the strategy sits in the request: 'strategies[0].', or '' for the whole body."""
    code = strategy_code(raw.get("code") or "") or None
    if code is not None and code not in STRATEGY_CODES:
        raise InvalidInput(
            f"{where}code",
            f"{raw.get('code')!r} is not a strategy code in the catalogue "
            "(CL1-9, SLC1-11, ASC1-14, SPLD1-12, SEMH1-10, PM1-10, HL1-14, VI1-5)",
        )
    return {"code": code, "description": must_have_text(f"{where}description", raw.get("description"))}


class SupportPlan(Aggregate):
    __deepcopy__ = copy_one_level

    @classmethod
    def draft(
        cls,
        *,
        plan_id: UUID,
        pupil_id: UUID,
        setting_id: UUID,
        starts_on: date,
        review_due_on: date,
        outcomes: list[dict[str, Any]],
        strategies: list[dict[str, Any]],
        expected_impact: str,
        pupil_views: str,
        parent_views: str,
        home_actions: str,
        follows_plan_id: UUID | None,
        recorded_by: str,
    ) -> SupportPlan:
        if not outcomes:
            raise InvalidInput("outcomes", "a plan needs at least one outcome, with a measure and a target")
        must_be_after("review_due_on", review_due_on, starts_on, "the plan's start")
        return cls(
            id=plan_id,
            pupil_id=pupil_id,
            setting_id=setting_id,
            starts_on=starts_on,
            review_due_on=review_due_on,
            outcomes=[_outcome(f"outcomes[{i}].", o, plan_id, i) for i, o in enumerate(outcomes)],
            strategies=[_strategy(f"strategies[{i}].", s) for i, s in enumerate(strategies)],
            # Code of Practice 6.48: the plan agrees the expected impact on progress.
            expected_impact=must_have_text("expected_impact", expected_impact),
            pupil_views=pupil_views.strip(),
            parent_views=parent_views.strip(),
            home_actions=home_actions.strip(),
            follows_plan_id=follows_plan_id,
            recorded_by=recorded_by,
        )

    @event("Drafted")
    def __init__(
        self,
        id: UUID,
        pupil_id: UUID,
        setting_id: UUID,
        starts_on: date,
        review_due_on: date,
        outcomes: list[dict[str, Any]],
        strategies: list[dict[str, Any]],
        expected_impact: str,
        pupil_views: str,
        parent_views: str,
        home_actions: str,
        follows_plan_id: UUID | None,
        recorded_by: str,
    ) -> None:
        self.pupil_id = pupil_id
        self.setting_id = setting_id
        self.starts_on = starts_on
        self.review_due_on = review_due_on
        self.outcomes: dict[UUID, dict[str, Any]] = {o["id"]: dict(o) for o in outcomes}
        self.strategies = list(strategies)
        self.expected_impact = expected_impact
        self.pupil_views = pupil_views
        self.parent_views = parent_views
        self.home_actions = home_actions
        self.follows_plan_id = follows_plan_id
        self.agreed_on: date | None = None
        self.reviews: list[dict[str, Any]] = []
        self.closed_on: date | None = None
        self.closed_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def _must_be_open(self) -> None:
        if not self.is_open:
            raise InvalidInput(
                "plan_id", f"this plan was closed on {self.closed_on}; draft the next plan instead"
            )

    def agree_with_parents(
        self, *, agreed_on: date, agreed_with: str, notes: str, recorded_by: str, today: date
    ) -> None:
        self._must_be_open()
        if self.agreed_on is not None:
            raise InvalidInput("agreed_on", f"the plan was already agreed with parents on {self.agreed_on}")
        must_have_happened("agreed_on", agreed_on, today)
        self._agreed_with_parents(
            agreed_on=agreed_on, agreed_with=agreed_with.strip(), notes=notes.strip(), recorded_by=recorded_by
        )

    @event("AgreedWithParents")
    def _agreed_with_parents(self, agreed_on: date, agreed_with: str, notes: str, recorded_by: str) -> None:
        self.agreed_on = agreed_on

    # -- changes during the cycle ------------------------------------------

    def add_outcome(self, *, outcome: dict[str, Any], reason: str, recorded_by: str) -> UUID:
        self._must_be_open()
        new = _outcome("outcome.", outcome, self.id, len(self.outcomes))
        self._outcome_added(outcome=new, reason=reason.strip(), recorded_by=recorded_by)
        return new["id"]

    @event("OutcomeAdded")
    def _outcome_added(self, outcome: dict[str, Any], reason: str, recorded_by: str) -> None:
        self.outcomes[outcome["id"]] = dict(outcome)

    def revise_outcome(
        self, *, outcome_id: UUID, changes: dict[str, str | None], reason: str, recorded_by: str
    ) -> None:
        self._must_be_open()
        if outcome_id not in self.outcomes:
            raise InvalidInput("outcome_id", "no such outcome in this plan")
        revised = {
            k: must_have_text(k, v)
            for k, v in changes.items()
            if k in ("description", "measure", "target") and v is not None
        }
        if not revised or all(self.outcomes[outcome_id][k] == v for k, v in revised.items()):
            raise InvalidInput("body", "nothing to revise: give a new description, measure or target")
        self._outcome_revised(
            outcome_id=outcome_id,
            changes=revised,
            reason=must_have_text("reason", reason),
            recorded_by=recorded_by,
        )

    @event("OutcomeRevised")
    def _outcome_revised(
        self, outcome_id: UUID, changes: dict[str, str], reason: str, recorded_by: str
    ) -> None:
        self.outcomes[outcome_id] = self.outcomes[outcome_id] | changes

    def add_strategy(self, *, strategy: dict[str, Any], recorded_by: str) -> None:
        self._must_be_open()
        self._strategy_added(strategy=_strategy("", strategy), recorded_by=recorded_by)

    @event("StrategyAdded")
    def _strategy_added(self, strategy: dict[str, Any], recorded_by: str) -> None:
        self.strategies.append(strategy)

    def move_review(self, *, review_due_on: date, reason: str, recorded_by: str) -> None:
        self._must_be_open()
        must_be_after("review_due_on", review_due_on, self.starts_on, "the plan's start")
        if review_due_on == self.review_due_on:
            raise InvalidInput("review_due_on", f"the review is already due on {review_due_on}")
        self._review_moved(
            review_due_on=review_due_on,
            previous=self.review_due_on,
            reason=must_have_text("reason", reason),
            recorded_by=recorded_by,
        )

    @event("ReviewMoved")
    def _review_moved(self, review_due_on: date, previous: date, reason: str, recorded_by: str) -> None:
        self.review_due_on = review_due_on

    # -- review -------------------------------------------------------------

    def review(
        self,
        *,
        reviewed_on: date,
        outcomes: list[dict[str, Any]],
        tried: str,
        learned: str,
        pleased: str,
        concerned: str,
        pupil_views: str,
        parent_views: str,
        decision: Decision,
        next_review_due_on: date | None,
        recorded_by: str,
        today: date,
    ) -> UUID:
        """Review progress towards every outcome, and decide what happens next."""
        self._must_be_open()
        must_have_happened(
            "reviewed_on", reviewed_on, today, not_before=self.starts_on, not_before_what="the plan's start"
        )
        if self.reviews and reviewed_on < self.reviews[-1]["reviewed_on"]:
            raise InvalidInput(
                "reviewed_on", f"the plan was last reviewed on {self.reviews[-1]['reviewed_on']}"
            )
        ratings = self._ratings(outcomes)
        if decision is Decision.end_support:
            next_review_due_on = None
        elif next_review_due_on is None:
            raise InvalidInput(
                "next_review_due_on", f"a decision to {decision.value} needs a next review date"
            )
        else:
            must_be_after("next_review_due_on", next_review_due_on, reviewed_on, "the review")
        review_id = uuid5(self.id, f"review/{len(self.reviews)}")
        self._reviewed(
            review_id=review_id,
            reviewed_on=reviewed_on,
            outcomes=ratings,
            tried=tried.strip(),
            learned=learned.strip(),
            pleased=pleased.strip(),
            concerned=concerned.strip(),
            pupil_views=pupil_views.strip(),
            parent_views=parent_views.strip(),
            decision=decision,
            next_review_due_on=next_review_due_on,
            recorded_by=recorded_by,
        )
        if decision is Decision.end_support:
            self._closed(closed_on=reviewed_on, reason="support ended at review", recorded_by=recorded_by)
        return review_id

    def _ratings(self, outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A review rates every outcome of the plan, once."""
        ratings: dict[UUID, dict[str, Any]] = {}
        for i, rated in enumerate(outcomes):
            outcome_id = rated.get("outcome_id")
            if outcome_id not in self.outcomes:
                raise InvalidInput(
                    f"outcomes[{i}].outcome_id", f"{outcome_id} is not an outcome of this plan"
                )
            if outcome_id in ratings:
                raise InvalidInput(f"outcomes[{i}].outcome_id", "this outcome is rated twice")
            rating = rated.get("rating")
            if not isinstance(rating, Rating):
                raise InvalidInput(f"outcomes[{i}].rating", "rating is not_met, partly_met, met or exceeded")
            ratings[outcome_id] = {
                "outcome_id": outcome_id,
                "rating": rating,
                "evidence": (rated.get("evidence") or "").strip(),
            }
        missing = [o["description"] for oid, o in self.outcomes.items() if oid not in ratings]
        if missing:
            raise InvalidInput(
                "outcomes", "the review must rate every outcome; not rated: " + "; ".join(missing)
            )
        return [ratings[oid] for oid in self.outcomes]

    @event("Reviewed")
    def _reviewed(
        self,
        review_id: UUID,
        reviewed_on: date,
        outcomes: list[dict[str, Any]],
        tried: str,
        learned: str,
        pleased: str,
        concerned: str,
        pupil_views: str,
        parent_views: str,
        decision: Decision,
        next_review_due_on: date | None,
        recorded_by: str,
    ) -> None:
        self.reviews.append(
            {
                "id": review_id,
                "reviewed_on": reviewed_on,
                "outcomes": outcomes,
                "tried": tried,
                "learned": learned,
                "pleased": pleased,
                "concerned": concerned,
                "pupil_views": pupil_views,
                "parent_views": parent_views,
                "decision": decision,
                "next_review_due_on": next_review_due_on,
            }
        )
        if next_review_due_on is not None:
            self.review_due_on = next_review_due_on

    def close(self, *, closed_on: date, reason: str, recorded_by: str, today: date) -> None:
        self._must_be_open()
        must_have_happened("closed_on", closed_on, today)
        # A plan that never started (drafted ahead, then superseded) closes on its start.
        self._closed(
            closed_on=max(closed_on, self.starts_on),
            reason=must_have_text("reason", reason),
            recorded_by=recorded_by,
        )

    @event("Closed")
    def _closed(self, closed_on: date, reason: str, recorded_by: str) -> None:
        self.closed_on = closed_on
        self.closed_reason = reason


# -- steps that change the pupil as well as their plans -------------------------
# Each changes both; the caller saves every aggregate it changed in one transaction.


def draft_next_plan(
    pupil: Pupil,
    previous: SupportPlan | None,
    *,
    plan_id: UUID,
    starts_on: date,
    recorded_by: str,
    today: date,
    **plan_details: Any,
) -> SupportPlan:
    """The pupil's next assess-plan-do-review cycle: a new plan, which becomes the
    pupil's current plan and follows the one before, closing it if still open
    (the next cycle is a new plan that follows the last). ``previous`` is the
    pupil's plan before this one, needed when it is still their current plan;
    ``plan_details`` are the rest of what ``SupportPlan.draft`` takes (review_due_on,
    outcomes, strategies, expected_impact, pupil_views, parent_views, home_actions)."""
    follows = pupil.current_plan_id
    if follows is not None and (previous is None or previous.id != follows):
        raise ValueError(f"give the pupil's current plan {follows}: the new plan closes it")
    pupil.start_plan(plan_id=plan_id, starts_on=starts_on, recorded_by=recorded_by)
    plan = SupportPlan.draft(
        plan_id=plan_id,
        pupil_id=pupil.id,
        setting_id=pupil.setting_id,
        starts_on=starts_on,
        follows_plan_id=follows,
        recorded_by=recorded_by,
        **plan_details,
    )
    if previous is not None and previous.id == follows and previous.is_open:
        previous.close(
            closed_on=min(today, plan.starts_on),
            reason="followed by the next plan",
            recorded_by=recorded_by,
            today=today,
        )
    return plan


def review_plan(pupil: Pupil, plan: SupportPlan, **review: Any) -> UUID:
    """Review the pupil's plan: ``review`` is what ``SupportPlan.review`` takes. A
    review that ends support closes the plan, and the pupil then has no current plan."""
    _must_be_the_pupils(pupil, plan)
    review_id = plan.review(**review)
    if not plan.is_open:
        pupil.plan_closed(plan.id)
    return review_id


def close_plan(
    pupil: Pupil, plan: SupportPlan, *, closed_on: date, reason: str, recorded_by: str, today: date
) -> None:
    """Close the pupil's plan with no plan to follow it: the pupil then has no current plan."""
    _must_be_the_pupils(pupil, plan)
    plan.close(closed_on=closed_on, reason=reason, recorded_by=recorded_by, today=today)
    pupil.plan_closed(plan.id)


def _must_be_the_pupils(pupil: Pupil, plan: SupportPlan) -> None:
    if plan.pupil_id != pupil.id:
        raise ValueError(f"plan {plan.id} is not a plan of pupil {pupil.id}")
