"""The SENCO's page for pupils from the MIS: upload a CTF or a CSV, check it first if
wished, and see what was added, updated and left unchanged, and every problem by row or
UPN (the same command as POST /api/v1/imports); and a leaver's CTF to download."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from apdr.api.deps import Now, ReadModelsDep, SenRecordDep, Today
from apdr.application import Actor
from apdr.application.imports import ImportOutcome
from apdr.projections.pupils import pupils_by_upn
from apdr.transfer.csv_file import TEMPLATE
from apdr.transfer.records import NotAPupilFile
from apdr.web.deps import CsrfChecked, SencoPage
from apdr.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/pupils/import")
def import_page(request: Request, actor: SencoPage) -> Response:
    return render(request, "pupil/import.html", actor, errors={}, outcome=None)


@router.get("/pupils/import/template.csv")
def template(actor: SencoPage) -> Response:
    """GET /api/v1/imports/template.csv, for a browser."""
    return Response(
        "\ufeff" + TEMPLATE,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="apdr-pupils.csv"'},
    )


@router.post("/pupils/import", dependencies=[CsrfChecked])
async def import_file(
    request: Request, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> Response:
    """POST /api/v1/imports, from a form: "Check the file" is its dry run."""
    form = await request.form()
    upload = form.get("file")
    dry_run = form.get("action") == "check"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _again(request, actor, "Choose the file to import")
    data, name = await upload.read(), upload.filename

    def apply() -> ImportOutcome:
        known = read_models.ask(pupils_by_upn, record.setting_id_of(actor))
        return record.import_file(actor, data, file_name=name, today=today, known=known, dry_run=dry_run)

    try:
        # A school's roll takes a second or so: off the event loop, so other requests go on meanwhile.
        outcome = await run_in_threadpool(apply)
    except NotAPupilFile as error:
        return _again(request, actor, error.message[:1].upper() + error.message[1:])
    return render(
        request, "pupil/import.html", actor, errors={}, outcome=outcome, dry_run=dry_run, name=upload.filename
    )


def _again(request: Request, actor: Actor, message: str) -> Response:
    """The form again, with what to put right beside the file."""
    return render(
        request, "pupil/import.html", actor, status_code=422, errors={"file": message}, outcome=None
    )


@router.get("/pupils/{pupil_id}/ctf.xml")
def common_transfer_file(pupil_id: UUID, actor: SencoPage, record: SenRecordDep, now: Now) -> Response:
    """GET /api/v1/pupils/{id}/ctf, for a browser."""
    name, document = record.common_transfer_file(actor, pupil_id, made_at=now)
    return Response(
        document,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
