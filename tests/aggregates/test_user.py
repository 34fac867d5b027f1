"""A user: one email, one role, one setting (or none, for an admin)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID, uuid4

import pytest

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from tests.support.aggregates import BY, given, history, invalid, names, then

SETTING = uuid4()


def add(
    email: str = "grace@school.example",
    role: Role = Role.ta,
    setting_id: UUID | None = SETTING,
    admin_of: Iterable[UUID] = (),
    all_settings: bool = False,
) -> User:
    return User.add(
        email=email,
        role=role,
        setting_id=setting_id,
        staff_id=None,
        password_hash="h",
        recorded_by=BY,
        admin_of=admin_of,
        all_settings=all_settings,
    )


def user_after(*commands: Callable[[User], object]) -> User:
    return given(*history(add(), *commands))


def test_given_nothing_when_a_user_is_added_then_added_with_the_email_lowercased_and_its_id_from_it() -> None:
    user = add(email=" Grace@School.Example ")

    (event,) = then(user)
    assert isinstance(event, User.Added)
    assert (event.email, event.role, event.setting_id) == ("grace@school.example", Role.ta, SETTING)
    assert user.id == User.create_id("GRACE@school.example")


@pytest.mark.parametrize(
    "email", ["grace", "grace@", "@school.example", "grace@school", "gr ace@school.example", "a@b@c.d"]
)
def test_given_nothing_when_the_email_is_not_an_address_then_it_is_refused(email: str) -> None:
    invalid("email", lambda: add(email=email))


def test_given_nothing_when_an_admin_has_a_setting_then_it_is_refused() -> None:
    error = invalid("setting", lambda: add(role=Role.admin, setting_id=SETTING))
    assert "belongs to no setting" in error.message
    assert then(add(role=Role.admin, setting_id=None, admin_of=[SETTING]))[0].setting_id is None


def test_given_nothing_when_an_admin_is_added_then_they_manage_the_settings_given_and_no_other() -> None:
    trust = [SETTING, uuid4(), SETTING]

    admin = add(email="it@trust.example", role=Role.admin, setting_id=None, admin_of=trust)

    (event,) = then(admin)
    assert (event.admin_of, event.all_settings) == (trust[:2], False)
    assert admin.administers(SETTING) and admin.administers(trust[1]) and not admin.administers(uuid4())
    everywhere = add(email="ops@la.example", role=Role.admin, setting_id=None, all_settings=True)
    assert everywhere.administers(uuid4())


def test_given_nothing_when_an_admin_has_no_settings_or_both_kinds_then_it_is_refused() -> None:
    assert "one setting" in invalid("settings", lambda: add(role=Role.admin, setting_id=None)).message
    invalid("settings", lambda: add(role=Role.admin, setting_id=None, admin_of=[SETTING], all_settings=True))
    invalid("settings", lambda: add(role=Role.senco, admin_of=[SETTING]))
    invalid("settings", lambda: add(role=Role.teacher, all_settings=True))


def test_given_an_admin_when_their_scope_changes_then_scope_changed_and_only_if_it_differs() -> None:
    admin = given(*history(add(role=Role.admin, setting_id=None, admin_of=[SETTING])))
    other = uuid4()

    admin.change_scope(admin_of=[other], all_settings=False, recorded_by=BY)
    admin.change_scope(admin_of=[other], all_settings=False, recorded_by=BY)

    (event,) = then(admin)
    assert isinstance(event, User.ScopeChanged) and event.admin_of == [other]
    assert admin.administers(other) and not admin.administers(SETTING)
    invalid("settings", lambda: admin.change_scope(admin_of=[], all_settings=False, recorded_by=BY))
    invalid(
        "settings", lambda: user_after().change_scope(admin_of=[other], all_settings=False, recorded_by=BY)
    )


def test_given_an_admin_added_before_scopes_when_read_then_they_manage_no_setting() -> None:
    state: dict[str, object] = {"admin_of": [SETTING], "all_settings": True}

    User.Added.upcast_v1_v2(state)

    assert state == {"admin_of": [], "all_settings": False}


@pytest.mark.parametrize("role", [Role.senco, Role.teacher, Role.ta, Role.leader])
def test_given_nothing_when_a_user_of_a_setting_has_none_then_it_is_refused(role: Role) -> None:
    invalid("setting", lambda: add(role=role, setting_id=None))


def test_given_a_user_when_disabled_then_disabled_and_not_twice() -> None:
    user = user_after()

    user.disable(reason=" Left the school ", recorded_by=BY)

    (event,) = then(user)
    assert isinstance(event, User.Disabled) and event.reason == "Left the school"
    assert user.disabled
    invalid("disabled", lambda: user.disable(reason="", recorded_by=BY))


def test_given_a_disabled_user_when_enabled_then_enabled_and_an_enabled_user_cannot_be() -> None:
    user = user_after(lambda u: u.disable(reason="", recorded_by=BY))

    user.enable(recorded_by=BY)

    assert names(then(user)) == ["Enabled"] and not user.disabled
    invalid("disabled", lambda: user.enable(recorded_by=BY))


def test_given_a_user_when_the_password_changes_then_password_changed_holds_the_new_hash() -> None:
    user = user_after()

    user.change_password(password_hash="new", recorded_by=BY)

    (event,) = then(user)
    assert isinstance(event, User.PasswordChanged) and user.password_hash == "new"
