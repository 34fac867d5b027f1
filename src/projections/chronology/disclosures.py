"""The chronology's entries for requests from outside the school, the decisions
on them, and the evidence packs issued: every disclosure shows in the pupil's history."""

from __future__ import annotations

from typing import Any

from apdr.aggregates import EvidencePack, InformationRequest
from apdr.aggregates.codes import DisclosureDecision
from apdr.projections.chronology.entries import EntryWriter, attributes, recorded_on
from apdr.projections.chronology.wording import PACK_NAMES, REQUESTERS, clip, day, words
from apdr.projections.projection import Batch, handles


class DisclosureHandlers(EntryWriter):
    @handles(InformationRequest.Received)
    def information_request_received(self, e: Any, batch: Batch) -> None:
        reference = f" (ref. {e.reference})" if e.reference else ""
        summary = (
            f"Request for information from {e.requester}{reference}, {REQUESTERS[e.requester_kind]}: "
            f"{clip(e.asks_for)}; due {day(e.due_on)}"
        )
        data = attributes(e, request_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.received_on, "information_request_received", summary, data)

    @handles(InformationRequest.Decided)
    def information_request_decided(self, e: Any, batch: Batch) -> None:
        # The decision names its pupil and requester: nothing to look up.
        if e.decision is DisclosureDecision.refuse:
            summary = f"Request from {e.requester} refused: {clip(e.reason)}"
        else:
            what = "in part" if e.decision is DisclosureDecision.disclose_in_part else "in full"
            sections = ", ".join(e.sections)
            summary = f"Request from {e.requester} answered {what} ({words(e.lawful_basis)}): {sections}"
        if e.parents_informed_on:
            summary += f"; parents told on {day(e.parents_informed_on)}"
        data = attributes(e, request_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.decided_on, "information_request_decided", summary, data)

    @handles(InformationRequest.ParentsInformed)
    def information_request_parents_informed(self, e: Any, batch: Batch) -> None:
        summary = "Parents told of a request for information" + (f" ({clip(e.how)})" if e.how else "")
        data = attributes(e, request_id=e.originator_id)
        self.entry(batch, e.pupil_id, e, e.informed_on, "information_request_parents_informed", summary, data)

    @handles(EvidencePack.Issued)
    def pack_issued(self, e: Any, batch: Batch) -> None:
        issued_on = recorded_on(e)
        summary = f"{PACK_NAMES[e.kind]} issued to {e.recipient}, as the record stood on {day(e.as_of)}"
        # The document itself stays in the event: the chronology says what was sent, to whom.
        data = {
            "pack_id": e.originator_id,
            "kind": e.kind,
            "recipient": e.recipient,
            "as_of": e.as_of,
            "issued_on": issued_on,
            "sections": e.sections,
            "request_id": e.request_id,
            "sha256": e.sha256,
        }
        self.entry(batch, e.pupil_id, e, issued_on, "pack_issued", summary, data)
