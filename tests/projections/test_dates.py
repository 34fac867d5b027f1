"""The dates the database works out for a report are the ones Python's rules give, on
SQLite and on PostgreSQL: year groups (31 August birthdays, 29 February, every month of
the academic year), days between two dates, and two-place decimals as hundredths."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from apdr.aggregates.school_year import year_group
from apdr.projections.dates import days_between, hundredths, year_group_on
from apdr.runtime import Apdr
from tests.support.database import KINDS, new_database

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.fixture(scope="module", params=KINDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    with new_database(request.param, tmp_path_factory.mktemp("db")) as config:
        running = Apdr.open(config)
        try:
            yield running.engine
        finally:
            running.close()


def _day(value: date) -> sa.ColumnElement[date]:
    return sa.literal(value, sa.Date)


def test_given_birthdays_either_side_of_31_august_when_worked_out_in_sql_then_the_year_groups_are_known(
    engine: sa.Engine,
) -> None:
    on = date(2026, 11, 23)  # academic year 2026/27
    born = {date(2016, 8, 31): 6, date(2016, 9, 1): 5, date(2016, 2, 29): 6, date(2021, 9, 1): 0}
    with engine.connect() as conn:
        found = {dob: conn.execute(sa.select(year_group_on(_day(dob), _day(on)))).scalar() for dob in born}
    assert found == born


@settings(max_examples=150, deadline=None)
@given(date_of_birth=days, on=days)
def test_given_any_two_dates_when_worked_out_in_sql_then_the_year_group_and_days_are_pythons(
    engine: sa.Engine, date_of_birth: date, on: date
) -> None:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                year_group_on(_day(date_of_birth), _day(on)), days_between(_day(date_of_birth), _day(on))
            )
        ).one()
    assert (row[0], row[1]) == (year_group(date_of_birth, on), (on - date_of_birth).days)


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=-9999, max_value=9999, places=2, allow_nan=False, allow_infinity=False))
def test_given_a_two_place_decimal_when_made_hundredths_in_sql_then_it_is_exact(
    engine: sa.Engine, value: Decimal
) -> None:
    with engine.connect() as conn:
        found = conn.execute(sa.select(hundredths(sa.literal(value, sa.Numeric(10, 2))))).scalar()
    assert found == int(value * 100)
