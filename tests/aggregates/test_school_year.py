"""The school calendar: no teaching on England's bank holidays, in apdr's default
calendar or in term dates a setting typed itself."""

from __future__ import annotations

from datetime import date

import pytest

from apdr.aggregates.school_year import (
    Term,
    calendar_for,
    default_calendar,
    default_closures,
    england_bank_holidays,
)

# England's bank holidays around Easter and in May, 2024 to 2031, as GOV.UK lists them.
SPRING_AND_MAY_BANK_HOLIDAYS = {
    2023: {date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27)},
    2024: {date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26)},
    2025: {date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25)},
    2026: {date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31)},
    2027: {date(2028, 4, 14), date(2028, 4, 17), date(2028, 5, 1), date(2028, 5, 29)},
    2028: {date(2029, 3, 30), date(2029, 4, 2), date(2029, 5, 7), date(2029, 5, 28)},
    2029: {date(2030, 4, 19), date(2030, 4, 22), date(2030, 5, 6), date(2030, 5, 27)},
    2030: {date(2031, 4, 11), date(2031, 4, 14), date(2031, 5, 5), date(2031, 5, 26)},
}
YEARS = sorted(SPRING_AND_MAY_BANK_HOLIDAYS)


@pytest.mark.parametrize("academic_year", YEARS)
def test_given_the_default_calendar_of_each_year_from_2023_to_2030_then_no_bank_holiday_is_a_teaching_day(
    academic_year: int,
) -> None:
    calendar = default_calendar(academic_year, academic_year)
    year = (date(academic_year, 9, 1), date(academic_year + 1, 8, 31))

    taught = set(calendar.teaching_days(*year))

    assert SPRING_AND_MAY_BANK_HOLIDAYS[academic_year] <= set(england_bank_holidays(academic_year))
    assert not taught & set(england_bank_holidays(academic_year))
    assert not any(calendar.is_teaching_day(d) for d in SPRING_AND_MAY_BANK_HOLIDAYS[academic_year])


@pytest.mark.parametrize("academic_year", YEARS)
def test_given_a_default_year_then_its_closures_are_the_bank_holidays_that_fall_on_its_term_days(
    academic_year: int,
) -> None:
    calendar = default_calendar(academic_year, academic_year)
    in_term = {
        d for d in england_bank_holidays(academic_year) if any(t.is_teaching_day(d) for t in calendar.terms)
    }

    assert default_closures(academic_year) == in_term == set(calendar.closures)
    # The early May bank holiday always falls in the default summer term.
    assert min(d for d in SPRING_AND_MAY_BANK_HOLIDAYS[academic_year] if d.month == 5) in in_term


def test_given_easter_in_term_when_why_not_teaching_is_asked_then_the_bank_holiday_is_named() -> None:
    # 2024/25: the default spring term runs to Friday 28 March, the summer term from
    # Monday 14 April, so Good Friday and Easter Monday fall in the summer term.
    calendar = default_calendar(2024, 2024)

    assert calendar.why_not_teaching(date(2025, 4, 18)) == "it is a bank holiday (Good Friday)"
    assert calendar.why_not_teaching(date(2025, 4, 21)) == "it is a bank holiday (Easter Monday)"
    assert calendar.is_teaching_day(date(2025, 4, 22))


def test_given_term_dates_a_setting_typed_without_bank_holidays_then_they_are_closed_all_the_same() -> None:
    spring = Term("spring", date(2027, 1, 4), date(2027, 3, 31))
    summer = Term("summer", date(2027, 4, 12), date(2027, 7, 21))

    calendar = calendar_for([spring, summer], [date(2027, 1, 4)], date(2026, 9, 1), date(2027, 8, 31))

    assert calendar.why_not_teaching(date(2027, 3, 26)) == "it is a bank holiday (Good Friday)"
    assert calendar.why_not_teaching(date(2027, 3, 29)) == "it is a bank holiday (Easter Monday)"
    assert calendar.why_not_teaching(date(2027, 5, 31)) == "it is a bank holiday (Spring Bank Holiday)"
    assert calendar.why_not_teaching(date(2027, 1, 4)) == (
        "the setting is closed that day (an INSET day or another closure)"
    )
    assert calendar.is_teaching_day(date(2027, 3, 30))
    # 4 Jan to 31 Mar is 12 weeks and 3 days: 63 weekdays, less the INSET day, Good Friday and Easter Monday.
    assert len(list(calendar.teaching_days(spring.starts_on, spring.ends_on))) == 63 - 3


def test_given_a_one_off_bank_holiday_then_it_is_closed_too() -> None:
    # The coronation of King Charles III, Monday 8 May 2023, in the default 2022/23 summer term.
    calendar = default_calendar(2022, 2022)

    assert calendar.why_not_teaching(date(2023, 5, 8)) == "it is a bank holiday (Coronation of Charles III)"
