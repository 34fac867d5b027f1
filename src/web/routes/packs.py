"""Requests for a pupil's information and the evidence packs issued, as pages: the
SENCO's alone, as in the API (``apdr.api.routes.evidence``). A pack is shown exactly
as the API lays it out, by the API's own route function, so its read is audited the
same way and its bytes are the same."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, RequesterKind, RequestType
from apdr.aggregates.information_request import PACK_SECTIONS
from apdr.api.deps import Now, ReadModelsDep, SenRecordDep, Today
from apdr.api.documents import DocumentFormat
from apdr.api.routes.evidence import get_pack
from apdr.api.schemas.evidence import DecisionIn, InformationRequestIn
from apdr.errors import NotFound
from apdr.evidence.packs import composer
from apdr.evidence.render import LABELS, WORDS
from apdr.projections.disclosures import information_requests, setting_packs
from apdr.projections.pupils import find_pupils
from apdr.web.deps import CsrfChecked, SencoPage
from apdr.web.forms import FORM_ERRORS, errors_of, options, parse
from apdr.web.pages import render, see_other

router = APIRouter(include_in_schema=False)

DUE_SOON_DAYS = 7
NOT_KEPT = {"Cache-Control": "no-store"}
"""A pack holds a pupil's record: no cache keeps it (the API's answers are not stored either)."""


def _names(read_models: ReadModelsDep, setting_id: UUID, pupil_ids: set[UUID]) -> dict[UUID, str]:
    if not pupil_ids:
        return {}
    rows, _ = read_models.ask(
        find_pupils, setting_id, pupil_ids=pupil_ids, include_left=True, limit=len(pupil_ids)
    )
    return {r["pupil_id"]: f"{r['given_name']} {r['family_name']}" for r in rows}


def _when_due(request: dict[str, Any], today: date) -> tuple[str, str]:
    """In words (never by colour alone): overdue, due today, due soon, or just the date."""
    if request["status"] != "open":
        return "", ""
    days = (request["due_on"] - today).days
    if days < 0:
        return "overdue", f"Overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due-soon", "Due today"
    if days <= DUE_SOON_DAYS:
        return "due-soon", f"Due in {days} day{'s' if days != 1 else ''}"
    return "", ""


@router.get("/requests")
def requests_page(
    request: Request, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> Response:
    """Requests, the soonest due first, open ones above decided ones, and the packs issued."""
    setting_id = record.setting_id_of(actor)
    found = read_models.ask(information_requests, setting_id, None)
    issued = read_models.ask(setting_packs, setting_id)
    names = _names(read_models, setting_id, {r["pupil_id"] for r in found} | {p["pupil_id"] for p in issued})
    for r in found:
        r["pupil_name"] = names.get(r["pupil_id"], "")
        r["due_class"], r["due_words"] = _when_due(r, today)
    for p in issued:
        p["pupil_name"] = names.get(p["pupil_id"], "")
    return render(
        request,
        "reports/requests.html",
        actor,
        open_requests=[r for r in found if r["status"] == "open"],
        decided=[r for r in found if r["status"] == "decided"],
        packs=issued,
        words=WORDS,
        today=today,
    )


@router.get("/packs/{pack_id:uuid}.pdf")
def pack_pdf(pack_id: UUID, actor: SencoPage, record: SenRecordDep) -> Response:
    """The pack as the API's ``format=pdf`` gives it, to download."""
    response = get_pack(pack_id, actor, record, DocumentFormat.pdf)
    response.headers.update(NOT_KEPT)
    return response


@router.get("/packs/{pack_id:uuid}")
def pack_page(pack_id: UUID, actor: SencoPage, record: SenRecordDep) -> Response:
    """The pack as the API's ``format=html`` lays it out, its print stylesheet inline."""
    response = get_pack(pack_id, actor, record, DocumentFormat.html)
    response.headers.update(NOT_KEPT)
    return response


# -- recording a request and deciding it: the SENCO's, by the API's commands --------------


def _pupil_choices(read_models: ReadModelsDep, setting_id: UUID) -> list[tuple[str, str]]:
    rows, _ = read_models.ask(find_pupils, setting_id, limit=2000)
    return [(str(r["pupil_id"]), f"{r['family_name']}, {r['given_name']} ({r['class_name']})") for r in rows]


def _new_request_form(
    request: Request,
    actor: Any,
    read_models: ReadModelsDep,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "reports/request_new.html",
        actor,
        status_code=422 if errors else 200,
        values=values,
        errors=errors or {},
        pupils=_pupil_choices(read_models, actor.setting_id),
        requester_kinds=options(RequesterKind),
        request_types=options(RequestType),
    )


@router.get("/requests/new")
def new_request_page(
    request: Request, actor: SencoPage, read_models: ReadModelsDep, today: Today
) -> Response:
    return _new_request_form(request, actor, read_models, {"received_on": today.isoformat()})


@router.post("/requests/new", dependencies=[CsrfChecked])
async def receive_request(
    request: Request, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> Response:
    """As POST /pupils/{id}/information-requests: the due date follows from the rule it is made under."""
    values = {k: v for k, v in (await request.form()).items() if k != "csrf"}
    try:
        pupil_id = UUID(str(values.get("pupil_id", "")))
    except ValueError:
        return _new_request_form(request, actor, read_models, values, {"pupil_id": "Choose a pupil"})
    try:
        body = parse(InformationRequestIn, {k: v for k, v in values.items() if k != "pupil_id"})
        record.receive_information_request(actor, pupil_id, today=today, **body.model_dump())
    except FORM_ERRORS as e:
        return _new_request_form(request, actor, read_models, values, errors_of(e))
    except NotFound:  # another setting's pupil, or one that never was
        return _new_request_form(request, actor, read_models, values, {"pupil_id": "Choose a pupil"})
    return see_other(request, "/requests")


def _decide_form(
    request: Request,
    actor: Any,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    request_id: UUID,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    asked = record.information_request(actor, request_id)  # another setting's: a 404
    listed = read_models.ask(information_requests, asked.setting_id, None)
    row = next(r for r in listed if r["request_id"] == asked.id)
    names = _names(read_models, actor.setting_id, {asked.pupil_id})
    return render(
        request,
        "reports/request_decide.html",
        actor,
        status_code=422 if errors else 200,
        asked=row,
        pupil_name=names.get(asked.pupil_id, ""),
        kind=asked.pack_kind,
        sections=[
            (s, LABELS.get(s, s.replace("_", " ").capitalize())) for s in PACK_SECTIONS[asked.pack_kind]
        ],
        values=values,
        errors=errors or {},
        decisions=options(DisclosureDecision),
        bases=options(LawfulBasis),
        words=WORDS,
    )


@router.get("/requests/{request_id:uuid}/decide")
def decide_page(
    request: Request, request_id: UUID, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep
) -> Response:
    return _decide_form(request, actor, record, read_models, request_id, {"sections": []})


@router.post("/requests/{request_id:uuid}/decide", dependencies=[CsrfChecked])
async def decide_request(
    request: Request,
    request_id: UUID,
    actor: SencoPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
) -> Response:
    """As POST /information-requests/{id}/decision: a disclosure issues its pack in the same step."""
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if k not in ("csrf", "sections")}
    values["sections"] = [str(s) for s in form.getlist("sections")]
    try:
        body = parse(DecisionIn, values)
        record.decide_information_request(
            actor,
            request_id,
            today=today,
            now=now,
            compose=composer(record, read_models, actor),
            **body.model_dump(),
        )
    except FORM_ERRORS as e:
        return _decide_form(request, actor, record, read_models, request_id, values, errors_of(e))
    return see_other(request, "/requests")
