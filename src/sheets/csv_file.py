"""A report as CSV that opens in Excel or LibreOffice as it was written.

A spreadsheet opening a CSV guesses each cell's type: "1:3" becomes a time of day, a class
called "3-4" the 3rd of April, "Sep 4" a date, "0123" the number 123, and a cell starting
with "=" a formula to run (CSV injection, OWASP). Numbers, dates and sums of money are meant to
be read so and are written plainly. Text that would be misread or run is written as a formula
whose only content is that text, quoted (``="1:3"``, ``="=HYPERLINK(…)"``): Excel and
LibreOffice both show it as written, and nothing in it runs. Where that cannot be done (a text
too long for a formula, or over several lines) a formula is defused with an apostrophe."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from apdr.projections.provision_map import money
from apdr.sheets.columns import Column, Kind

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one

# Month and day names and AM/PM: a spreadsheet reads "Sep 4", "4 March" and "1 pm" as dates and times.
_CALENDAR_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|a\.?m\.?|p\.?m\.?)\b",
    re.IGNORECASE,
)
# What is left of a number, date, time, fraction, percentage or sum of money once those words go.
_NUMBER_LIKE = re.compile(r"[\d\s.,:/+\-%£$€()eE]*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet may trim from a cell's start before it looks for a formula.
_LEADING = " \u00a0\n\0"
_LONGEST_FORMULA_TEXT = 255  # Excel's limit on a text in a formula


def looks_typed(text: str) -> bool:
    """Would a spreadsheet opening the CSV read this text as a number, date, time or truth value?"""
    if text.strip().upper() in ("TRUE", "FALSE"):
        return True
    return (
        any(c.isdigit() for c in text) and _NUMBER_LIKE.fullmatch(_CALENDAR_WORDS.sub("", text)) is not None
    )


def text_cell(text: str) -> str:
    """Text as a CSV cell that a spreadsheet shows as written and never runs."""
    formula = text.lstrip(_LEADING).startswith(_FORMULA_START)
    if not formula and not looks_typed(text):
        return text
    if len(text) <= _LONGEST_FORMULA_TEXT and "\n" not in text and "\r" not in text:
        return '="' + text.replace('"', '""') + '"'
    return "'" + text if formula else text


def csv_cell(column: Column, row: Mapping[str, Any]) -> str:
    value = column.value(row)
    if value is None:
        return ""
    if column.kind is Kind.text:
        return text_cell(str(value))
    if column.kind is Kind.date:
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.kind is Kind.money:
        return money(Decimal(value))
    return str(value)  # a number: a nursery year group is negative, and still a number


def csv_lines(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The rows as CSV, a line at a time: a byte-order mark, the titles, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the csv module ends lines with CRLF

    def line(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield BOM + line([c.title for c in columns])
    for row in rows:
        yield line([csv_cell(c, row) for c in columns])
