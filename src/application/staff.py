"""The setting's staff and their training (who may deliver which programme)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from apdr.aggregates import StaffMember
from apdr.aggregates.staff_member import StaffRole
from apdr.application.core import Actor, ApplicationCore


class StaffCommands(ApplicationCore):
    def register_staff(self, actor: Actor, *, name: str, role: StaffRole, email: str | None = None) -> UUID:
        return self._add(
            lambda: StaffMember.register(
                setting_id=self.setting_id_of(actor),
                name=name,
                role=role,
                email=email,
                recorded_by=actor.email,
            ),
            conflict="the member of staff could not be registered; try again",
        )

    def record_training(
        self,
        actor: Actor,
        staff_id: UUID,
        *,
        today: date,
        programme: str,
        completed_on: date,
        expires_on: date | None = None,
    ) -> UUID:
        return self._update(
            StaffMember,
            staff_id,
            actor,
            lambda s: s.record_training(
                programme=programme,
                completed_on=completed_on,
                expires_on=expires_on,
                recorded_by=actor.email,
                today=today,
            ),
        )
