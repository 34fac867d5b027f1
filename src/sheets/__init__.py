"""Spreadsheets of the reports: CSV that a spreadsheet opens as written, and XLSX
workbooks with typed cells. The columns (``layouts``) serve both."""

from __future__ import annotations

from apdr.sheets.columns import Column, Kind
from apdr.sheets.csv_file import csv_lines
from apdr.sheets.workbook import MEDIA_TYPE, Line, Table, chunks, title, workbook

__all__ = ["MEDIA_TYPE", "Column", "Kind", "Line", "Table", "chunks", "csv_lines", "title", "workbook"]
