"""A member of staff who plans or delivers support, and the training they hold."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.rules import must_be_a_name, must_be_after, must_have_happened, must_have_text
from apdr.errors import InvalidInput


class StaffRole(Enum):
    senco = "senco"
    teacher = "teacher"
    ta = "ta"
    hlta = "hlta"
    specialist_teacher = "specialist_teacher"
    therapist = "therapist"
    leader = "leader"
    other = "other"


def same_programme(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


class StaffMember(Aggregate):
    @classmethod
    def register(
        cls, *, setting_id: UUID, name: str, role: StaffRole, email: str | None, recorded_by: str
    ) -> StaffMember:
        return cls(
            setting_id=setting_id,
            name=must_be_a_name("name", name),
            role=role,
            email=(email or "").strip().lower() or None,
            recorded_by=recorded_by,
        )

    @event("Registered")
    def __init__(
        self, setting_id: UUID, name: str, role: StaffRole, email: str | None, recorded_by: str
    ) -> None:
        self.setting_id = setting_id
        self.name = name
        self.role = role
        self.email = email
        self.training: list[dict[str, Any]] = []

    def record_training(
        self, *, programme: str, completed_on: date, expires_on: date | None, recorded_by: str, today: date
    ) -> UUID:
        """Core Standard Five descriptor 6: staff are "appropriately trained and /or qualified to do so and
        their training is up to date"."""
        programme = must_have_text("programme", programme)
        must_have_happened("completed_on", completed_on, today)
        if expires_on is not None:
            must_be_after("expires_on", expires_on, completed_on, "the training was completed")
        if any(
            same_programme(t["programme"], programme) and t["completed_on"] == completed_on
            for t in self.training
        ):
            raise InvalidInput("completed_on", f"{programme} completed on {completed_on} is already recorded")
        training_id = uuid5(self.id, f"training/{self.version}")
        self._training_recorded(
            training_id=training_id,
            programme=programme,
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=recorded_by,
        )
        return training_id

    @event("TrainingRecorded")
    def _training_recorded(
        self, training_id: UUID, programme: str, completed_on: date, expires_on: date | None, recorded_by: str
    ) -> None:
        self.training.append({"programme": programme, "completed_on": completed_on, "expires_on": expires_on})

    def is_trained_in(self, programme: str, on: date) -> bool:
        return any(
            same_programme(t["programme"], programme)
            and t["completed_on"] <= on
            and (t["expires_on"] is None or on <= t["expires_on"])
            for t in self.training
        )
