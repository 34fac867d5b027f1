"""Spreadsheets of the reports: CSV that a spreadsheet opens as written, and XLSX
workbooks with typed cells. The columns (``layouts``) serve both."""

from __future__ import annotations

from datetime import date, datetime

from apdr.sheets.columns import Column, Kind
from apdr.sheets.csv_file import csv_lines
from apdr.sheets.workbook import MEDIA_TYPE, Line, Table, chunks, workbook


def title(
    report: str, school: str, urn: str, as_of: date | None, made_at: datetime, first: date | None = None
) -> str:
    """The workbook's title row: the report, the school, the day it is as of (or its window),
    and when it was made."""
    when = (
        "over the whole record"
        if as_of is None
        else f"as of {_day(as_of)}" + (f" (from {_day(first)})" if first is not None else "")
    )
    return f"{report}: {school} (URN {urn}), {when}. Made {_day(made_at)} at {made_at:%H:%M}."


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


__all__ = ["MEDIA_TYPE", "Column", "Kind", "Line", "Table", "chunks", "csv_lines", "title", "workbook"]
