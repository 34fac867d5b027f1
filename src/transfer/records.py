"""A pupil as a file from the MIS describes them, and what is wrong with a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from apdr.aggregates.codes import NeedType, SenProvision
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
        return day

    def provision(self, field: str, text: str | None) -> SenProvision | None:
        value = (text or "").strip().upper() or "N"
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


def parse_day(text: str) -> date | None:
    """A date as MIS exports write it: ISO (2016-03-14, or with a time after it, as a
    CTF's may be), or the UK's day first (14/03/2016)."""
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


def with_duplicates_refused(
    pupils: list[TransferredPupil], problems: list[Problem]
) -> list[TransferredPupil]:
    """A UPN belongs to one pupil: a file that lists it twice leaves both out, as
    which of them is right is for a person to say."""
    seen: dict[str, list[TransferredPupil]] = {}
    for pupil in pupils:
        seen.setdefault(pupil.upn, []).append(pupil)
    kept = []
    for upn, twins in seen.items():
        if len(twins) == 1:
            kept.append(twins[0])
            continue
        rows = [t.row for t in twins if t.row is not None]
        problem = f"UPN {upn} appears {len(twins)} times in the file" + (
            f" (rows {', '.join(map(str, rows))})" if rows else ""
        )
        # In a CSV each row is told; in a CTF, where the UPN names the pupil, once.
        problems.extend(Problem(row, None, "upn", problem) for row in rows)
        if not rows:
            problems.append(Problem(None, upn, "upn", problem))
    return kept
