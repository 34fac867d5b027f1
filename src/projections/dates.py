"""Dates worked out by the database, the same on SQLite and PostgreSQL, so that a
report can group and sum in SQL rather than read every row into Python.

Each is the twin of a Python rule and a test holds them equal on both databases:
``year_group_on`` of ``apdr.aggregates.school_year.year_group``, ``days_between``
of subtracting two dates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class days_between(sa.sql.expression.FunctionElement[int]):
    """Whole days from the first date to the second (``(later - earlier).days``)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"


class year_of(sa.sql.expression.FunctionElement[int]):
    """The calendar year of a date moved by a whole number of months, from -11 to 11
    (clamped to the month's end, which never changes the year)."""

    type = sa.Integer()
    inherit_cache = True

    def __init__(self, day: sa.ColumnElement[Any], months: int) -> None:
        if not -11 <= months <= 11:
            raise ValueError("year_of moves a date by at most eleven months")
        self.months = months
        super().__init__(day)


@compiles(year_of, "sqlite")
def _year_of_sqlite(element: year_of, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a date as its ISO text: the year and the month are read off it, which
    # is several times faster than strftime with a months modifier, on every pair of a report.
    (day,) = (compiler.process(c, **kw) for c in element.clauses)
    year, month = f"CAST(substr({day}, 1, 4) AS INTEGER)", f"CAST(substr({day}, 6, 2) AS INTEGER)"
    return f"({year} + ({month} + {11 + element.months}) / 12 - 1)"


@compiles(year_of, "postgresql")
def _year_of_postgresql(element: year_of, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(year FROM {day} + INTERVAL '{element.months} months') AS INTEGER)"


def year_group_on(date_of_birth: sa.ColumnElement[Any], on: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    """National curriculum year on ``on``: age on the 31 August before that academic
    year, minus 4 (``school_year.year_group``). The academic year of ``on`` is the year
    eight months earlier (September is January); the year a pupil counts from is the year
    four months after their birthday (September to December births count from the next)."""
    return year_of(on, -8) - year_of(date_of_birth, 4) - 4


def hundredths(value: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    """A two-place decimal as a whole number of hundredths: sums of these are exact on
    both databases (SQLite keeps a decimal as a float)."""
    return sa.cast(sa.func.round(value * 100), sa.BigInteger)
