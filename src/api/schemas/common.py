"""Field types shared by every request body: strict, bounded, and named as the contract names them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

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

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: Any) -> Any:
    """Refuse control characters (but tab and newlines) and unpaired surrogates in any
    string, however deep: PostgreSQL cannot store a NUL, and a string that cannot be
    encoded would be recorded in the log and then stop every read model that reads it."""
    if isinstance(value, str):
        if CONTROL.search(value):
            raise PydanticCustomError("plain_text", "control characters are not allowed")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PydanticCustomError("plain_text", "not valid Unicode text") from None
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


FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2099, 12, 31)
Day = Annotated[
    date, Field(ge=FIRST_DAY, le=LAST_DAY, description="YYYY-MM-DD, from 1950-01-01 to 2099-12-31")
]
"""Every date a client sends: wide enough for any pupil's record, narrow enough that
no date sum overflows and no calendar is built for millennia."""
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=4000)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, description="pounds, as a decimal string"),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json"),
]


class Created(Out):
    id: UUID


class Page(Out):
    total: int
    limit: int
    offset: int


QueryText = Annotated[str, AfterValidator(plain_text)]
"""Free text in a query string."""
