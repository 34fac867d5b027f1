"""A user: one email, one role, one setting (or none, for an admin)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.errors import InvalidInput
from tests.aggregates.conftest import BY, given, history, names, then

SETTING = uuid4()


def add(email: str = "grace@school.example", role: Role = Role.ta, setting_id: UUID | None = SETTING) -> User:
    return User.add(
        email=email, role=role, setting_id=setting_id, staff_id=None, password_hash="h", recorded_by=BY
    )


def user_after(*commands: Callable[[User], object]) -> User:
    return given(*history(add(), *commands))


def invalid(field: str, command: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        command()
    assert raised.value.field == field, raised.value.message
    return raised.value


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
    assert then(add(role=Role.admin, setting_id=None))[0].setting_id is None


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
