"""A setting: its URN, its term dates and closures, its thresholds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from apdr.aggregates import Setting
from apdr.aggregates.school_year import Term
from tests.support.aggregates import BY, given, history, invalid, then

AUTUMN = {
    "name": "autumn",
    "starts_on": date(2026, 9, 2),
    "ends_on": date(2026, 12, 18),
    "half_term_starts_on": date(2026, 10, 26),
    "half_term_ends_on": date(2026, 10, 30),
}
SPRING = {"name": "spring", "starts_on": date(2027, 1, 5), "ends_on": date(2027, 3, 26)}
SUMMER = {"name": "summer", "starts_on": date(2027, 4, 12), "ends_on": date(2027, 7, 21)}


def setting_after(*commands: Callable[[Setting], object]) -> Setting:
    return given(*history(Setting.register(urn="123456", name="Oakfield Primary", recorded_by=BY), *commands))


def set_terms(
    setting: Setting, terms: list[dict[str, Any]], closures: list[date] | None = None, year: int = 2026
) -> None:
    setting.set_term_dates(academic_year=year, terms=terms, closures=closures or [], recorded_by=BY)


def test_given_nothing_when_a_setting_is_registered_then_its_id_comes_from_its_urn() -> None:
    setting = Setting.register(urn=" 123456 ", name=" Oakfield Primary ", recorded_by=BY)

    (event,) = then(setting)
    assert isinstance(event, Setting.Registered)
    assert (event.urn, event.name) == ("123456", "Oakfield Primary")
    assert setting.id == Setting.create_id("123456")


@pytest.mark.parametrize("urn", ["12345", "1234567", "12345a", "", "12 456"])
def test_given_nothing_when_the_urn_is_not_six_digits_then_it_is_refused(urn: str) -> None:
    invalid("urn", lambda: Setting.register(urn=urn, name="Oakfield", recorded_by=BY))


def test_given_nothing_when_the_setting_has_no_name_then_it_is_refused() -> None:
    invalid("name", lambda: Setting.register(urn="123456", name=" ", recorded_by=BY))


def test_given_a_setting_when_its_term_dates_are_set_then_term_dates_set_in_order_with_closures_once() -> (
    None
):
    setting = setting_after()

    set_terms(
        setting, [SUMMER, AUTUMN, SPRING], closures=[date(2027, 5, 3), date(2026, 9, 1), date(2027, 5, 3)]
    )

    (event,) = then(setting)
    assert isinstance(event, Setting.TermDatesSet) and event.academic_year == 2026
    assert [t["name"] for t in event.terms] == ["autumn", "spring", "summer"]
    assert event.closures == [date(2026, 9, 1), date(2027, 5, 3)]
    assert setting.configured_terms()[0] == Term(**AUTUMN)


def test_given_term_dates_when_the_year_is_set_again_then_the_new_dates_replace_the_old() -> None:
    setting = setting_after(lambda s: set_terms(s, [AUTUMN, SPRING, SUMMER]))

    set_terms(setting, [AUTUMN | {"ends_on": date(2026, 12, 17)}])

    assert [t.ends_on for t in setting.configured_terms()] == [date(2026, 12, 17)]


def test_given_a_setting_when_terms_overlap_then_it_is_refused() -> None:
    error = invalid(
        "terms", lambda: set_terms(setting_after(), [AUTUMN, SPRING | {"starts_on": date(2026, 12, 18)}])
    )
    assert "overlap" in error.message


def test_given_a_setting_when_a_term_is_wrong_in_itself_then_that_term_is_named() -> None:
    setting = setting_after()

    invalid("terms", lambda: set_terms(setting, []))
    invalid("terms[1].ends_on", lambda: set_terms(setting, [AUTUMN, SPRING | {"ends_on": date(2027, 1, 5)}]))
    invalid("terms[1]", lambda: set_terms(setting, [AUTUMN, SUMMER | {"ends_on": date(2027, 9, 3)}]))
    invalid("terms[0].name", lambda: set_terms(setting, [AUTUMN | {"name": " "}]))
    invalid("terms[0]", lambda: set_terms(setting, [AUTUMN | {"half_term_ends_on": None}]))
    assert then(setting) == []


@pytest.mark.parametrize(
    "half_term",
    [
        (date(2026, 9, 2), date(2026, 9, 4)),  # starts with the term
        (date(2026, 12, 14), date(2026, 12, 18)),  # ends with the term
        (date(2026, 10, 30), date(2026, 10, 26)),  # backwards
        (date(2026, 8, 24), date(2026, 8, 28)),  # before the term
    ],
)
def test_given_a_setting_when_the_half_term_is_not_inside_the_term_then_it_is_refused(
    half_term: tuple[date, date],
) -> None:
    term = AUTUMN | {"half_term_starts_on": half_term[0], "half_term_ends_on": half_term[1]}

    invalid("terms[0].half_term_starts_on", lambda: set_terms(setting_after(), [term]))


def test_given_a_setting_when_a_closure_is_outside_the_academic_year_then_it_is_refused() -> None:
    error = invalid(
        "closures[1]",
        lambda: set_terms(setting_after(), [AUTUMN], closures=[date(2026, 11, 2), date(2027, 9, 1)]),
    )
    assert "2026" in error.message


def test_given_a_setting_when_thresholds_are_set_then_they_are_merged_and_none_is_refused() -> None:
    setting = setting_after(lambda s: s.set_thresholds(thresholds={"a": 1, "b": 2}, recorded_by=BY))

    invalid("body", lambda: setting.set_thresholds(thresholds={}, recorded_by=BY))
    setting.set_thresholds(thresholds={"b": 3}, recorded_by=BY)

    (event,) = then(setting)
    assert isinstance(event, Setting.ThresholdsSet) and event.thresholds == {"b": 3}
    assert setting.thresholds == {"a": 1, "b": 3}
