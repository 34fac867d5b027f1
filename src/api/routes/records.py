"""A pupil's chronology and the SEN register: the record as the school shows it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from apdr.aggregates.record_access import EXPORT, READ
from apdr.api.deps import Now, Reader, ReadModelsDep, SenRecordDep, Today
from apdr.api.documents import SPREADSHEETS, SheetFormat, csv_download, xlsx_download
from apdr.api.schemas.common import Day
from apdr.api.schemas.records import ChronologyOut, RegisterOut
from apdr.api.streaming import chunked, dumps
from apdr.projections.chronology import pupil_chronology_json
from apdr.projections.register import ON_REGISTER, census_problems, register_rows, register_totals
from apdr.sheets import Table, title, workbook
from apdr.sheets.layouts import REGISTER, register_totals_lines

router = APIRouter()


@router.get("/pupils/{pupil_id}/chronology", response_model=ChronologyOut, tags=["pupils"])
def chronology(
    pupil_id: UUID,
    actor: Reader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    limit: Annotated[
        int | None, Query(ge=1, le=1000, description="At most this many entries (default: all)")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Skip this many entries first")] = 0,
) -> StreamingResponse:
    """Every event about the pupil in the order it happened, with who recorded it and
    when; corrections stand beside what they correct. Streamed as it is read."""
    record.pupil(actor, pupil_id)  # a pupil of another setting is not there: 404
    record.record_access(actor, kind=READ, what="chronology", pupil_ids=[pupil_id])
    entries = read_models.stream(pupil_chronology_json, pupil_id, limit=limit, offset=offset)

    def document() -> Iterator[str]:
        """``{"pupil_id", "limit", "offset", "entries": […]}``, entry by entry."""
        yield dumps({"pupil_id": pupil_id, "limit": limit, "offset": offset})[:-1] + ',"entries":['
        with closing(entries):
            for n, entry in enumerate(entries):
                yield ("," if n else "") + entry
        yield "]}"

    return StreamingResponse(chunked(document()), media_type="application/json")


@router.get("/register", response_model=RegisterOut, tags=["register"], responses=SPREADSHEETS)
def sen_register(
    actor: Reader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
    as_of: Annotated[
        Day | None, Query(description="The register as it stood on this date (default: today)")
    ] = None,
    include_no_sen: Annotated[bool, Query(description="List the pupils with no SEN (N) too")] = False,
    format: SheetFormat = SheetFormat.json,
) -> RegisterOut | StreamingResponse:
    """The setting's pupils with SEN support (K) or an EHC plan (E) on a date, with their
    needs then, as the school census counts them: as JSON, or as a spreadsheet (CSV, XLSX).
    The JSON also lists what the census would reject (``problems``), before it does."""
    as_of = as_of or today
    setting_id = record.setting_id_of(actor)
    on_roll = read_models.ask(register_rows, setting_id, as_of, include_no_sen=True)
    rows = on_roll if include_no_sen else [r for r in on_roll if r["sen_status"] in ON_REGISTER]
    problems = census_problems(on_roll) if format is SheetFormat.json else []
    shown = {r["pupil_id"] for r in rows} | {p["pupil_id"] for p in problems}
    record.record_access(
        actor,
        kind=EXPORT,
        what=f"SEN register as of {as_of} ({format.value})",
        pupil_ids=[r["pupil_id"] for r in on_roll if r["pupil_id"] in shown],
    )
    filename = f"sen-register-{as_of.isoformat()}"
    if format is SheetFormat.csv:
        return csv_download(REGISTER, rows, filename)
    totals = register_totals(rows, include_no_sen=include_no_sen)
    if format is SheetFormat.xlsx:
        setting = record.setting(setting_id)
        heading = title("SEN register", setting.name, setting.urn, as_of, now)
        table = Table(REGISTER, rows, totals=lambda: register_totals_lines(totals))
        return xlsx_download(workbook(heading, "SEN register", [table]), filename)
    return RegisterOut.model_validate(
        {
            "as_of": as_of,
            "include_no_sen": include_no_sen,
            "pupils": rows,
            "totals": totals,
            "problems": problems,
        }
    )
