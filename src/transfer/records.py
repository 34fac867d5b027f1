"""A pupil as a file from the MIS describes them, and what is wrong with a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from apdr.aggregates.codes import NeedType, SenProvision
from apdr.aggregates.rules import FIRST_DAY, LAST_DAY
from apdr.aggregates.upn import upn_problem
from apdr.errors import InvalidInput


@dataclass(frozen=True)
class SenPeriod:
    """A span of SEN provision as the file dates it; ``ends_on`` is the first day
    without it (the register's convention: a status ended on a day no longer
    counts that day). ``starts_on`` None: the file gives no date (a CSV)."""

    provision: SenProvision
    starts_on: date | None
    ends_on: date | None = None


@dataclass(frozen=True)
class TransferredPupil:
    """One pupil of a file. ``sen`` None and ``needs`` None: the file says nothing
    about them (a CSV without those columns), so nothing recorded is changed."""

    row: int | None  # a CSV's line number; None in a CTF, where the UPN names the pupil
    upn: str
    given_name: str
    family_name: str
    date_of_birth: date
    class_name: str | None  # None: the file names no class (a CTF), and a class is not changed
    admitted_on: date | None
    sen: tuple[SenPeriod, ...] | None = None
    needs: tuple[NeedType, ...] | None = None  # primary first
    joins_class: str = ""
    """The class a new pupil joins when the file names none: a CTF's curriculum year."""
    parents_notified_on: date | None = None
    """When parents were formally told of the provision the file gives last (a CSV's column)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one pupil of a file (``row`` in a CSV, ``upn`` in a CTF):
    the field, and what would be right."""

    row: int | None
    upn: str | None
    field: str
    problem: str

    def as_dict(self) -> dict[str, object]:
        where: dict[str, object] = {"row": self.row} if self.row is not None else {"upn": self.upn}
        return {**where, "field": self.field, "problem": self.problem}


@dataclass
class PupilFile:
    """What a file holds: its pupils, the problems of those it could not read, and
    the day it was made (a CTF's header), which dates what it does not."""

    kind: str  # "ctf" or "csv"
    pupils: list[TransferredPupil] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    made_on: date | None = None


class NotAPupilFile(InvalidInput):
    """The file as a whole cannot be read: not XML, not a CTF, no header row, a
    required column missing. One error, and nothing written."""

    def __init__(self, problem: str) -> None:
        super().__init__("file", problem)


class Fields:
    """Collects the problems of one pupil while their fields are read, so that a
    pupil with three mistakes is told of all three."""

    def __init__(self, row: int | None, upn: str | None) -> None:
        self.row, self.upn = row, upn
        self.problems: list[Problem] = []

    def problem(self, field: str, problem: str) -> None:
        self.problems.append(Problem(self.row, self.upn, field, problem))

    def upn_of(self, text: str) -> str:
        upn = text.strip().upper()
        if not upn:
            self.problem("upn", "the UPN is missing")
        elif problem := upn_problem(upn):
            self.problem("upn", problem)
        return upn

    def text(self, field: str, text: str | None, what: str) -> str:
        value = (text or "").strip()
        if not value:
            self.problem(field, f"{what} is missing")
        return value

    def day(self, field: str, text: str | None, what: str, *, required: bool = True) -> date | None:
        value = (text or "").strip()
        if not value:
            if required:
                self.problem(field, f"{what} is missing")
            return None
        day = parse_day(value)
        if day is None:
            self.problem(field, f"{what} {value!r} is not a date: write it as YYYY-MM-DD or DD/MM/YYYY")
        elif not FIRST_DAY <= day <= LAST_DAY:
            self.problem(field, f"{what} {value!r} is not a date of a pupil's record: check the year")
            return None
        return day

    def provision(self, field: str, text: str | None) -> SenProvision | None:
        """None for a blank: the file says nothing of the pupil's SEN (write N for no SEN)."""
        value = (text or "").strip().upper()
        if not value:
            return None
        try:
            return SenProvision(value)
        except ValueError:
            self.problem(
                field, f"SEN provision {value!r} is not a census code: N, K (SEN support) or E (EHC plan)"
            )
            return None

    def need(self, field: str, text: str | None) -> NeedType | None:
        value = (text or "").strip().upper()
        if not value:
            return None
        try:
            return NeedType(value)
        except ValueError:
            codes = ", ".join(n.value for n in NeedType)
            self.problem(field, f"{value!r} is not a census type of need; one of {codes}")
            return None


_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str) -> date | None:
    """A date as MIS exports write it: ISO (2016-03-14, or with a time after it, as a
    CTF's ``DateTime``), or the UK's day first (14/03/2016); nothing else."""
    text = text.strip()
    try:
        if iso := _ISO.fullmatch(text):
            return date.fromisoformat(iso.group(1))
        if uk := _DAY_FIRST.fullmatch(text):
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    except ValueError:
        pass
    return None


def with_duplicates_refused(
    pupils: list[TransferredPupil], problems: list[Problem], every_upn: list[tuple[int | None, str]]
) -> list[TransferredPupil]:
    """A UPN belongs to one pupil: a file that lists it twice (``every_upn``: each row's
    or pupil's, read or not) leaves them all out, as which is right is for a person to say."""
    rows_of: dict[str, list[int | None]] = {}
    for row, upn in every_upn:
        if upn:
            rows_of.setdefault(upn, []).append(row)
    twice = {upn: rows for upn, rows in rows_of.items() if len(rows) > 1}
    for upn, rows in twice.items():
        numbered = [row for row in rows if row is not None]
        problem = f"UPN {upn} appears {len(rows)} times in the file" + (
            f" (rows {', '.join(map(str, numbered))})" if numbered else ""
        )
        # In a CSV each row is told; in a CTF, where the UPN names the pupil, once.
        problems.extend(Problem(row, None, "upn", problem) for row in numbered)
        if not numbered:
            problems.append(Problem(None, upn, "upn", problem))
    return [pupil for pupil in pupils if pupil.upn not in twice]
