"""A spreadsheet's columns: what each holds, under what title, as what kind of cell.

One list of columns serves a report's CSV and its workbook, so the two never disagree;
the JSON keeps the codes, and a column with ``words`` shows a code as a person reads it
(the code itself in a column of its own beside it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any


class Kind(Enum):
    """What a cell holds, which decides how it is written: as text a spreadsheet must not
    convert, or as a typed number, date, sum of money or percentage."""

    text = "text"
    integer = "integer"
    number = "number"
    date = "date"
    money = "money"  # pounds, given as the JSON gives them ("1200.00")
    percent = "percent"  # 0 to 100, as the JSON gives them (83.3)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: Kind = Kind.text
    words: Mapping[str, str] | None = None
    """A code's name for people: the cell shows ``words[code]`` (the code where it has none)."""
    read: Callable[[Mapping[str, Any]], Any] | None = None
    """Where the cell is not ``row[key]`` as it stands (a list joined, say)."""
    width: int | None = None

    def value(self, row: Mapping[str, Any]) -> Any:
        """The cell's value for this row: None for an empty cell."""
        value = self.read(row) if self.read is not None else row.get(self.key)
        if value is None or value == "":
            return None
        if self.words is not None:
            code = value.value if isinstance(value, Enum) else value
            return self.words.get(code, code)
        if isinstance(value, Enum):
            return value.value
        if self.kind is Kind.money:
            return Decimal(value)
        if self.kind is Kind.date and isinstance(value, str):
            return date.fromisoformat(value)
        return value


def coded(key: str, title: str, words: Mapping[str, str], *, width: int = 28) -> list[Column]:
    """A code as two columns: its name for people, then the code (for matching against the MIS)."""
    return [Column(key, title, words=words, width=width), Column(key, f"{title} (code)", width=22)]


def yes_no(key: str) -> Callable[[Mapping[str, Any]], str | None]:
    def read(row: Mapping[str, Any]) -> str | None:
        value = row.get(key)
        return None if value is None else ("Yes" if value else "No")

    return read
