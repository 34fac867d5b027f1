"""Settings (schools) and the accounts that reach them, and the key that signs tokens.

Settings and users are made by admins, each within the settings they manage;
only the command line, acting as the system, manages every setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from argon2.exceptions import InvalidHashError, VerificationError

from apdr import token_keys
from apdr.aggregates import Setting, SigningKey, User
from apdr.aggregates.codes import Role
from apdr.aggregates.user import normalise_email
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from apdr.token_keys import TokenKeys


class AccountCommands(ApplicationCore):
    _signing_key: TokenKeys | SigningKey | None = None
    """The key that signs tokens, once read (see ``signing_key``)."""

    # -- settings -------------------------------------------------------------

    def register_setting(self, actor: Actor, *, urn: str, name: str) -> UUID:
        if not actor.all_settings:
            # A scoped admin manages the settings they were given, and cannot widen that.
            raise Forbidden("registering a setting needs an admin of every setting (see 'apdr users add')")

        def register() -> Setting:
            # Its id comes from the URN: a second registration finds it, or collides on saving.
            setting = Setting.register(urn=urn, name=name, recorded_by=actor.email)
            if self._find(setting.id) is not None:
                raise Conflict(f"a setting with URN {setting.urn} is already registered")
            return setting

        return self._add(register, conflict=f"a setting with URN {urn.strip()} is already registered")

    def managed_setting(self, actor: Actor, setting_id: UUID) -> Setting:
        """A setting the admin manages; any other is not there, as far as they may know."""
        if not actor.administers(setting_id):
            raise NotFound(f"there is no setting {setting_id}")
        return self.setting(setting_id)

    def setting_by_urn(self, urn: str, actor: Actor | None = None) -> Setting:
        """The setting with this URN; given an admin, only one they manage."""
        setting = self._find(Setting.create_id(urn.strip()))
        if not isinstance(setting, Setting) or (actor is not None and not actor.administers(setting.id)):
            raise NotFound(f"no setting {'you manage ' if actor else ''}has URN {urn}")
        return setting

    def set_term_dates(
        self, actor: Actor, *, academic_year: int, terms: list[dict[str, Any]], closures: list[date]
    ) -> None:
        self._update(
            Setting,
            self.setting_id_of(actor),
            actor,
            lambda s: s.set_term_dates(
                academic_year=academic_year, terms=terms, closures=closures, recorded_by=actor.email
            ),
        )

    # -- users ----------------------------------------------------------------

    def add_user(
        self,
        actor: Actor,
        *,
        email: str,
        role: Role,
        password: str,
        setting_id: UUID | None = None,
        staff_id: UUID | None = None,
        admin_of: Iterable[UUID] = (),
        all_settings: bool = False,
    ) -> UUID:
        if len(password) < 10:
            raise InvalidInput("password", "a password has at least 10 characters")
        admin_of = list(admin_of)
        self._may_give(actor, [setting_id] if setting_id else [], "setting")
        self._may_give(actor, admin_of, "settings")
        if all_settings and not actor.is_system:
            raise Forbidden("an admin of every setting is made only with the command line")
        if staff_id is not None:
            if setting_id is None:
                raise InvalidInput("staff_id", "only a user of a setting is linked to its staff")
            self._staff_in_setting(Actor(actor.email, Role.senco, setting_id), staff_id, "staff_id")
        password_hash = self.passwords.hash(password)  # once: hashing is slow on purpose

        def add() -> User:
            # Its id comes from the email: a second account finds it, or collides on saving.
            user = User.add(
                email=email,
                role=role,
                setting_id=setting_id,
                staff_id=staff_id,
                password_hash=password_hash,
                admin_of=admin_of,
                all_settings=all_settings,
                recorded_by=actor.email,
            )
            if self._find(user.id) is not None:
                raise Conflict(f"{user.email} already has an account")
            return user

        return self._add(add, conflict=f"{normalise_email(email)} already has an account")

    def _may_give(self, actor: Actor, setting_ids: Iterable[UUID], field: str) -> None:
        """An admin gives access only to settings they manage themselves."""
        for setting_id in setting_ids:
            if not actor.administers(setting_id) or self._find(setting_id) is None:
                raise InvalidInput(field, f"there is no setting {setting_id} that you manage")

    def user(self, user_id: UUID) -> User:
        user = self._find(user_id)
        if not isinstance(user, User):
            raise NotFound(f"there is no user {user_id}")
        return user

    @staticmethod
    def _must_manage(actor: Actor, user: User) -> None:
        """An admin changes only a user whose every setting they manage; any other is not
        there, as far as they may know."""
        settings = [user.setting_id] if user.setting_id else list(user.admin_of)
        beyond_any_one = user.all_settings or not settings  # every setting, or (made before scopes) none
        if (beyond_any_one and not actor.all_settings) or not all(map(actor.administers, settings)):
            raise NotFound(f"there is no user {user.id}")

    def disable_user(self, actor: Actor, user_id: UUID, *, reason: str) -> None:
        def disable(user: User) -> None:
            self._must_manage(actor, user)
            user.disable(reason=reason, recorded_by=actor.email)

        self._update(User, user_id, actor, disable)

    def change_admin_scope(
        self, actor: Actor, user_id: UUID, *, admin_of: Iterable[UUID], all_settings: bool
    ) -> None:
        """Give an admin their settings (the command line's: it widens access)."""
        if not actor.is_system:
            raise Forbidden("an admin's settings are changed only with the command line")
        admin_of = list(admin_of)
        self._may_give(actor, admin_of, "settings")
        self._update(
            User,
            user_id,
            actor,
            lambda u: u.change_scope(admin_of=admin_of, all_settings=all_settings, recorded_by=actor.email),
        )

    # -- signing in -----------------------------------------------------------

    def authenticate(self, email: str, password: str) -> User:
        """The user with this email and password, or NotAuthenticated (saying
        nothing about which of the two was wrong)."""
        user = self._find(User.create_id(email))
        try:
            if not isinstance(user, User):
                # Spend the same time as a real check, so timing does not reveal accounts.
                self.passwords.hash(password)
                raise NotAuthenticated("wrong email or password")
            self.passwords.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise NotAuthenticated("wrong email or password") from None
        if user.disabled:
            raise NotAuthenticated("this account is disabled")
        return user

    def signing_key(self, *, fresh: bool = False) -> TokenKeys | SigningKey:
        """The key that signs tokens, kept in memory once read. With ``fresh``, read
        it again: a token that does not verify may be signed by a key another
        process has rotated to since. It comes from outside the database, or,
        where events are encrypted, from the event store (see ``token_keys``)."""
        if self._signing_key is not None and not fresh:
            return self._signing_key
        self._signing_key = token_keys.from_settings(self.settings) or self._stored_signing_key()
        return self._signing_key

    def _stored_signing_key(self) -> SigningKey:
        def generate_once() -> tuple[SigningKey, list[SigningKey]]:
            # Another worker may generate it first: the next attempt then finds theirs.
            key = self._find(SigningKey.ID)
            if isinstance(key, SigningKey):
                return key, []
            key = SigningKey.generate()
            return key, [key]

        return self._run(generate_once, conflict="the signing key was generated elsewhere at the same time")
