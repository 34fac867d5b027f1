"""The map as a report: its columns, its totals, and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

COLUMNS = [
    ("pupil_name", "Name"),
    ("age", "Age"),
    ("year_group", "Year group"),
    ("class_name", "Class"),
    ("intervention", "Intervention"),
    ("area_of_need", "Area of need"),
    ("aim", "Aim"),
    ("staff", "Staff"),
    ("weekdays", "Days"),
    ("sessions_per_week", "Sessions per week"),
    ("minutes_per_session", "Minutes per session"),
    ("delivery", "Delivery"),
    ("ratio", "Ratio"),
    ("location", "Location"),
    ("withdrawn_from", "Withdrawn from"),
    ("starts_on", "Start"),
    ("planned_weeks", "Weeks"),
    ("review_due_on", "Review due"),
    ("reviewed_on", "Reviewed"),
    ("ends_on", "End"),
    ("cost_per_pupil_per_year", "Cost per pupil per year (£)"),
    ("sessions_expected", "Sessions expected"),
    ("sessions_delivered", "Sessions delivered"),
    ("sessions_attended", "Sessions attended"),
]

PENNY = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(PENNY, rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class Totals:
    """The map's totals, accumulated row by row so the rows can stream."""

    def __init__(self) -> None:
        self.rows = 0
        self.pupils: set[UUID] = set()
        self.costs: dict[UUID, Decimal] = {}
        self.expected = self.delivered = self.attended = 0
        self.by_area: dict[str, set[UUID]] = {}

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        self.pupils.add(row["pupil_id"])
        self.costs[row["intervention_id"]] = Decimal(row["cost_per_year"])
        self.expected += row["sessions_expected"]
        self.delivered += row["sessions_delivered"]
        self.attended += row["sessions_attended"]
        self.by_area.setdefault(row["area_of_need"], set()).add(row["pupil_id"])

    def as_dict(self) -> dict[str, Any]:
        total_cost = sum(self.costs.values(), Decimal(0))
        return {
            "rows": self.rows,
            "pupils": len(self.pupils),
            "interventions": len(self.costs),
            "cost_per_year": money(total_cost),
            "cost_per_pupil_per_year": money(total_cost / len(self.pupils))
            if self.pupils
            else money(Decimal(0)),
            "sessions_expected": self.expected,
            "sessions_delivered": self.delivered,
            "sessions_attended": self.attended,
            "delivered_percent": percent(self.delivered, self.expected),
            "attended_percent": percent(self.attended, self.delivered),
            "pupils_by_area_of_need": {area: len(p) for area, p in sorted(self.by_area.items())},
        }


def csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """The map as CSV that opens cleanly in Excel: a byte-order mark, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(row[key]) for key, _ in COLUMNS])
        yield buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
