"""Requests for pupils' information and the packs issued: what the SENCO's list of
requests shows, what the ``information_request_due`` policy watches, and each
pupil's packs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import EvidencePack, InformationRequest
from apdr.projections.columns import keyed_table
from apdr.projections.projection import Batch, Projection, handles, reads

requests = keyed_table(
    "information_requests",
    "request_id",
    sa.Column("setting_id", sa.Uuid, nullable=False),
    sa.Column("pupil_id", sa.Uuid, nullable=False),
    sa.Column("requester", sa.Text, nullable=False),
    sa.Column("requester_kind", sa.String(20), nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("request_type", sa.String(30), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("asks_for", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("decision", sa.String(20)),
    sa.Column("decided_on", sa.Date),
    sa.Column("parents_informed_on", sa.Date),
    sa.Column("pack_id", sa.Uuid),
    sa.Index("information_requests_by_setting", "setting_id", "decision", "due_on"),
)
packs = keyed_table(
    "evidence_packs",
    "pack_id",
    sa.Column("setting_id", sa.Uuid, nullable=False),
    sa.Column("pupil_id", sa.Uuid, nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("request_id", sa.Uuid),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("issued_by", sa.String(320), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)


class Disclosures(Projection):
    name = "disclosures"
    tables = (requests, packs)

    @handles(InformationRequest.Received)
    def received(self, e: Any, batch: Batch) -> None:
        batch.insert(
            requests,
            {
                "request_id": e.originator_id,
                "setting_id": e.setting_id,
                "pupil_id": e.pupil_id,
                "requester": e.requester,
                "requester_kind": e.requester_kind.value,
                "reference": e.reference,
                "request_type": e.request_type.value,
                "received_on": e.received_on,
                "due_on": e.due_on,
                "asks_for": e.asks_for,
                "purpose": e.purpose,
            },
        )

    @handles(InformationRequest.Decided)
    def decided(self, e: Any, batch: Batch) -> None:
        batch.update(
            requests,
            {"request_id": e.originator_id},
            {
                "decision": e.decision.value,
                "decided_on": e.decided_on,
                "parents_informed_on": e.parents_informed_on,
                "pack_id": e.pack_id,
            },
        )

    @handles(InformationRequest.ParentsInformed)
    def parents_informed(self, e: Any, batch: Batch) -> None:
        batch.update(requests, {"request_id": e.originator_id}, {"parents_informed_on": e.informed_on})

    @handles(EvidencePack.Issued)
    def issued(self, e: Any, batch: Batch) -> None:
        batch.insert(
            packs,
            {
                "pack_id": e.originator_id,
                "setting_id": e.setting_id,
                "pupil_id": e.pupil_id,
                "kind": e.kind.value,
                "as_of": e.as_of,
                "recipient": e.recipient,
                "request_id": e.request_id,
                "issued_at": e.issued_at,
                "issued_by": e.recorded_by,
                "sha256": e.sha256,
            },
        )


def _request(row: Any) -> dict[str, Any]:
    found = dict(row._mapping)
    found["status"] = "open" if row.decision is None else "decided"
    return found


@reads("disclosures")
def information_requests(conn: sa.Connection, setting_id: UUID, status: str | None) -> list[dict[str, Any]]:
    """The setting's requests, the soonest due first: open ones, decided ones, or all."""
    where = [requests.c.setting_id == setting_id]
    if status == "open":
        where.append(requests.c.decision.is_(None))
    elif status == "decided":
        where.append(requests.c.decision.is_not(None))
    rows = conn.execute(
        sa.select(requests)
        .where(*where)
        .order_by(requests.c.due_on, requests.c.received_on, requests.c.request_id)
    )
    return [_request(r) for r in rows]


@reads("disclosures")
def open_requests(conn: sa.Connection, setting_id: UUID, as_of: date) -> list[dict[str, Any]]:
    """Requests received by the date and not decided by then: what may fall due."""
    rows = conn.execute(
        sa.select(requests).where(
            requests.c.setting_id == setting_id,
            requests.c.received_on <= as_of,
            sa.or_(requests.c.decided_on.is_(None), requests.c.decided_on > as_of),
        )
    )
    return [_request(r) for r in rows]


@reads("disclosures")
def pupil_packs(conn: sa.Connection, pupil_id: UUID) -> list[dict[str, Any]]:
    """The packs issued about the pupil, oldest first (the document is in the event, not here)."""
    return _packs(
        conn.execute(sa.select(packs).where(packs.c.pupil_id == pupil_id).order_by(packs.c.issued_at))
    )


@reads("disclosures")
def setting_packs(conn: sa.Connection, setting_id: UUID) -> list[dict[str, Any]]:
    """Every pack the setting has issued, the latest first: the SENCO's list of what has gone out."""
    return _packs(
        conn.execute(
            sa.select(packs)
            .where(packs.c.setting_id == setting_id)
            .order_by(packs.c.issued_at.desc(), packs.c.pack_id)
        )
    )


def _packs(rows: Iterable[sa.Row[Any]]) -> list[dict[str, Any]]:
    # SQLite gives back a naive time: it was stored in UTC
    return [
        {**r._mapping, "issued_at": r.issued_at if r.issued_at.tzinfo else r.issued_at.replace(tzinfo=UTC)}
        for r in rows
    ]
