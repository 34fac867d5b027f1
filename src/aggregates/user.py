"""Someone who signs in to apdr: a member of one setting, or an admin of the
settings they are given (one school, a trust's schools, or every setting)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import Role
from apdr.errors import InvalidInput

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(Aggregate):
    """Identified by email address, so an address is registered once."""

    class Added(Aggregate.Created):
        """Version 2 records which settings an admin manages. An admin added
        before it managed every setting unasked: it is read as managing none,
        until the command line gives it its settings (fail closed)."""

        class_version = 2
        email: str
        role: Role
        setting_id: UUID | None
        staff_id: UUID | None
        password_hash: str
        admin_of: list[UUID]
        all_settings: bool
        recorded_by: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["admin_of"] = []
            state["all_settings"] = False

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
        admin_of: Iterable[UUID] = (),
        all_settings: bool = False,
    ) -> User:
        email = normalise_email(email)
        if not EMAIL.match(email) or len(email) > 254:
            raise InvalidInput("email", f"{email!r} is not an email address")
        admin_of = _distinct(admin_of)
        if role is Role.admin:
            if setting_id is not None:
                raise InvalidInput(
                    "setting",
                    "an admin manages settings and users, and belongs to no setting: use 'settings'",
                )
            _check_scope(admin_of, all_settings)
        else:
            if setting_id is None:
                raise InvalidInput("setting", f"{role.article} belongs to a setting: give its URN")
            if admin_of or all_settings:
                raise InvalidInput("settings", f"only an admin manages settings, not {role.article}")
        return cls(
            email=email,
            role=role,
            setting_id=setting_id,
            staff_id=staff_id,
            password_hash=password_hash,
            admin_of=admin_of,
            all_settings=all_settings,
            recorded_by=recorded_by,
        )

    @event(Added)
    def __init__(
        self,
        email: str,
        role: Role,
        setting_id: UUID | None,
        staff_id: UUID | None,
        password_hash: str,
        admin_of: list[UUID],
        all_settings: bool,
        recorded_by: str,
    ) -> None:
        self.email = email
        self.role = role
        self.setting_id = setting_id
        self.staff_id = staff_id
        self.password_hash = password_hash
        self.admin_of = frozenset(admin_of)
        self.all_settings = all_settings
        self.disabled = False

    def administers(self, setting_id: UUID) -> bool:
        return self.role is Role.admin and (self.all_settings or setting_id in self.admin_of)

    def reaches(self, setting_id: UUID) -> bool:
        """Whether this account can read the setting's pupils, or make an account that can."""
        return self.setting_id == setting_id or self.administers(setting_id)

    def change_scope(self, *, admin_of: Iterable[UUID], all_settings: bool, recorded_by: str) -> None:
        if self.role is not Role.admin:
            raise InvalidInput("settings", f"only an admin manages settings, not {self.role.article}")
        admin_of = _distinct(admin_of)
        _check_scope(admin_of, all_settings)
        if (frozenset(admin_of), all_settings) != (self.admin_of, self.all_settings):
            self._scope_changed(admin_of=admin_of, all_settings=all_settings, recorded_by=recorded_by)

    @event("ScopeChanged")
    def _scope_changed(self, admin_of: list[UUID], all_settings: bool, recorded_by: str) -> None:
        self.admin_of = frozenset(admin_of)
        self.all_settings = all_settings

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


def _distinct(setting_ids: Iterable[UUID]) -> list[UUID]:
    return list(dict.fromkeys(setting_ids))


def _check_scope(admin_of: list[UUID], all_settings: bool) -> None:
    if all_settings and admin_of:
        raise InvalidInput("settings", "an admin of every setting needs no list of settings")
    if not all_settings and not admin_of:
        raise InvalidInput(
            "settings", "an admin manages one setting, a trust's settings, or (from the command line) all"
        )
