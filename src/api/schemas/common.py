"""Field types shared by every request body: strict, bounded, and named as the contract names them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from apdr.aggregates.rules import FIRST_DAY, LAST_DAY, text_fault


def plain_text(value: Any) -> Any:
    """Refuse, in any string however deep, what ``text_fault`` refuses: control characters
    (but tab and newlines), bidirectional formatting and unpaired surrogates. PostgreSQL
    cannot store a NUL; a string that cannot be encoded would be recorded in the log and
    then stop every read model that reads it; and an override (U+202E) or a C1 control
    would show other users something other than what was typed. Refused, not stripped,
    so the 422 tells the person typing which field to put right."""
    if isinstance(value, str):
        if fault := text_fault(value):
            raise PydanticCustomError("plain_text", fault)
    elif isinstance(value, list | tuple):
        for item in value:
            plain_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            plain_text(key)
            plain_text(item)
    return value


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return plain_text(value)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Day = Annotated[
    date, Field(ge=FIRST_DAY, le=LAST_DAY, description="YYYY-MM-DD, from 1950-01-01 to 2099-12-31")
]
"""Every date a client sends, within the record's bounds (``rules.FIRST_DAY``, ``LAST_DAY``)."""


def one_line(value: str) -> str:
    """A name is one line as well (``text_fault``'s rule for names, which the aggregates apply too)."""
    if fault := text_fault(value, one_line=True):
        raise PydanticCustomError("plain_text", fault)
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(one_line)]
"""A person's, an intervention's or a setting's name: one line, after surrounding whitespace is trimmed."""
Short = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=4000)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, description="pounds, as a decimal string"),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json"),
]


def attributes_of(source: Any, names: str) -> dict[str, Any]:
    """The attributes of ``source`` named in ``names`` (separated by spaces), for the
    fields of an answer that show them as they are."""
    return {name: getattr(source, name) for name in names.split()}


class EndIn(Body):
    """Ending something on a day, with why."""

    ended_on: Day
    reason: Text = ""


class Created(Out):
    id: UUID


class Page(Out):
    total: int
    limit: int
    offset: int


PageLimit = Annotated[int, Query(ge=1, le=500)]
"""How many rows of a list a page holds, at most (a query parameter)."""
PageOffset = Annotated[int, Query(ge=0, le=1_000_000)]
"""How many rows of a list come before the page (a query parameter)."""


QueryText = Annotated[str, AfterValidator(plain_text)]
"""Free text in a query string."""
