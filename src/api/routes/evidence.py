"""Requests for a pupil's information, the decisions on them, and evidence packs.

The SENCO records who asked and decides; a disclosure issues a pack built from
the record as of a date. A pack is read back exactly as it was sent: as its
JSON, or as a document (HTML with a print stylesheet, or PDF) laid out from it.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from apdr.aggregates.record_access import READ
from apdr.api.answers import DONE
from apdr.api.deps import Now, ReadModelsDep, Senco, SenRecordDep, Today
from apdr.api.documents import DocumentFormat, laid_out
from apdr.api.schemas.common import Created
from apdr.api.schemas.evidence import (
    AdviceResponseIn,
    DecisionIn,
    DecisionOut,
    InformationRequestIn,
    InformationRequestList,
    InformationRequestOut,
    PackIn,
    PackList,
    PackOut,
    PackSummary,
    ParentsInformedIn,
    RequestCreated,
)
from apdr.evidence.packs import composer
from apdr.projections.disclosures import information_requests, pupil_packs

router = APIRouter(tags=["evidence"])


class Status(Enum):
    open = "open"
    decided = "decided"
    all = "all"


@router.post("/pupils/{pupil_id}/information-requests", status_code=201, response_model=RequestCreated)
def receive_information_request(
    pupil_id: UUID, body: InformationRequestIn, actor: Senco, record: SenRecordDep, today: Today
) -> RequestCreated:
    """Record a request for the pupil's information as it arrived; its due date follows
    from the rule it is made under."""
    request = record.receive_information_request(actor, pupil_id, today=today, **body.model_dump())
    return RequestCreated(id=request.id, due_on=request.due_on)


@router.post("/information-requests/{request_id}/decision", response_model=DecisionOut)
def decide_information_request(
    request_id: UUID,
    body: DecisionIn,
    actor: Senco,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
) -> DecisionOut:
    """Disclose, disclose in part, or refuse. A disclosure issues its pack in the same
    step; a refusal issues nothing."""
    pack_id = record.decide_information_request(
        actor,
        request_id,
        today=today,
        now=now,
        compose=composer(record, read_models, actor),
        **body.model_dump(),
    )
    return DecisionOut(id=request_id, decision=body.decision, pack_id=pack_id)


@router.post("/information-requests/{request_id}/parents-informed", **DONE)
def inform_parents_of_request(
    request_id: UUID, body: ParentsInformedIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    """Parents told of the request, or of the answer, after the decision was recorded."""
    record.inform_parents_of_request(actor, request_id, today=today, **body.model_dump())


@router.get("/information-requests", response_model=InformationRequestList)
def list_information_requests(
    actor: Senco,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    status: Annotated[Status, Query(description="open, decided or all")] = Status.all,
) -> InformationRequestList:
    """The setting's requests, the soonest due first."""
    setting_id = record.setting_id_of(actor)
    rows = read_models.ask(information_requests, setting_id, None if status is Status.all else status.value)
    return InformationRequestList(
        information_requests=[InformationRequestOut.model_validate(r) for r in rows]
    )


@router.post("/pupils/{pupil_id}/packs", status_code=201, response_model=Created)
def issue_pack(
    pupil_id: UUID,
    body: PackIn,
    actor: Senco,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
) -> Created:
    """Issue a whole pack the school sends of its own accord: the evidence for an EHC needs
    assessment request it makes, or the pupil's educational record."""
    pack_id = record.issue_pack(
        actor,
        pupil_id,
        today=today,
        now=now,
        compose=composer(record, read_models, actor),
        **body.model_dump(),
    )
    return Created(id=pack_id)


@router.get("/pupils/{pupil_id}/packs", response_model=PackList)
def list_packs(pupil_id: UUID, actor: Senco, record: SenRecordDep, read_models: ReadModelsDep) -> PackList:
    """The packs issued about the pupil, oldest first."""
    pupil = record.pupil(actor, pupil_id)
    return PackList(packs=[PackSummary.model_validate(p) for p in read_models.ask(pupil_packs, pupil.id)])


@router.get(
    "/packs/{pack_id}",
    response_model=PackOut,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The pack's JSON as issued; with format=html or pdf, the document",
        }
    },
)
def get_pack(
    pack_id: UUID, actor: Senco, record: SenRecordDep, format: DocumentFormat = DocumentFormat.json
) -> Response:
    """The pack exactly as issued: the same bytes every time it is fetched."""
    pack = record.pack(actor, pack_id)
    record.record_access(
        actor, kind=READ, what=f"evidence pack {pack.id} ({format.value})", pupil_ids=[pack.pupil_id]
    )
    if format is DocumentFormat.json:
        return Response(pack.document, media_type="application/json")
    filename = f"{pack.kind.value}-{pack.as_of.isoformat()}-{str(pack.id)[:8]}"
    return laid_out(
        json.loads(pack.document), "pack.html", html=format is DocumentFormat.html, filename=filename
    )


@router.post("/pupils/{pupil_id}/advice/{advice_id}/responses", **DONE)
def act_on_advice(
    pupil_id: UUID, advice_id: UUID, body: AdviceResponseIn, actor: Senco, record: SenRecordDep, today: Today
) -> None:
    """What the school did with outside advice, shown beside it in an EHC request pack."""
    record.act_on_advice(actor, pupil_id, advice_id, today=today, **body.model_dump())
