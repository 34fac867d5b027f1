"""A form's fields, checked by the same pydantic models as the API's bodies, and
any error the service gives, put beside the field it names in words a person reads;
and the words a form's choices show."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from apdr.api.problems import field_name
from apdr.errors import Conflict, InvalidInput
from apdr.evidence.render import WORDS

M = TypeVar("M", bound=BaseModel)

FORM_ERRORS = (ValidationError, InvalidInput, Conflict)
"""What a form shows beside its fields rather than as an error page."""

PLAIN = {
    "missing": "Fill this in",
    "string_too_short": "Fill this in",
    "date_from_datetime_parsing": "Enter a date, like 2026-11-23",
    "date_parsing": "Enter a date, like 2026-11-23",
    "date_type": "Enter a date, like 2026-11-23",
    "int_parsing": "Enter a whole number",
    "int_type": "Enter a whole number",
    "decimal_parsing": "Enter a number",
    "float_parsing": "Enter a number",
    "uuid_parsing": "Choose one from the list",
    "uuid_type": "Choose one from the list",
    "enum": "Choose one from the list",
    "literal_error": "Choose one from the list",
    "bool_parsing": "Choose yes or no",
}


def parse(schema: type[M], fields: dict[str, Any]) -> M:
    """The form's values as ``schema`` (the API's body model). Empty text boxes are
    left out, so the model's defaults apply and a required one is 'missing'."""
    return schema.model_validate({k: v for k, v in fields.items() if v not in ("", None)})


def errors_of(error: Exception) -> dict[str, str]:
    """Field name -> what to do about it. A conflict, which names no field, is under ''."""
    if isinstance(error, ValidationError):
        found: dict[str, str] = {}
        for e in error.errors():
            name = field_name(("body", *e["loc"])) if e["loc"] else ""
            message = PLAIN.get(e["type"], str(e["msg"]).removeprefix("Value error, "))
            found.setdefault(name, message)
        return found
    if isinstance(error, InvalidInput):
        return {error.field: _sentence(error.message)}
    if isinstance(error, Conflict):
        return {"": _sentence(error.message)}
    raise TypeError(f"not a form error: {error!r}")


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


ROW_FIELD = re.compile(r"^(?P<list>\w+)\[(?P<index>\d{1,2})\]\.(?P<field>\w+)$")


async def form_fields(request: Request, *lists: str) -> dict[str, Any]:
    """The posted fields by name (the CSRF token left out); those named in ``lists``
    (checkboxes, a multiple select) as lists, every other as its one value."""
    form: FormData = await request.form()
    fields: dict[str, Any] = {name: form.getlist(name) for name in lists}
    for name, value in form.multi_items():
        if name not in lists and name != "csrf" and isinstance(value, str):
            fields[name] = value
    return fields


def nested(fields: dict[str, Any]) -> dict[str, Any]:
    """Rows of a list typed as ``outcomes[0].target`` put in the API's shape,
    ``{"outcomes": [{"target": ...}]}``, so pydantic's errors name the inputs they came from.
    A row left wholly blank is left out and the rest close up (the page is re-rendered
    from this, so the indices in errors stay true); a blank box in a row is left out
    so that a required one is 'missing'."""
    flat: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for name, value in fields.items():
        if found := ROW_FIELD.match(name):
            row = rows.setdefault(found["list"], {}).setdefault(int(found["index"]), {})
            row[found["field"]] = value
        else:
            flat[name] = value
    for name, by_index in rows.items():
        filled = [by_index[i] for i in sorted(by_index) if any(_typed(v) for v in by_index[i].values())]
        flat[name] = [{k: v for k, v in row.items() if _typed(v)} for row in filled]
    return flat


def _typed(value: Any) -> bool:
    return value not in ("", None) and not (isinstance(value, str) and not value.strip())


def whole_number(value: Any) -> Any:
    """The API's whole numbers are strict (JSON sends them as numbers); a form sends
    text, so digits become a number here and anything else goes on to be refused."""
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def whole_numbers(fields: dict[str, Any], *names: str) -> dict[str, Any]:
    """``fields`` with those ``names`` read by ``whole_number``."""
    return {name: whole_number(value) if name in names else value for name, value in fields.items()}


def folded(errors: dict[str, str], *lists: str) -> dict[str, str]:
    """An error about one item of a list chosen in one control (``weekdays[1]``) shown at the control."""
    shown: dict[str, str] = {}
    for name, message in errors.items():
        for list_name in lists:
            if name.startswith(f"{list_name}["):
                name = list_name
        shown.setdefault(name, message)
    return shown


def at_top(errors: dict[str, str], *names: str) -> dict[str, str]:
    """An error about something the form has no box for (the plan itself, say) shown at the top."""
    return {("" if name in names else name): message for name, message in errors.items()}


def words(value: Enum | str) -> str:
    """An enumeration's value as a person reads it ('small_group' is 'Small group'),
    with the evidence documents' words where they differ."""
    text = value.value if isinstance(value, Enum) else value
    return WORDS.get(text, text.replace("_", " ").capitalize())


def options(values: Iterable[Enum]) -> list[tuple[str, str]]:
    return [(v.value, words(v)) for v in values]
