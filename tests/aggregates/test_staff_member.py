"""A member of staff and the training they hold (Descriptor 6: trained, and in date)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

import pytest

from apdr.aggregates import StaffMember
from apdr.aggregates.staff_member import StaffRole
from tests.support.aggregates import BY, TODAY, given, history, invalid, then


def register(name: str = "Grace Okafor", email: str | None = None) -> StaffMember:
    return StaffMember.register(setting_id=uuid4(), name=name, role=StaffRole.ta, email=email, recorded_by=BY)


def trained(
    programme: str, completed_on: date, expires_on: date | None = None
) -> Callable[[StaffMember], object]:
    return lambda s: s.record_training(
        programme=programme, completed_on=completed_on, expires_on=expires_on, recorded_by=BY, today=TODAY
    )


def staff_after(*commands: Callable[[StaffMember], object]) -> StaffMember:
    return given(*history(register(), *commands))


def test_given_nothing_when_staff_are_registered_then_registered_with_a_tidy_email() -> None:
    (event,) = then(register(name=" Grace Okafor ", email=" Grace@School.Example "))

    assert isinstance(event, StaffMember.Registered)
    assert (event.name, event.role, event.email) == ("Grace Okafor", StaffRole.ta, "grace@school.example")
    assert then(register(email="  "))[0].email is None


def test_given_nothing_when_staff_have_no_name_then_it_is_refused() -> None:
    invalid("name", lambda: register(name=" "))


@pytest.mark.parametrize("name", ["Grace\u202eOkafor", "Grace \u2066Okafor", "Gr\x85ace", "Grace\nOkafor"])
def test_given_nothing_when_a_staff_name_hides_what_it_says_then_it_is_refused(name: str) -> None:
    invalid("name", lambda: register(name=name))


def test_given_a_member_of_staff_when_training_is_recorded_then_training_recorded() -> None:
    staff = staff_after()

    training_id = staff.record_training(
        programme=" Precision teaching ",
        completed_on=date(2026, 9, 1),
        expires_on=date(2028, 9, 1),
        recorded_by=BY,
        today=TODAY,
    )

    (event,) = then(staff)
    assert isinstance(event, StaffMember.TrainingRecorded) and event.training_id == training_id
    assert (event.programme, event.completed_on, event.expires_on) == (
        "Precision teaching",
        date(2026, 9, 1),
        date(2028, 9, 1),
    )


def test_given_training_when_the_same_programme_is_recorded_on_the_same_day_then_it_is_a_duplicate() -> None:
    staff = staff_after(trained("Precision teaching", date(2026, 9, 1)))

    error = invalid("completed_on", lambda: trained("precision TEACHING", date(2026, 9, 1))(staff))
    assert "already recorded" in error.message
    trained("Precision teaching", date(2026, 10, 1))(staff)
    trained("ELSA", date(2026, 9, 1))(staff)
    assert len(then(staff)) == 2


@pytest.mark.parametrize("expires_on", [date(2026, 9, 1), date(2026, 8, 31)])
def test_given_staff_when_training_expires_on_or_before_completion_then_it_is_refused(
    expires_on: date,
) -> None:
    invalid("expires_on", lambda: trained("ELSA", date(2026, 9, 1), expires_on)(staff_after()))


def test_given_staff_when_training_is_dated_in_the_future_or_names_no_programme_then_it_is_refused() -> None:
    invalid("completed_on", lambda: trained("ELSA", date(2026, 11, 24))(staff_after()))
    invalid("programme", lambda: trained(" ", date(2026, 9, 1))(staff_after()))


def test_given_training_with_an_expiry_when_asked_if_trained_then_only_from_completion_to_expiry() -> None:
    staff = staff_after(
        trained("Precision teaching", date(2026, 9, 1), date(2027, 8, 31)), trained("ELSA", date(2025, 1, 6))
    )

    on = [date(2026, 8, 31), date(2026, 9, 1), date(2027, 8, 31), date(2027, 9, 1)]
    assert [staff.is_trained_in("precision teaching ", d) for d in on] == [False, True, True, False]
    assert staff.is_trained_in("ELSA", date(2040, 1, 1)) is True
    assert staff.is_trained_in("Talk Boost", TODAY) is False


def test_given_lapsed_training_renewed_when_asked_if_trained_then_the_renewal_counts() -> None:
    staff = staff_after(
        trained("Precision teaching", date(2024, 9, 2), date(2025, 9, 1)),
        trained("Precision teaching", date(2026, 1, 5), date(2027, 1, 4)),
    )

    assert [staff.is_trained_in("Precision teaching", d) for d in (date(2025, 10, 1), date(2026, 1, 5))] == [
        False,
        True,
    ]
