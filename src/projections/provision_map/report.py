"""The map as a report: its totals (its columns, for a spreadsheet, are in ``apdr.sheets.layouts``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

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

    def counted(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The rows as they pass, each added to the totals."""
        for row in rows:
            self.add(row)
            yield row

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
