"""The disclosures read model: requests with their status and due date, and each pupil's packs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, PackKind, RequesterKind
from apdr.projections.disclosures import information_requests, open_requests, pupil_packs
from apdr.runtime import Apdr
from tests.support.history import History

ISSUED_AT = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def minimal_pack(order: object) -> dict:
    """The builder's place is taken by a document of the shape a pack has: this read model
    keeps what the event says about the pack, never the document."""
    return {
        "id": str(order.pack_id),  # type: ignore[attr-defined]
        "kind": order.kind.value,  # type: ignore[attr-defined]
        "pupil_id": str(order.pupil.id),  # type: ignore[attr-defined]
        "as_of": order.as_of.isoformat(),  # type: ignore[attr-defined]
        "issued_at": order.issued_at.isoformat(),  # type: ignore[attr-defined]
        "recipient": order.recipient,  # type: ignore[attr-defined]
        "sections": {name: [] for name in order.sections},  # type: ignore[attr-defined]
    }


def test_given_requests_received_and_decided_when_read_then_each_shows_its_status_and_pack(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    record, senco = history.record, history.senco
    yot = history.information_request(amira, RequesterKind.yot, date(2026, 11, 2), "Anytown YJS", "Y1")
    parent = history.information_request(ben, RequesterKind.parent, date(2026, 11, 16), "Mr Adams")
    pack_id = record.decide_information_request(
        senco,
        yot.id,
        today=history.today,
        now=ISSUED_AT,
        compose=minimal_pack,
        decision=DisclosureDecision.disclose_in_part,
        reason="What AssetPlus needs",
        lawful_basis=LawfulBasis.public_task,
        special_category_condition="Article 9(2)(g)",
        sections=["needs", "sen_status"],
        decided_on=date(2026, 11, 20),
        as_of=date(2026, 11, 19),
    )

    apdr.read_models.ensure_current(["disclosures"])
    with apdr.engine.connect() as conn:
        everything = information_requests(conn, history.setting_id, None)
        still_open = information_requests(conn, history.setting_id, "open")
        open_on_the_18th = open_requests(conn, history.setting_id, date(2026, 11, 18))
        packs = pupil_packs(conn, amira)

    # The soonest due first: the YOT's by 2 December, Mr Adams's 15 school days after 16 November.
    assert [(r["request_id"], r["status"], r["due_on"]) for r in everything] == [
        (yot.id, "decided", date(2026, 12, 2)),
        (parent.id, "open", date(2026, 12, 7)),
    ]
    assert everything[0]["pack_id"] == pack_id and everything[0]["decision"] == "disclose_in_part"
    assert [r["request_id"] for r in still_open] == [parent.id]
    # Decided on the 20th, the YOT's request was still open on the 18th.
    assert {r["request_id"] for r in open_on_the_18th} == {yot.id, parent.id}
    (pack,) = packs
    assert (pack["pack_id"], pack["kind"], pack["as_of"], pack["issued_at"]) == (
        pack_id,
        PackKind.yot.value,
        date(2026, 11, 19),
        ISSUED_AT,
    )
    assert pack["request_id"] == yot.id and len(pack["sha256"]) == 64
