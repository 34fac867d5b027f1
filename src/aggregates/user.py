"""Someone who signs in to apdr, with one role in one setting."""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import Role
from apdr.errors import InvalidInput

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(Aggregate):
    """Identified by email address, so an address is registered once."""

    @staticmethod
    def create_id(email: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/users/{normalise_email(email)}")

    @classmethod
    def add(
        cls,
        *,
        email: str,
        role: Role,
        setting_id: UUID | None,
        staff_id: UUID | None,
        password_hash: str,
        recorded_by: str,
    ) -> User:
        email = normalise_email(email)
        if not EMAIL.match(email) or len(email) > 254:
            raise InvalidInput("email", f"{email!r} is not an email address")
        if role is Role.admin:
            if setting_id is not None:
                raise InvalidInput(
                    "setting", "an admin manages settings and users, and belongs to no setting"
                )
        elif setting_id is None:
            raise InvalidInput("setting", f"{role.article} belongs to a setting: give its URN")
        return cls(
            email=email,
            role=role,
            setting_id=setting_id,
            staff_id=staff_id,
            password_hash=password_hash,
            recorded_by=recorded_by,
        )

    @event("Added")
    def __init__(
        self,
        email: str,
        role: Role,
        setting_id: UUID | None,
        staff_id: UUID | None,
        password_hash: str,
        recorded_by: str,
    ) -> None:
        self.email = email
        self.role = role
        self.setting_id = setting_id
        self.staff_id = staff_id
        self.password_hash = password_hash
        self.disabled = False

    @event("PasswordChanged")
    def change_password(self, password_hash: str, recorded_by: str) -> None:
        self.password_hash = password_hash

    def disable(self, *, reason: str, recorded_by: str) -> None:
        if self.disabled:
            raise InvalidInput("disabled", "this user is already disabled")
        self._disabled(reason=reason.strip(), recorded_by=recorded_by)

    @event("Disabled")
    def _disabled(self, reason: str, recorded_by: str) -> None:
        self.disabled = True

    def enable(self, *, recorded_by: str) -> None:
        if not self.disabled:
            raise InvalidInput("disabled", "this user is not disabled")
        self._enabled(recorded_by=recorded_by)

    @event("Enabled")
    def _enabled(self, recorded_by: str) -> None:
        self.disabled = False
