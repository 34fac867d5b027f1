"""Text in a CSV cell as a spreadsheet will show it: as written, never run, never converted."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import AreaOfNeed, Delivery, SenProvision
from apdr.sheets import Column, Kind, csv_lines
from apdr.sheets.csv_file import looks_typed, text_cell
from apdr.sheets.layouts import AREAS, DELIVERIES, PROVISIONS

QUOTED_TEXT = re.compile(r'="(?:[^"]|"")*"')


def shown(cell: str) -> str:
    """What a reader of the cell sees: ``="…"`` is the text inside; a formula too long or on too
    many lines for that is defused with an apostrophe, which is not theirs."""
    if QUOTED_TEXT.fullmatch(cell):
        return cell[2:-1].replace('""', '"')
    formula = cell[1:].lstrip(" \u00a0\n\0")[:1] in ("=", "+", "-", "@", "\t", "\r")
    defused = formula and (len(cell) > 256 or "\n" in cell or "\r" in cell)
    return cell[1:] if cell.startswith("'") and defused else cell


@pytest.mark.parametrize(
    "text",
    ["1:3", "1:1", "3-4", "0123", "Sep 4", "4 March", "12%", "£1,200", "1/2", "1e5", "TRUE", "10:30 am"],
)
def test_given_text_a_spreadsheet_would_convert_when_written_then_it_is_quoted_text(text: str) -> None:
    assert looks_typed(text)
    assert text_cell(text) == '="' + text + '"'


@pytest.mark.parametrize(
    "text",
    ["4B", "A123456789012", "Year 4 reading", "Nurture room", "Small group", "Amira Khan", "'=x", "CL5"],
)
def test_given_text_a_spreadsheet_keeps_when_written_then_it_is_as_it_is(text: str) -> None:
    assert not looks_typed(text)
    assert text_cell(text) == text


@pytest.mark.parametrize("text", [" =1+1", "\u00a0=HYPERLINK(1)", "\n@SUM(1)", " -1"])
def test_given_a_formula_behind_spaces_when_written_then_it_is_never_run(text: str) -> None:
    cell = text_cell(text)

    assert QUOTED_TEXT.fullmatch(cell) or cell.startswith("'")
    assert shown(cell) == text


@given(st.text(max_size=300) | st.sampled_from(["'=1", "=" * 300, "-\n1", "\r", "@a"]))
def test_given_any_text_when_written_to_a_csv_and_read_back_then_a_spreadsheet_shows_it_as_written(
    text: str,
) -> None:
    column = Column("note", "Note")

    written = "".join(csv_lines([column], [{"note": text}])).removeprefix("\ufeff")
    _header, *lines = csv.reader(io.StringIO(written, newline=""))

    cell = lines[0][0] if lines and lines[0] else ""
    assert shown(cell) == text
    # Nothing runs: a cell that starts like a formula is the quoted text alone, or defused.
    assert not cell.startswith(("=", "+", "-", "@")) or QUOTED_TEXT.fullmatch(cell)


def test_given_typed_columns_when_written_then_numbers_dates_and_money_are_plain() -> None:
    columns = [
        Column("n", "N", Kind.integer),
        Column("on", "On", Kind.date),
        Column("cost", "Cost", Kind.money),
        Column("share", "Share", Kind.percent),
    ]

    written = "".join(csv_lines(columns, [{"n": -1, "on": "2026-09-01", "cost": "1200.5", "share": 83.3}]))

    assert written == "\ufeffN,On,Cost,Share\r\n-1,2026-09-01,1200.50,83.3\r\n"


def test_given_every_code_the_record_holds_when_shown_then_it_has_its_words() -> None:
    assert set(AREAS) == {a.value for a in AreaOfNeed}
    assert set(DELIVERIES) == {d.value for d in Delivery}
    assert set(PROVISIONS) == {p.value for p in SenProvision}
