"""Support plans: each one assess-plan-do-review cycle, drafted, agreed with
parents, changed, reviewed and closed. Drafting, and a review or closure that
ends the plan, change the pupil too (their current plan), in the same save."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from apdr.aggregates import Pupil, SupportPlan
from apdr.aggregates.codes import Decision
from apdr.aggregates.support_plan import close_plan, draft_next_plan, review_plan
from apdr.application.core import Actor, ApplicationCore, changed_meanwhile


class PlanCommands(ApplicationCore):
    def draft_plan(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        starts_on: date,
        review_due_on: date,
        outcomes: list[dict[str, Any]],
        strategies: list[dict[str, Any]],
        expected_impact: str,
        pupil_views: str,
        parent_views: str,
        home_actions: str,
    ) -> UUID:
        """Start the pupil's next assess-plan-do-review cycle. A plan still open
        is closed by the plan that follows it."""

        def draft() -> tuple[UUID, list[Aggregate]]:
            pupil = self._get(Pupil, pupil_id, actor)
            current = self._get(SupportPlan, pupil.current_plan_id, actor) if pupil.current_plan_id else None
            plan = draft_next_plan(
                pupil,
                current,
                plan_id=uuid4(),
                starts_on=starts_on,
                review_due_on=review_due_on,
                outcomes=outcomes,
                strategies=strategies,
                expected_impact=expected_impact,
                pupil_views=pupil_views,
                parent_views=parent_views,
                home_actions=home_actions,
                recorded_by=actor.email,
                today=today,
            )
            return plan.id, [pupil, plan, *([current] if current else [])]

        return self._run(draft, conflict="the pupil's record changed at the same time; try again")

    def agree_plan(
        self, actor: Actor, plan_id: UUID, *, today: date, agreed_on: date, agreed_with: str, notes: str
    ) -> None:
        self._update(
            SupportPlan,
            plan_id,
            actor,
            lambda p: p.agree_with_parents(
                agreed_on=agreed_on,
                agreed_with=agreed_with,
                notes=notes,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def add_outcome(self, actor: Actor, plan_id: UUID, *, outcome: dict[str, Any], reason: str) -> UUID:
        return self._update(
            SupportPlan,
            plan_id,
            actor,
            lambda p: p.add_outcome(outcome=outcome, reason=reason, recorded_by=actor.email),
        )

    def revise_outcome(
        self,
        actor: Actor,
        plan_id: UUID,
        outcome_id: UUID,
        *,
        reason: str,
        description: str | None = None,
        measure: str | None = None,
        target: str | None = None,
    ) -> None:
        """Revise what the outcome says; a part left out (None) stays as it is."""
        changes = {"description": description, "measure": measure, "target": target}
        self._update(
            SupportPlan,
            plan_id,
            actor,
            lambda p: p.revise_outcome(
                outcome_id=outcome_id, changes=changes, reason=reason, recorded_by=actor.email
            ),
        )

    def add_strategy(self, actor: Actor, plan_id: UUID, *, strategy: dict[str, Any]) -> None:
        self._update(
            SupportPlan, plan_id, actor, lambda p: p.add_strategy(strategy=strategy, recorded_by=actor.email)
        )

    def move_review(self, actor: Actor, plan_id: UUID, *, review_due_on: date, reason: str) -> None:
        self._update(
            SupportPlan,
            plan_id,
            actor,
            lambda p: p.move_review(review_due_on=review_due_on, reason=reason, recorded_by=actor.email),
        )

    def review_plan(
        self,
        actor: Actor,
        plan_id: UUID,
        *,
        today: date,
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
    ) -> UUID:
        def review() -> tuple[UUID, list[Aggregate]]:
            plan = self._get(SupportPlan, plan_id, actor)
            pupil = self._get(Pupil, plan.pupil_id, actor)
            review_id = review_plan(
                pupil,
                plan,
                reviewed_on=reviewed_on,
                outcomes=outcomes,
                tried=tried,
                learned=learned,
                pleased=pleased,
                concerned=concerned,
                pupil_views=pupil_views,
                parent_views=parent_views,
                decision=decision,
                next_review_due_on=next_review_due_on,
                recorded_by=actor.email,
                today=today,
            )
            return review_id, [plan, pupil]

        return self._run(
            review,
            conflict="the plan was changed by someone else at the same time; reload it and review again",
        )

    def close_plan(self, actor: Actor, plan_id: UUID, *, today: date, closed_on: date, reason: str) -> None:
        def close() -> tuple[None, list[Aggregate]]:
            plan = self._get(SupportPlan, plan_id, actor)
            pupil = self._get(Pupil, plan.pupil_id, actor)
            close_plan(pupil, plan, closed_on=closed_on, reason=reason, recorded_by=actor.email, today=today)
            return None, [plan, pupil]

        self._run(close, conflict=changed_meanwhile(SupportPlan))
