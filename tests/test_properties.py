"""Properties that hold for every input: UPN check letters, year groups, teaching days, months."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import assume, given
from hypothesis import strategies as st

from apdr.aggregates.school_year import (
    SchoolCalendar,
    Term,
    calendar_for,
    default_calendar,
    months_between,
    year_group,
)
from apdr.aggregates.upn import CHECK_LETTERS, check_letter, upn_problem
from apdr.projections.provision_map import TeachingDays, Window

DIGITS = "0123456789"

# The 12 characters after the check letter: 11 digits, then a digit or (temporary UPN) a letter.
bodies = st.builds(
    lambda digits, last: digits + last,
    st.text(DIGITS, min_size=11, max_size=11),
    st.sampled_from(DIGITS + CHECK_LETTERS),
)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


# -- UPN ---------------------------------------------------------------------------


@given(bodies)
def test_any_body_with_its_check_letter_is_a_valid_upn(body: str) -> None:
    assert upn_problem(check_letter(body) + body) is None


@given(bodies, st.data())
def test_changing_any_one_digit_of_a_valid_upn_makes_it_invalid(body: str, data: st.DataObject) -> None:
    upn = check_letter(body) + body
    positions = [i for i, c in enumerate(upn) if c.isdigit()]
    position = data.draw(st.sampled_from(positions))
    digit = data.draw(st.sampled_from(DIGITS.replace(upn[position], "")))

    mistyped = upn[:position] + digit + upn[position + 1 :]

    assert upn_problem(mistyped) is not None


@given(bodies, st.sampled_from(CHECK_LETTERS))
def test_any_other_check_letter_makes_a_upn_invalid(body: str, letter: str) -> None:
    assume(letter != check_letter(body))

    assert "check letter" in (upn_problem(letter + body) or "")


# -- year groups --------------------------------------------------------------------


@given(dates, dates, dates)
def test_an_older_child_is_never_in_a_lower_year_group(born: date, other: date, on: date) -> None:
    older, younger = sorted([born, other])

    assert year_group(older, on) >= year_group(younger, on)


@given(st.integers(2005, 2035), st.dates(date(2000, 9, 1), date(2001, 8, 31)))
def test_a_child_is_in_reception_in_the_year_they_turn_five(academic_year: int, day_in_year: date) -> None:
    # Any day of the academic year that starts in September ``academic_year``.
    on = day_in_year.replace(year=day_in_year.year + academic_year - 2000)
    born_first = date(academic_year - 5, 9, 1)
    born_last = date(academic_year - 4, 8, 31)

    assert year_group(born_first, on) == 0 == year_group(born_last, on)
    assert year_group(born_first - timedelta(days=1), on) == 1
    assert year_group(born_last + timedelta(days=1), on) == -1


@given(st.integers(2005, 2030), dates)
def test_a_child_born_on_1_september_is_a_year_below_one_born_the_day_before(year: int, on: date) -> None:
    assert year_group(date(year, 8, 31), on) - year_group(date(year, 9, 1), on) == 1


@given(dates, st.integers(2005, 2030))
def test_the_year_group_goes_up_by_one_each_september(born: date, academic_year: int) -> None:
    assert year_group(born, date(academic_year + 1, 9, 1)) == year_group(born, date(academic_year, 9, 1)) + 1
    assert year_group(born, date(academic_year + 1, 8, 31)) == year_group(born, date(academic_year, 9, 1))


# -- teaching days ------------------------------------------------------------------


def brute_force_teaching_days(calendar: SchoolCalendar, first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        in_term = any(t.starts_on <= day <= t.ends_on for t in calendar.terms)
        in_half_term = any(
            t.half_term_starts_on is not None
            and t.half_term_ends_on is not None
            and t.half_term_starts_on <= day <= t.half_term_ends_on
            for t in calendar.terms
        )
        if in_term and not in_half_term and day.weekday() < 5 and day not in calendar.closures:
            days.append(day)
        day += timedelta(days=1)
    return days


weekday_sets = st.sets(st.integers(1, 7), min_size=1)


@st.composite
def windows(draw: st.DrawFn) -> tuple[date, date]:
    first = draw(st.dates(date(2020, 8, 1), date(2030, 8, 31)))
    last = first + timedelta(days=draw(st.integers(0, 500)))
    return first, last


@st.composite
def own_terms(draw: st.DrawFn, academic_year: int) -> list[Term]:
    """Up to three non-overlapping terms in one academic year, each perhaps with a half-term."""
    count = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(0, 364), min_size=2 * count, max_size=2 * count, unique=True)))
    start = date(academic_year, 9, 1)
    terms = []
    for n, (a, b) in enumerate(zip(cuts[::2], cuts[1::2], strict=True)):
        starts, ends = start + timedelta(days=a), start + timedelta(days=b)
        half: tuple[date | None, date | None] = (None, None)
        if b - a >= 4 and draw(st.booleans()):
            h0 = draw(st.integers(a + 1, b - 2))
            h1 = draw(st.integers(h0, b - 1))
            half = (start + timedelta(days=h0), start + timedelta(days=h1))
        terms.append(Term(f"term {n}", starts, ends, *half))
    return terms


@given(windows(), weekday_sets)
def test_the_default_calendar_schedules_only_teaching_days_and_all_of_them(
    window: tuple[date, date], weekdays: set[int]
) -> None:
    first, last = window
    calendar = calendar_for([], [], first, last)

    scheduled = calendar.scheduled_days(weekdays, first, last)

    expected = [d for d in brute_force_teaching_days(calendar, first, last) if d.isoweekday() in weekdays]
    assert scheduled == expected
    assert all(d.weekday() < 5 and d not in calendar.closures for d in scheduled)
    assert all(calendar.is_teaching_day(d) for d in scheduled)


@given(st.integers(2020, 2030), st.data(), weekday_sets)
def test_a_settings_own_terms_are_followed_and_the_default_fills_other_years(
    academic_year: int, data: st.DataObject, weekdays: set[int]
) -> None:
    terms = data.draw(own_terms(academic_year))
    closures = data.draw(
        st.lists(st.dates(date(academic_year, 9, 1), date(academic_year + 1, 8, 31)), max_size=5)
    )
    first = date(academic_year - 1, 9, 1) + timedelta(days=data.draw(st.integers(0, 400)))
    last = first + timedelta(days=data.draw(st.integers(0, 500)))
    calendar = calendar_for(terms, closures, first, last)

    scheduled = calendar.scheduled_days(weekdays, first, last)

    expected = [d for d in brute_force_teaching_days(calendar, first, last) if d.isoweekday() in weekdays]
    assert scheduled == expected
    assert not set(scheduled) & set(closures)
    assert not set(scheduled) & set(england_bank_holidays_between(first, last))
    assert not any(
        t.half_term_starts_on is not None and t.half_term_starts_on <= d <= t.half_term_ends_on  # type: ignore[operator]
        for d in scheduled
        for t in terms
    )
    assert not calendar.is_default_for(academic_year)


def england_bank_holidays_between(first: date, last: date) -> list[date]:
    """Straight from the ``holidays`` package, as GOV.UK lists England's."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    return [d for d in found if first <= d <= last]


