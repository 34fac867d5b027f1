"""Pupils in from the school's MIS (a CTF or CSV), and a pupil's SEN record out to
their next school (a CTF)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from apdr.api.deps import Now, ReadModelsDep, Senco, SenRecordDep, Today
from apdr.api.schemas.transfers import ImportOut, ImportProblem
from apdr.projections.pupils import pupils_by_upn
from apdr.transfer.csv_file import TEMPLATE

router = APIRouter(tags=["transfers"])
XML = "application/xml"


@router.post("/imports", response_model=ImportOut, response_model_exclude_none=True)
def import_pupils(
    file: Annotated[UploadFile, File(description="A Common Transfer File (XML) or a CSV of pupils")],
    actor: Senco,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    dry_run: Annotated[bool, Query(description="Answer what would change, and write nothing")] = False,
) -> ImportOut:
    """Register the file's pupils, or bring those already here up to date (matched by UPN):
    only what differs from the record is recorded, so the same file twice changes nothing.
    A pupil with a problem is listed with it and written not at all."""
    outcome = record.import_file(
        actor,
        file.file.read(),
        file_name=file.filename or "",
        today=today,
        known=read_models.ask(pupils_by_upn, record.setting_id_of(actor)),
        dry_run=dry_run,
    )
    return ImportOut(
        pupils_added=outcome.pupils_added,
        pupils_updated=outcome.pupils_updated,
        unchanged=outcome.unchanged,
        problems=[ImportProblem(**p.as_dict()) for p in outcome.problems],
    )


@router.get(
    "/imports/template.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The header row of a CSV to import"}},
)
def import_template(actor: Senco) -> Response:
    """The columns a CSV of pupils has, for an MIS report writer to fill."""
    return Response(
        "\ufeff" + TEMPLATE,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="apdr-pupils.csv"'},
    )


@router.get(
    "/pupils/{pupil_id}/ctf",
    response_class=Response,
    responses={200: {"content": {XML: {}}, "description": "The pupil's Common Transfer File"}},
)
def export_ctf(
    pupil_id: UUID,
    actor: Senco,
    record: SenRecordDep,
    now: Now,
    destination: Annotated[
        str | None,
        Query(
            pattern=r"^\d{7}$",
            description="The next school's LA and establishment number (seven digits), if known",
        ),
    ] = None,
) -> Response:
    """The pupil's SEN record as a CTF for their next school, entered in the audit as a
    disclosure."""
    name, document = record.common_transfer_file(actor, pupil_id, made_at=now, destination=destination)
    return Response(
        document, media_type=XML, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
