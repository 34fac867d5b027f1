"""What an import of pupils from the MIS answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    row: int | None = Field(
        None, description="The CSV's row, as a spreadsheet numbers it (the header is row 1)"
    )
    upn: str | None = Field(None, description="In a CTF, the pupil's UPN")
    field: str
    problem: str


class ImportOut(BaseModel):
    pupils_added: int
    pupils_updated: int
    unchanged: int
    problems: list[ImportProblem] = Field(
        description="Each pupil the file could not give, by CSV row or CTF UPN: nothing was written for them"
    )
