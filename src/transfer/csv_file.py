"""Pupils from a CSV, as an MIS report writer exports it: a header row naming the
columns, matched however they are capitalised or spaced ("Legal Surname",
"legal_surname" and "LEGALSURNAME" are one column)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from apdr.transfer.records import (
    Fields,
    NotAPupilFile,
    PupilFile,
    SenPeriod,
    TransferredPupil,
    with_duplicates_refused,
)

# Each field, the header the template writes, and the other names MIS exports give it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "unique pupil number"),
    "given_name": ("Legal forename", "forename", "given name", "first name"),
    "family_name": ("Legal surname", "surname", "family name", "last name"),
    "date_of_birth": ("Date of birth", "DOB"),
    "admitted_on": ("Admission date", "date of admission", "entry date"),
    "class_name": ("Class", "class name", "reg group", "registration group", "form"),
    "sen_provision": ("SEN provision", "SEN status"),
    "sen_start_date": ("SEN start date", "SEN provision start date"),
    "parents_notified_on": ("Parents notified on", "Parents notified", "Date parents notified"),
    "primary_need": ("Primary need", "primary SEN type", "SEN primary need"),
    "secondary_need": ("Secondary need", "secondary SEN type", "SEN secondary need"),
}
REQUIRED = ("upn", "given_name", "family_name", "date_of_birth", "admitted_on", "class_name")
NEEDS_ALSO = {
    "sen_start_date": "sen_provision",
    "parents_notified_on": "sen_provision",
    "secondary_need": "primary_need",
}
"""A column read only beside another: a start date dates a provision, a secondary need follows a primary."""
TEMPLATE = ",".join(names[0] for names in COLUMNS.values()) + "\r\n"
"""The header row of the template CSV offered for download."""


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header).lower()


_FIELD_OF = {_key(name): field for field, names in COLUMNS.items() for name in names}


def read_csv(data: bytes) -> PupilFile:
    """Every pupil of the file, with the problems of each row: a row with any
    problem is left out, the others are read."""
    try:
        return _read(csv.reader(io.StringIO(_text(data), newline="")))
    except csv.Error as error:  # a NUL byte, a field over the csv module's limit: not a CSV of pupils
        raise NotAPupilFile(f"the file cannot be read as CSV ({error})") from None


def _read(reader: Iterator[list[str]]) -> PupilFile:
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise NotAPupilFile("the CSV is empty: its first row names the columns (download the template)")
    columns = _columns(header)
    file = PupilFile(kind="csv")
    pupils, every_upn = [], []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        row = {field: cells[i] if i < len(cells) else "" for field, i in columns.items()}
        every_upn.append((row_number, row["upn"].strip().upper()))
        pupil = _pupil(row_number, row)
        if isinstance(pupil, TransferredPupil):
            pupils.append(pupil)
        else:
            file.problems.extend(pupil.problems)
    file.pupils = with_duplicates_refused(pupils, file.problems, every_upn)
    return file


def _text(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte order mark), UTF-16 (Excel's "Unicode
    text", with its mark), or Windows-1252 as older MIS and Excel on Windows write it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _FIELD_OF.get(_key(name))
        if field is None:
            continue  # a column apdr does not read (an address, a house): left alone
        if field in columns:
            raise NotAPupilFile(
                f"the CSV has two columns for {COLUMNS[field][0]} ({header[columns[field]]!r} and "
                f"{name!r}): keep the one that is right"
            )
        columns[field] = i
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in columns]
    missing += [
        COLUMNS[needed][0] for f, needed in NEEDS_ALSO.items() if f in columns and needed not in columns
    ]
    if missing:
        raise NotAPupilFile(
            f"the CSV has no column {', '.join(repr(m) for m in missing)}: the first row must name "
            f"the columns {', '.join(COLUMNS[f][0] for f in REQUIRED)} (download the template)"
        )
    return columns


def _pupil(row: int, cells: dict[str, str]) -> TransferredPupil | Fields:
    fields = Fields(row, None)
    upn = fields.upn_of(cells["upn"])
    given_name = fields.text("given_name", cells["given_name"], "the legal forename")
    family_name = fields.text("family_name", cells["family_name"], "the legal surname")
    date_of_birth = fields.day("date_of_birth", cells["date_of_birth"], "the date of birth")
    admitted_on = fields.day("admitted_on", cells["admitted_on"], "the admission date")
    class_name = fields.text("class_name", cells["class_name"], "the class")
    sen, notified_on = None, None
    if "sen_provision" in cells:
        provision = fields.provision("sen_provision", cells["sen_provision"])
        starts_on = fields.day(
            "sen_start_date", cells.get("sen_start_date"), "the SEN start date", required=False
        )
        sen = (SenPeriod(provision, starts_on),) if provision else None
        notified_on = fields.day(
            "parents_notified_on",
            cells.get("parents_notified_on"),
            "the day parents were notified",
            required=False,
        )
    needs = None
    # A row that says nothing of SEN provision says nothing of needs either.
    if "primary_need" in cells and not ("sen_provision" in cells and not cells["sen_provision"].strip()):
        primary = fields.need("primary_need", cells["primary_need"])
        secondary = fields.need("secondary_need", cells.get("secondary_need"))
        if secondary and not cells["primary_need"].strip():
            fields.problem("primary_need", "a secondary need is given without a primary need")
        needs = tuple(n for n in (primary, secondary) if n)
    if fields.problems:
        return fields
    assert date_of_birth is not None
    return TransferredPupil(
        row=row,
        upn=upn,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        class_name=class_name,
        admitted_on=admitted_on,
        sen=sen,
        needs=needs,
        parents_notified_on=notified_on,
    )
