"""Requests for a pupil's information, the decisions on them, and the packs issued.

A pack's document is built from the read models by ``apdr.evidence.packs``;
the commands here take that builder as a function (``Compose``), check what
they are asked before it runs, and record the pack and the decision together
in one transaction, or neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from apdr.aggregates import Pupil
from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, PackKind, RequesterKind, RequestType
from apdr.aggregates.evidence_pack import EvidencePack
from apdr.aggregates.information_request import PACK_SECTIONS, InformationRequest
from apdr.application.core import Actor, ApplicationCore, changed_meanwhile
from apdr.errors import InvalidInput

WHOLE_PACKS = (PackKind.ehc_request, PackKind.educational_record)


@dataclass(frozen=True)
class PackOrder:
    """What a pack is to hold: everything the builder needs, decided before it runs."""

    pack_id: UUID
    pupil: Pupil
    kind: PackKind
    sections: tuple[str, ...]
    as_of: date
    recipient: str
    request_id: UUID | None
    issued_at: datetime
    issued_by: str


Compose = Callable[[PackOrder], dict[str, Any]]
"""Builds a pack's document (JSON-ready: strings, numbers, lists, dicts) from the record."""


class EvidenceCommands(ApplicationCore):
    def receive_information_request(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        requester: str,
        requester_kind: RequesterKind,
        reference: str,
        received_on: date,
        asks_for: str,
        purpose: str,
        request_type: RequestType | None = None,
    ) -> InformationRequest:
        pupil = self.pupil(actor, pupil_id)
        calendar = self.calendar(pupil.setting_id, received_on, received_on + timedelta(days=366))
        request = InformationRequest.receive(
            setting_id=pupil.setting_id,
            pupil_id=pupil.id,
            requester=requester,
            requester_kind=requester_kind,
            reference=reference,
            received_on=received_on,
            asks_for=asks_for,
            purpose=purpose,
            request_type=request_type,
            calendar=calendar,
            recorded_by=actor.email,
            today=today,
        )
        self._store(request)
        return request

    def information_request(self, actor: Actor, request_id: UUID) -> InformationRequest:
        return self._get(InformationRequest, request_id, actor)

    def decide_information_request(
        self,
        actor: Actor,
        request_id: UUID,
        *,
        today: date,
        now: datetime,
        compose: Compose,
        decision: DisclosureDecision,
        reason: str,
        lawful_basis: LawfulBasis | None = None,
        special_category_condition: str | None = None,
        sections: list[str] | None = None,
        parents_informed_on: date | None = None,
        decided_on: date | None = None,
        as_of: date | None = None,
    ) -> UUID | None:
        """Decide; a disclosure issues its pack (as of ``as_of``, default the decision's
        date) in the same transaction. Answers the pack's id, None on a refusal."""

        def attempt() -> tuple[UUID | None, list[Aggregate]]:
            request = self.information_request(actor, request_id)
            pupil = self.pupil(actor, request.pupil_id)
            issued: list[Aggregate] = []

            def issue_pack(kind: PackKind, given: list[str]) -> UUID:
                pack = self._pack(
                    actor,
                    pupil,
                    kind=kind,
                    sections=given,
                    as_of=as_of or decided_on or today,
                    recipient=request.requester,
                    request_id=request.id,
                    now=now,
                    today=today,
                    compose=compose,
                )
                issued.append(pack)
                return pack.id

            pack_id = request.decide(
                decision=decision,
                reason=reason,
                lawful_basis=lawful_basis,
                special_category_condition=special_category_condition,
                sections=sections or [],
                parents_informed_on=parents_informed_on,
                decided_on=decided_on or today,
                issue_pack=issue_pack,
                recorded_by=actor.email,
                today=today,
            )
            return pack_id, [request, *issued]

        return self._run(attempt, conflict=changed_meanwhile(InformationRequest))

    def inform_parents_of_request(
        self, actor: Actor, request_id: UUID, *, today: date, informed_on: date, how: str = ""
    ) -> None:
        self._update(
            InformationRequest,
            request_id,
            actor,
            lambda r: r.inform_parents(
                informed_on=informed_on, how=how, recorded_by=actor.email, today=today
            ),
        )

    def issue_pack(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        now: datetime,
        compose: Compose,
        kind: PackKind,
        as_of: date,
        recipient: str,
    ) -> UUID:
        """A whole pack the school sends of its own accord (an EHC needs assessment
        request it makes itself, a pupil's record to a new school)."""
        if kind not in WHOLE_PACKS:
            raise InvalidInput(
                "kind",
                f"a {kind.value} pack holds only what a decision on a request names: record the request "
                "(POST /pupils/{id}/information-requests) and decide it",
            )
        pack = self._pack(
            actor,
            self.pupil(actor, pupil_id),
            kind=kind,
            sections=list(PACK_SECTIONS[kind]),
            as_of=as_of,
            recipient=recipient,
            request_id=None,
            now=now,
            today=today,
            compose=compose,
        )
        self._store(pack)
        return pack.id

    def _pack(
        self,
        actor: Actor,
        pupil: Pupil,
        *,
        kind: PackKind,
        sections: list[str],
        as_of: date,
        recipient: str,
        request_id: UUID | None,
        now: datetime,
        today: date,
        compose: Compose,
    ) -> EvidencePack:
        recipient = EvidencePack.check(
            kind=kind,
            sections=sections,
            as_of=as_of,
            recipient=recipient,
            admitted_on=pupil.admitted_on,
            today=today,
        )
        order = PackOrder(
            pack_id=uuid4(),
            pupil=pupil,
            kind=kind,
            sections=tuple(sections),
            as_of=as_of,
            recipient=recipient,
            request_id=request_id,
            issued_at=now,
            issued_by=actor.email,
        )
        return EvidencePack.issue(
            pack_id=order.pack_id,
            setting_id=pupil.setting_id,
            request_id=request_id,
            document=compose(order),
            recorded_by=actor.email,
        )

    def pack(self, actor: Actor, pack_id: UUID) -> EvidencePack:
        return self._get(EvidencePack, pack_id, actor)
