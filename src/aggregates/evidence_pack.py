"""An evidence pack: a document about one pupil, issued to someone outside the school.

The event that issues it holds the document exactly as sent (canonical JSON with
its SHA-256), so the school can show, years later, byte for byte what it sent
and to whom: later events, back-dated records, corrections and new wording in
the read models change what a new pack would say, never what this one said.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import PackKind
from apdr.aggregates.information_request import PACK_SECTIONS
from apdr.aggregates.rules import must_have_happened, must_have_text, text_fault
from apdr.errors import InvalidInput

# Every page of a pack says how it must be handled (UK Government Security
# Classifications; SEN information is special category data, UK GDPR Article 9).
MARKING = "OFFICIAL-SENSITIVE: special category personal data"


def canonical(document: dict[str, Any]) -> str:
    """One spelling of a JSON document: keys sorted, no spaces, UTF-8 as is."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seal(document: dict[str, Any]) -> tuple[str, str]:
    """The document as sent, carrying ``sha256``: the SHA-256 of its canonical JSON
    without that field. Answers (the sealed text, the digest)."""
    unsealed = {k: v for k, v in document.items() if k != "sha256"}
    digest = hashlib.sha256(canonical(unsealed).encode()).hexdigest()
    return canonical({**unsealed, "sha256": digest}), digest


def is_intact(text: str) -> bool:
    """Whether a pack's JSON is as issued: its ``sha256`` matches the rest of it."""
    document = json.loads(text)
    return isinstance(document, dict) and seal(document)[1] == document.get("sha256")


class EvidencePack(Aggregate):
    @classmethod
    def check(
        cls,
        *,
        kind: PackKind,
        sections: list[str],
        as_of: date,
        recipient: str,
        admitted_on: date,
        today: date,
    ) -> str:
        """Refuse a pack that cannot be issued before anything is built for it; answers the
        recipient as it will be recorded."""
        must_have_happened(
            "as_of", as_of, today, not_before=admitted_on, not_before_what="the pupil joined the setting"
        )
        recipient = must_have_text("recipient", recipient)
        if fault := text_fault(recipient, one_line=True):
            raise InvalidInput("recipient", f"recipient: {fault}")
        if not sections:
            raise InvalidInput("sections", "a pack holds at least one section")
        if unknown := [s for s in sections if s not in PACK_SECTIONS[kind]]:
            raise InvalidInput("sections", f"{unknown[0]!r} is not a section of a {kind.value} pack")
        return recipient

    @staticmethod
    def create_id(pack_id: UUID) -> UUID:
        """Made before the pack, which names itself: the document carries its own id."""
        return pack_id

    @classmethod
    def issue(
        cls,
        *,
        pack_id: UUID,
        setting_id: UUID,
        request_id: UUID | None,
        document: dict[str, Any],
        recorded_by: str,
    ) -> EvidencePack:
        """Issue the pack ``document`` is (built by ``apdr.evidence.packs`` after ``check``)."""
        sealed, digest = seal(document)
        return cls(
            pack_id=pack_id,
            setting_id=setting_id,
            pupil_id=UUID(document["pupil_id"]),
            kind=PackKind(document["kind"]),
            as_of=date.fromisoformat(document["as_of"]),
            recipient=document["recipient"],
            request_id=request_id,
            sections=list(document["sections"]),
            issued_at=datetime.fromisoformat(document["issued_at"]),
            document=sealed,
            sha256=digest,
            recorded_by=recorded_by,
        )

    @event("Issued")
    def __init__(
        self,
        pack_id: UUID,
        setting_id: UUID,
        pupil_id: UUID,
        kind: PackKind,
        as_of: date,
        recipient: str,
        request_id: UUID | None,
        sections: list[str],
        issued_at: datetime,
        document: str,
        sha256: str,
        recorded_by: str,
    ) -> None:
        self.setting_id = setting_id
        self.pupil_id = pupil_id
        self.kind = kind
        self.as_of = as_of
        self.recipient = recipient
        self.request_id = request_id
        self.sections = sections
        self.issued_at = issued_at
        self.document = document
        self.sha256 = sha256
        self.issued_by = recorded_by
