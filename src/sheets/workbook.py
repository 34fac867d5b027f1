"""A report as an Excel workbook (XLSX): one sheet, typed cells, a title naming the school and
when it was made, a bold header that stays in view, filters, and the totals beneath.

Written by XlsxWriter in its constant-memory mode: each row goes to a temporary file as it is
read, so a trust's provision map takes no more memory than a school's; the workbook is then
sent from its own temporary file."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from apdr.sheets.columns import Column, Kind

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LONGEST_LABEL = 50
WIDTHS = {Kind.text: 18, Kind.integer: 10, Kind.number: 10, Kind.date: 12, Kind.money: 12, Kind.percent: 10}
FORMATS = {
    Kind.integer: {"num_format": "0"},
    Kind.number: {"num_format": "0.00"},
    Kind.date: {"num_format": "d mmm yyyy"},
    Kind.money: {"num_format": "£#,##0.00"},
    Kind.percent: {"num_format": "0.0%"},
}


@dataclass(frozen=True)
class Line:
    """A total under a table: its words, then its value, typed."""

    label: str
    value: Any
    kind: Kind = Kind.integer


@dataclass
class Table:
    """Rows under a bold header, and the totals under them; in a workbook of several tables,
    each under its ``caption``. ``totals`` is called once every row is written, so totals can
    be added up as the rows stream."""

    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]
    caption: str | None = None
    totals: Callable[[], Sequence[Line]] = lambda: ()


@dataclass
class _Sheet:
    worksheet: Any
    formats: dict[Any, Any]
    widths: dict[int, int] = field(default_factory=dict)
    row: int = 0

    def write(self, col: int, value: Any, kind: Kind, bold: bool = False) -> None:
        """One cell, as its kind: text stays text, whatever it looks like."""
        fmt = self.formats[(kind, bold)]
        if value is None:
            return  # an empty cell is not written at all
        if kind is Kind.text:
            self.worksheet.write_string(self.row, col, str(value), fmt)
        elif kind is Kind.date:
            self.worksheet.write_datetime(self.row, col, _day(value), fmt)
        elif kind is Kind.percent:
            self.worksheet.write_number(self.row, col, float(value) / 100, fmt)
        else:
            self.worksheet.write_number(self.row, col, float(Decimal(value)), fmt)

    def header(self, columns: Sequence[Column]) -> None:
        # Three lines of the wrapped titles: a row's height cannot be fitted to its text later.
        self.worksheet.set_row(self.row, 45)
        for col, column in enumerate(columns):
            self.worksheet.write_string(self.row, col, column.title, self.formats["header"])
            width = column.width or max(WIDTHS[column.kind], min(len(column.title), 14))
            self.widths[col] = max(self.widths.get(col, 0), width)
        self.row += 1


def title(
    report: str, school: str, urn: str, as_of: date | None, made_at: datetime, first: date | None = None
) -> str:
    """The title row: the report, the school, the day it is as of (or its window; none: the
    whole record), and when it was made."""
    when = "over the whole record" if as_of is None else f"as of {_day_words(as_of)}"
    if as_of is not None and first is not None:
        when += f" (from {_day_words(first)})"
    return f"{report}: {school} (URN {urn}), {when}. Made {_day_words(made_at)} at {made_at:%H:%M}."


def _day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def workbook(title: str, sheet_name: str, tables: Sequence[Table]) -> IO[bytes]:
    """The workbook, in a temporary file read from its start. A single table stays in view
    under its header (and its first column beside it) and can be filtered."""
    # Handed back open for the response to send; ``chunks`` (or the response's end) closes, and so
    # deletes, it. XlsxWriter keeps each sheet's rows in a file of its own until the book is closed:
    # in a directory removed on every path, so rows with pupils' names are never left behind.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        with tempfile.TemporaryDirectory(prefix="apdr-sheet-") as rows_directory:
            book = xlsxwriter.Workbook(file, {"constant_memory": True, "tmpdir": rows_directory})
            _write(book, title, sheet_name, tables)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def _write(book: Any, title: str, sheet_name: str, tables: Sequence[Table]) -> None:
    sheet = _Sheet(book.add_worksheet(sheet_name[:31]), _formats(book))
    sheet.worksheet.write_string(0, 0, title, sheet.formats["title"])
    sheet.row = 2
    for table in tables:
        _write_table(sheet, table, alone=len(tables) == 1)
    for col, width in sheet.widths.items():
        sheet.worksheet.set_column(col, col, width)
    sheet.worksheet.set_paper(9)  # A4
    sheet.worksheet.set_landscape()
    sheet.worksheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    book.close()


def _write_table(sheet: _Sheet, table: Table, alone: bool) -> None:
    """The caption, the header, the rows, and the totals under them; a table alone on its
    sheet stays in view under its header and can be filtered."""
    if table.caption:
        sheet.worksheet.write_string(sheet.row, 0, table.caption, sheet.formats["caption"])
        sheet.row += 1
    header_row = sheet.row
    sheet.header(table.columns)
    for row in table.rows:
        for col, column in enumerate(table.columns):
            sheet.write(col, column.value(row), column.kind)
        sheet.row += 1
    if alone:
        sheet.worksheet.autofilter(header_row, 0, max(sheet.row - 1, header_row), len(table.columns) - 1)
        sheet.worksheet.freeze_panes(header_row + 1, 1)
        sheet.worksheet.repeat_rows(header_row)
    sheet.row += 1
    lines = table.totals()
    for line in lines:
        sheet.worksheet.write_string(sheet.row, 0, line.label, sheet.formats[(Kind.text, True)])
        sheet.write(1, line.value, line.kind, bold=True)
        sheet.row += 1
        # The first column wide enough for the totals' words, within reason.
        sheet.widths[0] = max(sheet.widths.get(0, 0), min(len(line.label) + 2, LONGEST_LABEL))
    sheet.row += 1 if lines else 0


def chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes a chunk at a time, closing (and so deleting) it at the end."""
    with file:
        while chunk := file.read(size):
            yield chunk


def _formats(book: Any) -> dict[Any, Any]:
    formats: dict[Any, Any] = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "caption": book.add_format({"bold": True, "font_size": 12}),
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}),
    }
    for kind in Kind:
        for bold in (False, True):
            formats[(kind, bold)] = book.add_format({**FORMATS.get(kind, {}), "bold": bold})
    return formats


def _day(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))
