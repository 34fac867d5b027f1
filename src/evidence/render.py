"""Lay out an evidence document (a pack, the SEN support report) as HTML, and as PDF through WeasyPrint.

``html(document, "pack.html")`` and ``pdf(document, "pack.html")``: the template (in ``templates/``)
gets the JSON document as ``document``. Templates decide nothing; the filters below only format:
dates as "27 November 2026", money as "£1,234.00", enum values as words, ``None`` as an em dash.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from apdr.projections.chronology.wording import NEED_NAMES, capital

DASH = "—"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# Enum values whose words are not just the value with spaces for underscores.
WORDS = {
    "communication_interaction": "Communication and interaction",
    "cognition_learning": "Cognition and learning",
    "semh": "Social, emotional and mental health",
    "sensory_physical": "Sensory and/or physical",
    "camhs": "CAMHS",
    "ehc_request": "EHC needs assessment request",
    "educational_record": "Educational record",
    "yot": "Youth Offending Team",
    "request_ehcp": "Request an EHC needs assessment",
    "end_support": "End SEN support",
    "age_equivalent_months": "Age equivalent (months)",
    "ta": "Teaching assistant",
    "senco": "SENCO",
}
SEN_STATUS = {"K": "SEN support", "E": "EHC plan", "N": "No SEN"}
# The chronology's words for each census need type, as a heading would start them.
NEED_TYPES = {need.value: capital(name) for need, name in NEED_NAMES.items()}
LABELS = {"upn": "UPN", "urn": "URN", "sen_status": "SEN status", "ehcp": "EHC plan", "sha256": "SHA-256"}


def html(document: dict, template: str) -> str:
    """The document laid out by ``template`` (e.g. "pack.html") as an HTML page with its print stylesheet."""
    return _environment().get_template(template).render(document=document)


def pdf(document: dict, template: str) -> bytes:
    """The same HTML page printed to A4 PDF by WeasyPrint."""
    import weasyprint  # slow to import (about half a second), and only PDFs need it

    return weasyprint.HTML(string=html(document, template), base_url=None).write_pdf()


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("apdr.evidence", "templates"),
        autoescape=True,
        finalize=lambda value: DASH if value is None else value,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        date=_date,
        datetime=_datetime,
        money=_money,
        words=_words,
        label=_label,
        show=_show,
        year_group=lambda value: DASH if value is None else "Reception" if value == 0 else f"Year {value}",
        sen_status=lambda value: DASH if value is None else SEN_STATUS.get(value, value),
        need_type=lambda value: DASH if value is None else f"{NEED_TYPES.get(value, value)} ({value})",
        percent=lambda value: DASH if value is None else f"{round(float(value), 1):g}%",
        css_string=_css_string,
        columns=_columns,
    )
    return environment


def _date(value: str | None) -> str:
    if not value:
        return DASH
    day = date.fromisoformat(str(value)[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _datetime(value: str | None) -> str:
    if not value:
        return DASH
    moment = datetime.fromisoformat(str(value))
    return f"{_date(str(value))} at {moment:%H:%M}"


def _money(value: str | None) -> str:
    return DASH if value is None or value == "" else f"£{Decimal(str(value)):,.2f}"


def _words(value: Any) -> str:
    if value is None or value == "":
        return DASH
    text = str(value)
    return WORDS.get(text, text.replace("_", " ").capitalize())


def _label(key: str) -> str:
    """A JSON key as a heading: 'date_of_birth' is 'Date of birth'."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _show(value: Any) -> str:
    """Any scalar of the JSON as text: ISO dates as dates, booleans as Yes/No, None as a dash."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return _date(value)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return _datetime(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value)
    return str(value)


def _css_string(value: Any) -> Markup:
    """A quoted CSS string, safe inside <style>: quotes, backslashes, <, >, & and controls as hex escapes."""
    text = "" if value is None else str(value)
    escaped = "".join(
        f"\\{ord(c):x} " if c in "\"'\\<>&" or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text
    )
    return Markup(f'"{escaped}"')


def _columns(rows: list[dict]) -> list[str]:
    """The keys of a list of dicts, in the order they first appear."""
    return list(dict.fromkeys(key for row in rows if isinstance(row, dict) for key in row))
