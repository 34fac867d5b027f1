"""Intervention sessions, delivered or missed: what a teaching assistant records
on a tablet between lessons, and puts right afterwards. Each falls on a teaching
day of the setting's calendar, which the intervention is handed."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from apdr.aggregates import Intervention
from apdr.aggregates.codes import MissedReason, Role
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import Forbidden, InvalidInput


class SessionCommands(ApplicationCore):
    def record_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        attendance: list[dict[str, Any]],
        delivered_by: UUID | None = None,
        focus: str = "",
        notes: str = "",
        additional: bool = False,
    ) -> bool:
        """Answers whether the session was newly recorded (False: the same
        session had already been recorded, and nothing changed)."""
        deliverer = self._deliverer(actor, delivered_by)

        def deliver(intervention: Intervention) -> bool:
            if deliverer not in intervention.staff_ids:
                # Cover staff may deliver; they must at least work here.
                self._staff_in_setting(actor, deliverer, "delivered_by")
            return intervention.record_session(
                session_id=session_id,
                delivered_on=delivered_on,
                minutes=minutes,
                delivered_by=deliverer,
                focus=focus,
                notes=notes,
                attendance=attendance,
                calendar=self.teaching_calendar(intervention.setting_id, delivered_on),
                additional=additional,
                recorded_by=actor.email,
                today=today,
            )

        return self._update(Intervention, intervention_id, actor, deliver)

    def _deliverer(self, actor: Actor, delivered_by: UUID | None) -> UUID:
        """Who delivered a session: a teaching assistant records only the sessions
        they delivered themselves (their own staff id, the default); a SENCO or a
        teacher may name any member of staff of the setting."""
        if actor.role is Role.ta:
            if actor.staff_id is None:
                raise Forbidden("your account is not linked to a member of staff: ask the SENCO to link it")
            if delivered_by not in (None, actor.staff_id):
                raise Forbidden(
                    "a teaching assistant records only the sessions they delivered: delivered_by must be "
                    "your own staff id (GET /api/v1/me), or left out"
                )
            return actor.staff_id
        if delivered_by is None:
            if actor.staff_id is None:
                raise InvalidInput("delivered_by", "name the member of staff who delivered the session")
            return actor.staff_id
        return delivered_by

    def correct_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        session_id: UUID,
        *,
        today: date,
        reason: str,
        delivered_on: date | None = None,
        minutes: int | None = None,
        delivered_by: UUID | None = None,
        focus: str | None = None,
        notes: str | None = None,
        attendance: list[dict[str, Any]] | None = None,
        additional: bool = False,
    ) -> None:
        if delivered_by is not None:
            delivered_by = self._deliverer(actor, delivered_by)
        changes = {
            "delivered_on": delivered_on,
            "minutes": minutes,
            "delivered_by": delivered_by,
            "focus": focus,
            "notes": notes,
            "attendance": attendance,
        }

        def correct(intervention: Intervention) -> None:
            if actor.role is Role.ta:
                self._own_session(actor, intervention, session_id)
            if delivered_by is not None:
                self._staff_in_setting(actor, delivered_by, "delivered_by")
            session = intervention.sessions.get(session_id)
            day = delivered_on or (session["delivered_on"] if session else today)
            intervention.correct_session(
                session_id=session_id,
                changes=changes,
                reason=reason,
                calendar=self.teaching_calendar(intervention.setting_id, day),
                additional=additional,
                recorded_by=actor.email,
                today=today,
            )

        self._update(Intervention, intervention_id, actor, correct)

    def void_session(self, actor: Actor, intervention_id: UUID, session_id: UUID, *, reason: str) -> None:
        def void(intervention: Intervention) -> None:
            if actor.role is Role.ta:
                self._own_session(actor, intervention, session_id)
            intervention.void_session(session_id=session_id, reason=reason, recorded_by=actor.email)

        self._update(Intervention, intervention_id, actor, void)

    @staticmethod
    def _own_session(actor: Actor, intervention: Intervention, session_id: UUID) -> None:
        """A teaching assistant puts right only the sessions they delivered."""
        session = intervention.sessions.get(session_id)
        if session is not None and session["details"][1] != actor.staff_id:
            raise Forbidden("a teaching assistant corrects only the sessions they delivered themselves")

    def record_missed_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        scheduled_on: date,
        reason: MissedReason,
        notes: str = "",
    ) -> UUID:
        def miss(intervention: Intervention) -> UUID:
            return intervention.record_missed_session(
                scheduled_on=scheduled_on,
                reason=reason,
                notes=notes,
                calendar=self.teaching_calendar(intervention.setting_id, scheduled_on),
                recorded_by=actor.email,
                today=today,
            )

        return self._update(Intervention, intervention_id, actor, miss)

    def void_missed_session(
        self, actor: Actor, intervention_id: UUID, missed_id: UUID, *, reason: str
    ) -> None:
        self._update(
            Intervention,
            intervention_id,
            actor,
            lambda i: i.void_missed_session(missed_id=missed_id, reason=reason, recorded_by=actor.email),
        )
