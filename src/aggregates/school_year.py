"""The school year: national curriculum year groups, terms and teaching days.

Schools in England close on bank holidays, so no bank holiday is a teaching day,
in apdr's default calendar or in term dates a setting typed itself (apdr's
default: a SENCO who types the LA's term dates rarely types the bank holidays
too). England's bank holidays come from the ``holidays`` package, whose
maintainers keep the one-off ones (a coronation, a jubilee) as they are
proclaimed, rather than from a list written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays


def academic_year_of(day: date) -> int:
    """The calendar year in which the academic year containing ``day`` began."""
    return day.year if day.month >= 9 else day.year - 1


def year_group(date_of_birth: date, on: date) -> int:
    """National curriculum year on ``on``: age on the 31 August before that
    academic year, minus 4. Reception is 0; nursery is negative."""
    start = academic_year_of(on)
    birthday_after_31_august = (date_of_birth.month, date_of_birth.day) > (8, 31)
    age = start - date_of_birth.year - birthday_after_31_august
    return age - 4


def age_in_years(date_of_birth: date, on: date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (negative if reversed)."""
    if later < earlier:
        return -months_between(later, earlier)
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


@cache
def england_bank_holidays(academic_year: int) -> Mapping[date, str]:
    """England's bank holidays, by name, in the academic year beginning in September ``academic_year``."""
    found = holidays.country_holidays(
        "GB", subdiv="ENG", years=(academic_year, academic_year + 1), language="en_GB"
    )
    first, last = date(academic_year, 9, 1), date(academic_year + 1, 8, 31)
    return MappingProxyType({d: name for d, name in sorted(found.items()) if first <= d <= last})


def bank_holiday(day: date) -> str | None:
    """The name of the England bank holiday on ``day`` ("Easter Monday"), or None."""
    return england_bank_holidays(academic_year_of(day)).get(day)


@dataclass(frozen=True)
class Term:
    """One term, with its half-term break (inclusive dates)."""

    name: str
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None = None
    half_term_ends_on: date | None = None

    def is_teaching_day(self, day: date) -> bool:
        if not (self.starts_on <= day <= self.ends_on) or day.isoweekday() > 5:
            return False
        if self.half_term_starts_on and self.half_term_ends_on:
            return not (self.half_term_starts_on <= day <= self.half_term_ends_on)
        return True


@dataclass(frozen=True)
class SchoolCalendar:
    """A setting's terms and closures (INSET days, bank holidays).

    ``closures`` hold every bank holiday on which the terms would otherwise
    teach (``calendar_for`` adds them), as well as the setting's own closures.

    ``default_years`` are the academic years for which the setting configured
    no terms, and which therefore follow apdr's approximation of an English
    state-school year.
    """

    terms: tuple[Term, ...]
    closures: frozenset[date] = field(default_factory=frozenset)
    default_years: frozenset[int] = field(default_factory=frozenset)

    def is_default_for(self, academic_year: int) -> bool:
        return academic_year in self.default_years

    def is_teaching_day(self, day: date) -> bool:
        return day not in self.closures and any(t.is_teaching_day(day) for t in self.terms)

    def why_not_teaching(self, day: date) -> str | None:
        """Why ``day`` is not a teaching day, in a SENCO's words; None if it is one."""
        if self.is_teaching_day(day):
            return None
        if day.isoweekday() > 5:
            return f"it is a {day:%A}"
        if day in self.closures:
            if name := bank_holiday(day):
                return f"it is a bank holiday ({name})"
            return "the setting is closed that day (an INSET day or another closure)"
        term = self.term_of(day)
        if term is not None:
            return f"it is in the {term.name} half-term holiday"
        return "it falls in the school holidays, outside the setting's terms"

    def teaching_days(self, first: date, last: date) -> Iterator[date]:
        """Teaching days from ``first`` to ``last`` inclusive, in order."""
        for term in self.terms:
            day = max(first, term.starts_on)
            end = min(last, term.ends_on)
            while day <= end:
                if term.is_teaching_day(day) and day not in self.closures:
                    yield day
                day += timedelta(days=1)

    def term_of(self, day: date) -> Term | None:
        return next((t for t in self.terms if t.starts_on <= day <= t.ends_on), None)

    def scheduled_days(self, weekdays: Iterable[int], first: date, last: date) -> list[date]:
        """The teaching days from ``first`` to ``last`` on the given ISO weekdays."""
        wanted = set(weekdays)
        return [d for d in self.teaching_days(first, last) if d.isoweekday() in wanted]


