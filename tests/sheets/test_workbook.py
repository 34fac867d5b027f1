"""The workbook writer: typed cells, totals under their table, and nothing left on disk."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from apdr.sheets import Column, Kind, Line, Table, workbook
from apdr.sheets.workbook import title

COLUMNS = [
    Column("name", "Name"),
    Column("on", "On", Kind.date),
    Column("cost", "Cost (£)", Kind.money),
    Column("share", "Share (%)", Kind.percent),
    Column("ratio", "Ratio"),
]
MADE = datetime(2026, 11, 23, 9, 30)


def test_given_rows_and_totals_when_written_then_each_cell_is_typed_and_the_totals_follow() -> None:
    rows = [{"name": "=SUM(1)", "on": date(2026, 9, 1), "cost": "1200.50", "share": 83.3, "ratio": "1:3"}]
    table = Table(COLUMNS, rows, totals=lambda: [Line("Cost per year (£)", "1200.50", Kind.money)])

    with workbook(title("Map", "Oakfield", "999001", date(2026, 11, 23), MADE), "Map", [table]) as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active

    assert (
        sheet["A1"].value
        == "Map: Oakfield (URN 999001), as of 23 November 2026. Made 23 November 2026 at 09:30."
    )
    assert [c.value for c in sheet[3]] == ["Name", "On", "Cost (£)", "Share (%)", "Ratio"]
    name, on, cost, share, ratio = sheet[4]
    assert (name.value, name.data_type) == ("=SUM(1)", "s")  # text, not a formula
    assert on.value == datetime(2026, 9, 1) and on.is_date
    assert (cost.value, cost.number_format) == (1200.5, "£#,##0.00")
    assert (share.value, share.number_format) == (pytest.approx(0.833), "0.0%")
    assert (ratio.value, ratio.data_type) == ("1:3", "s")
    assert (sheet["A6"].value, sheet["B6"].value, sheet["B6"].font.b) == ("Cost per year (£)", 1200.5, True)
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("B4", "A3:E4")


def test_given_no_rows_when_written_then_the_header_stands_alone_and_can_still_be_filtered() -> None:
    with workbook("Empty", "Map", [Table(COLUMNS, [])]) as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active

    assert sheet.auto_filter.ref == "A3:E3" and sheet.max_row == 3


def test_given_the_rows_fail_part_way_when_the_workbook_is_written_then_no_file_is_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows() -> Iterator[dict[str, Any]]:
        yield {"name": "Amira Khan"}
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        workbook("Map", "Map", [Table(COLUMNS, rows())])

    assert list(tmp_path.iterdir()) == []
