"""Interventions: planned, staffed, pupils enrolled and withdrawn, the timetable
changed, delivery observed, reviewed and ended. Sessions are in ``sessions``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from apdr.aggregates import Intervention, Pupil
from apdr.aggregates.codes import AreaOfNeed, Delivery, InterventionDecision, Weekday
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import InvalidInput, NotFound


class InterventionCommands(ApplicationCore):
    def plan_intervention(
        self,
        actor: Actor,
        *,
        name: str,
        programme: str,
        area_of_need: AreaOfNeed,
        strategy_codes: list[str],
        aim: str,
        delivery: Delivery,
        ratio: str,
        location: str,
        weekdays: list[Weekday],
        minutes_per_session: int,
        withdrawn_from: str,
        starts_on: date,
        planned_weeks: int,
        review_due_on: date,
        cost_per_year: Decimal,
        staff_ids: list[UUID],
        outside_lessons: bool = False,
    ) -> UUID:
        def plan() -> Intervention:
            for i, staff_id in enumerate(staff_ids):
                self._staff_in_setting(actor, staff_id, f"staff_ids[{i}]")
            return Intervention.plan(
                setting_id=self.setting_id_of(actor),
                name=name,
                programme=programme,
                area_of_need=area_of_need,
                strategy_codes=strategy_codes,
                aim=aim,
                delivery=delivery,
                ratio=ratio,
                location=location,
                weekdays=weekdays,
                minutes_per_session=minutes_per_session,
                withdrawn_from=withdrawn_from,
                starts_on=starts_on,
                planned_weeks=planned_weeks,
                review_due_on=review_due_on,
                cost_per_year=cost_per_year,
                staff_ids=staff_ids,
                outside_lessons=outside_lessons,
                recorded_by=actor.email,
            )

        return self._add(plan, conflict="the intervention could not be planned; try again")

    def assign_staff(self, actor: Actor, intervention_id: UUID, *, staff_id: UUID) -> None:
        def assign(intervention: Intervention) -> None:
            self._staff_in_setting(actor, staff_id, "staff_id")  # after the address: 404 before 422
            intervention.assign_staff(staff_id=staff_id, recorded_by=actor.email)

        self._update(Intervention, intervention_id, actor, assign)

    def unassign_staff(self, actor: Actor, intervention_id: UUID, *, staff_id: UUID) -> None:
        self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.unassign_staff(staff_id=staff_id, recorded_by=actor.email),
        )

    def enrol_pupil(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        pupil_id: UUID,
        starts_on: date,
        plan_id: UUID | None = None,
    ) -> UUID:
        def enrol(intervention: Intervention) -> UUID:
            self._may_enrol(actor, pupil_id, starts_on, plan_id)  # after the address: 404 before 422
            return intervention.enrol(
                pupil_id=pupil_id, starts_on=starts_on, plan_id=plan_id, recorded_by=actor.email
            )

        return self._update(Intervention, intervention_id, actor, enrol)

    def _may_enrol(self, actor: Actor, pupil_id: UUID, starts_on: date, plan_id: UUID | None) -> None:
        """A pupil of the setting, on its roll from ``starts_on``, and one of their own plans."""
        try:
            pupil = self._get(Pupil, pupil_id, actor)
        except NotFound:
            raise InvalidInput("pupil_id", f"there is no pupil {pupil_id} in this setting") from None
        if pupil.left_on is not None:
            raise InvalidInput("pupil_id", f"{pupil.name} left the setting on {pupil.left_on}")
        if starts_on < pupil.admitted_on:
            raise InvalidInput(
                "starts_on", f"{pupil.name} joined the setting on {pupil.admitted_on}, after {starts_on}"
            )
        if plan_id is not None and plan_id not in pupil.plan_ids:
            raise InvalidInput("plan_id", f"{plan_id} is not one of {pupil.name}'s support plans")

    def withdraw_pupil(
        self,
        actor: Actor,
        intervention_id: UUID,
        pupil_id: UUID,
        *,
        today: date,
        withdrawn_on: date,
        reason: str,
    ) -> None:
        self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.withdraw(
                pupil_id=pupil_id,
                withdrawn_on=withdrawn_on,
                reason=reason,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def change_schedule(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        effective_on: date,
        weekdays: list[Weekday] | None = None,
        minutes_per_session: int | None = None,
        planned_weeks: int | None = None,
        review_due_on: date | None = None,
        withdrawn_from: str | None = None,
        outside_lessons: bool | None = None,
        reason: str = "",
    ) -> bool:
        """The timetable from ``effective_on`` on; answers whether anything changed."""
        return self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.change_schedule(
                effective_on=effective_on,
                weekdays=weekdays,
                minutes_per_session=minutes_per_session,
                planned_weeks=planned_weeks,
                review_due_on=review_due_on,
                withdrawn_from=withdrawn_from,
                outside_lessons=outside_lessons,
                reason=reason,
                recorded_by=actor.email,
            ),
        )

    def observe_delivery(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        observed_on: date,
        observer: str,
        fidelity: int,
        notes: str,
        actions: str,
    ) -> UUID:
        return self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.observe_delivery(
                observed_on=observed_on,
                observer=observer,
                fidelity=fidelity,
                notes=notes,
                actions=actions,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def review_intervention(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        reviewed_on: date,
        summary: str,
        decision: InterventionDecision,
        next_review_due_on: date | None,
    ) -> None:
        self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.review(
                reviewed_on=reviewed_on,
                summary=summary,
                decision=decision,
                next_review_due_on=next_review_due_on,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def end_intervention(
        self, actor: Actor, intervention_id: UUID, *, today: date, ended_on: date, reason: str
    ) -> None:
        self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.end(ended_on=ended_on, reason=reason, recorded_by=actor.email, today=today),
        )
