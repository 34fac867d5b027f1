"""A pupil's special educational needs: concerns raised, needs identified and
ended, SEN status (the register) and parents told of it, the EHC process."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from apdr.aggregates import Pupil
from apdr.aggregates.codes import ConcernSource, EhcpMilestone, NeedType, SenProvision
from apdr.application.core import Actor, ApplicationCore


class NeedCommands(ApplicationCore):
    def raise_concern(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        raised_on: date,
        raised_by: ConcernSource,
        raised_by_name: str,
        concern: str,
    ) -> UUID:
        return self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.raise_concern(
                raised_on=raised_on,
                raised_by=raised_by,
                raised_by_name=raised_by_name,
                concern=concern,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def identify_need(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        need_type: NeedType,
        rank: int,
        identified_on: date,
        description: str,
    ) -> UUID:
        return self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.identify_need(
                need_type=need_type,
                rank=rank,
                identified_on=identified_on,
                description=description,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def end_need(
        self, actor: Actor, pupil_id: UUID, *, today: date, need_type: NeedType, ended_on: date, reason: str
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.end_need(
                need_type=need_type, ended_on=ended_on, reason=reason, recorded_by=actor.email, today=today
            ),
        )

    def change_sen_status(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        status: SenProvision,
        effective_on: date,
        parents_notified_on: date | None,
        reason: str,
    ) -> UUID:
        return self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.change_sen_status(
                status=status,
                effective_on=effective_on,
                parents_notified_on=parents_notified_on,
                reason=reason,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def notify_parents(
        self, actor: Actor, pupil_id: UUID, *, today: date, notified_on: date, how: str
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.notify_parents(
                notified_on=notified_on, how=how, recorded_by=actor.email, today=today
            ),
        )

    def record_ehcp_milestone(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        milestone: EhcpMilestone,
        reached_on: date,
        notes: str,
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.record_ehcp_milestone(
                milestone=milestone, reached_on=reached_on, notes=notes, recorded_by=actor.email, today=today
            ),
        )