@given(st.integers(2015, 2035), st.data())
def test_in_a_default_year_no_bank_holiday_is_taught_and_every_teaching_day_is_a_weekday_in_term(
    academic_year: int, data: st.DataObject
) -> None:
    calendar = default_calendar(academic_year, academic_year)
    first, last = date(academic_year, 9, 1), date(academic_year + 1, 8, 31)
    bank_holiday = data.draw(st.sampled_from(england_bank_holidays_between(first, last)))
    day = data.draw(st.dates(first, last))

    assert not calendar.is_teaching_day(bank_holiday)
    if calendar.is_teaching_day(day):
        term = calendar.term_of(day)
        assert day.weekday() < 5 and term is not None
        assert term.half_term_starts_on is not None and term.half_term_ends_on is not None
        assert not term.half_term_starts_on <= day <= term.half_term_ends_on


@given(st.integers(2015, 2035))
def test_a_default_year_has_about_the_195_days_a_school_is_open(academic_year: int) -> None:
    calendar = default_calendar(academic_year, academic_year)

    days = list(calendar.teaching_days(date(academic_year, 9, 1), date(academic_year + 1, 8, 31)))

    # 190 days with pupils and 5 INSET days, which the default cannot know.
    assert 185 <= len(days) <= 200
    assert days == sorted(set(days))


# -- months ---------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@given(dates, dates)
def test_months_between_is_the_whole_months_a_brute_force_count_finds(a: date, b: date) -> None:
    assume(a.day <= 28 and a <= b)
    whole = 0
    while add_months(a, whole + 1) <= b:
        whole += 1

    assert months_between(a, b) == whole


@given(dates, dates)
def test_months_between_reversed_is_negative(a: date, b: date) -> None:
    assert months_between(b, a) == -months_between(a, b)


@given(dates, dates, dates)
def test_months_between_never_falls_as_the_later_date_moves_on(a: date, b: date, c: date) -> None:
    earlier, later = sorted([b, c])

    assert months_between(a, earlier) <= months_between(a, later)


@given(st.dates(date(2000, 1, 1), date(2040, 1, 28)).filter(lambda d: d.day <= 28), st.integers(1, 240))
def test_n_months_on_the_same_day_is_n_months(start: date, n: int) -> None:
    assert months_between(start, add_months(start, n)) == n
    assert months_between(start, add_months(start, n) - timedelta(days=1)) == n - 1


@given(windows(), weekday_sets, st.data())
def test_the_provision_maps_count_of_expected_sessions_is_the_calendars(
    window: tuple[date, date], weekdays: set[int], data: st.DataObject
) -> None:
    first, last = window
    calendar = calendar_for([], [], first, last)
    # A row's own dates lie anywhere inside the map's window.
    row_first = data.draw(st.dates(first, last))
    row_last = data.draw(st.dates(row_first, last))

    counted = TeachingDays(calendar, Window(first, last)).count(weekdays, row_first, row_last)

    assert counted == len(calendar.scheduled_days(weekdays, row_first, row_last))