def _weekday_on_or_after(day: date, iso_weekday: int) -> date:
    return day + timedelta(days=(iso_weekday - day.isoweekday()) % 7)


def _weekday_on_or_before(day: date, iso_weekday: int) -> date:
    return day - timedelta(days=(day.isoweekday() - iso_weekday) % 7)


def _next_weekday(day: date) -> date:
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def _week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=4)


def default_terms(academic_year: int) -> list[Term]:
    """An approximate English state-school year beginning in September ``academic_year``.

    Real term dates vary by LA; a setting should configure its own.
    """
    y = academic_year
    autumn_half = _week_of(_weekday_on_or_before(date(y, 10, 31), 1))
    spring_half = _week_of(_weekday_on_or_after(date(y + 1, 2, 15), 1))
    summer_half = _week_of(_weekday_on_or_before(date(y + 1, 5, 31), 1))
    spring_end = _weekday_on_or_before(date(y + 1, 3, 31), 5)
    return [
        Term(
            "autumn",
            _next_weekday(date(y, 9, 2)),
            _weekday_on_or_before(date(y, 12, 19), 5),
            *autumn_half,
        ),
        Term("spring", _next_weekday(date(y + 1, 1, 5)), spring_end, *spring_half),
        Term(
            "summer",
            spring_end + timedelta(days=17),
            _weekday_on_or_before(date(y + 1, 7, 22), 5),
            *summer_half,
        ),
    ]


def bank_holidays_in_term(terms: Iterable[Term]) -> set[date]:
    """England's bank holidays that fall on a day the ``terms`` would otherwise teach."""
    terms = list(terms)
    years = {academic_year_of(d) for t in terms for d in (t.starts_on, t.ends_on)}
    return {d for y in years for d in england_bank_holidays(y) if any(t.is_teaching_day(d) for t in terms)}


def default_closures(academic_year: int) -> set[date]:
    """The bank holidays in the default terms: Good Friday and Easter Monday
    when Easter falls in term, the early May bank holiday, and any one-off."""
    return bank_holidays_in_term(default_terms(academic_year))


def default_calendar(first_year: int, last_year: int) -> SchoolCalendar:
    """The default calendar for academic years ``first_year``..``last_year``."""
    terms: list[Term] = []
    closures: set[date] = set()
    for year in range(first_year, last_year + 1):
        terms.extend(default_terms(year))
        closures |= default_closures(year)
    return SchoolCalendar(tuple(terms), frozenset(closures), frozenset(range(first_year, last_year + 1)))


def calendar_for(
    configured: Sequence[Term], closures: Iterable[date], first: date, last: date
) -> SchoolCalendar:
    """The setting's own terms where it has configured them, the default elsewhere,
    closed on its own closures and on every bank holiday in term.

    A setting that configured this year's terms but not last year's still gets
    sensible expectations for last year.
    """
    default = default_calendar(academic_year_of(first), academic_year_of(last))
    if not configured:
        return default
    own = sorted(configured, key=lambda t: t.starts_on)
    own_years = {academic_year_of(t.starts_on) for t in own}
    filled = [t for t in default.terms if academic_year_of(t.starts_on) not in own_years]
    filled_closures = {d for d in default.closures if academic_year_of(d) not in own_years}
    terms = tuple(sorted([*own, *filled], key=lambda t: t.starts_on))
    closed = set(closures) | filled_closures | bank_holidays_in_term(own)
    return SchoolCalendar(terms, frozenset(closed), default.default_years - own_years)
