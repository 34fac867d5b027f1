"""What is known of a pupil's needs and progress: assessments, their one-page
profile, and advice from outside the school."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from apdr.aggregates import Intervention, Pupil
from apdr.aggregates.codes import AdviceSource, AssessmentKind, Scale
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import InvalidInput, NotFound


class AssessmentCommands(ApplicationCore):
    def record_assessment(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        instrument: str,
        measure: str,
        scale: Scale,
        value: Decimal,
        assessed_on: date,
        kind: AssessmentKind,
        intervention_id: UUID | None = None,
        assessment_id: UUID | None = None,
        notes: str = "",
    ) -> UUID:
        """Answers the assessment's id (the first one's, when it is sent again)."""

        def record(pupil: Pupil) -> UUID:
            if intervention_id is not None:  # after the address (the pupil): 404 before 422
                self._enrolled_in(actor, pupil_id, intervention_id)
            return pupil.record_assessment(
                assessment_id=assessment_id,
                instrument=instrument,
                measure=measure,
                scale=scale,
                value=value,
                assessed_on=assessed_on,
                kind=kind,
                intervention_id=intervention_id,
                notes=notes,
                recorded_by=actor.email,
                today=today,
            )

        return self._update(Pupil, pupil_id, actor, record)

    def _enrolled_in(self, actor: Actor, pupil_id: UUID, intervention_id: UUID) -> None:
        """An assessment linked to an intervention needs the pupil enrolled in it."""
        try:
            intervention = self._get(Intervention, intervention_id, actor)
        except NotFound:
            raise InvalidInput(
                "intervention_id", f"there is no intervention {intervention_id} in this setting"
            ) from None
        # A baseline is often taken in the days before the enrolment starts: any enrolment will do.
        if pupil_id not in intervention.enrolments:
            raise InvalidInput(
                "intervention_id",
                f"the pupil is not enrolled in '{intervention.name}': enrol them before linking "
                "an assessment to it",
            )

    def correct_assessment(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        assessment_id: UUID,
        reason: str,
        value: Decimal | None = None,
        assessed_on: date | None = None,
    ) -> None:
        """Put right an assessment's value or date; one left out (None) stays as it is."""
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.correct_assessment(
                assessment_id=assessment_id,
                value=value,
                assessed_on=assessed_on,
                reason=reason,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def update_profile(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        sections: dict[str, str | None],
        updated_on: date | None = None,
        replace: bool,
    ) -> Pupil:
        """PUT (``replace``) or PATCH the one-page profile; answers the pupil as it now stands."""

        def update(pupil: Pupil) -> Pupil:
            pupil.update_profile(
                sections=sections,
                updated_on=updated_on or today,
                replace=replace,
                recorded_by=actor.email,
                today=today,
            )
            return pupil

        return self._update(Pupil, pupil_id, actor, update)

    def receive_advice(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        source: AdviceSource,
        received_on: date,
        author: str,
        summary: str,
        recommendations: list[str],
    ) -> UUID:
        return self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.receive_advice(
                source=source,
                received_on=received_on,
                author=author,
                summary=summary,
                recommendations=recommendations,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def act_on_advice(
        self, actor: Actor, pupil_id: UUID, advice_id: UUID, *, today: date, responded_on: date, action: str
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.act_on_advice(
                advice_id=advice_id,
                responded_on=responded_on,
                action=action,
                recorded_by=actor.email,
                today=today,
            ),
        )
