"""A request for a pupil's information, its due date, and the decision on it; and the pack a
disclosure issues (sealed with the SHA-256 of what was sent)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given as for_any
from hypothesis import strategies as st

from apdr.aggregates import EvidencePack, InformationRequest
from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, PackKind, RequesterKind, RequestType
from apdr.aggregates.evidence_pack import is_intact, seal
from apdr.aggregates.information_request import PACK_SECTIONS, one_month_after, school_days_after
from apdr.aggregates.school_year import calendar_for
from apdr.errors import Conflict
from tests.support.aggregates import BY, TODAY, given, history, invalid, then

CALENDAR = calendar_for([], [], date(2025, 9, 1), date(2027, 8, 31))


def receive(kind: RequesterKind = RequesterKind.yot, **overrides: object) -> InformationRequest:
    fields: dict = {
        "setting_id": uuid4(),
        "pupil_id": uuid4(),
        "requester": "Anytown Youth Justice Service",
        "requester_kind": kind,
        "reference": "YJS-114",
        "received_on": date(2026, 11, 2),
        "asks_for": "SEN status and current support",
        "purpose": "AssetPlus assessment",
        "request_type": None,
        "calendar": CALENDAR,
        "recorded_by": BY,
        "today": TODAY,
    } | overrides
    return InformationRequest.receive(**fields)


def decide(
    request: InformationRequest, decision: DisclosureDecision, *sections: str, **overrides: object
) -> list:
    """Decide; answers the (kind, sections) each pack the decision asked for was issued with."""
    issued: list = []

    def issue_pack(kind: PackKind, given_sections: list[str]) -> UUID:
        issued.append((kind, given_sections))
        return uuid4()

    fields: dict = {
        "decision": decision,
        "reason": "What the assessment needs",
        "lawful_basis": LawfulBasis.public_task,
        "special_category_condition": "Article 9(2)(g)",
        "sections": list(sections),
        "parents_informed_on": None,
        "decided_on": TODAY,
        "issue_pack": issue_pack,
        "recorded_by": BY,
        "today": TODAY,
    } | overrides
    request.decide(**fields)
    return issued


def received(kind: RequesterKind = RequesterKind.yot) -> InformationRequest:
    return given(*history(receive(kind)))


def test_given_nothing_when_a_yot_request_is_received_then_it_is_due_in_a_month() -> None:
    (event,) = then(receive())

    assert isinstance(event, InformationRequest.Received)
    assert (event.request_type, event.due_on) == (RequestType.other, date(2026, 12, 2))


def test_given_nothing_when_a_parent_asks_then_the_educational_record_is_due_in_15_school_days() -> None:
    # Monday 2 November 2026 (the default calendar has no closure that fortnight): three
    # school weeks later, Monday 23 November.
    (event,) = then(receive(RequesterKind.parent))
    assert (event.request_type, event.due_on) == (RequestType.educational_record, date(2026, 11, 23))


def test_given_nothing_when_the_la_asks_for_ehc_advice_then_it_is_due_in_six_weeks() -> None:
    (event,) = then(receive(RequesterKind.local_authority))
    assert (event.request_type, event.due_on) == (RequestType.ehc_needs_assessment, date(2026, 12, 14))


def test_given_nothing_when_a_request_is_wrong_then_each_field_is_named() -> None:
    invalid("received_on", lambda: receive(received_on=TODAY + timedelta(days=1)))
    invalid("requester", lambda: receive(requester=" "))
    invalid("asks_for", lambda: receive(asks_for=""))
    invalid("request_type", lambda: receive(request_type=RequestType.educational_record))


def test_given_a_yot_request_when_disclosed_in_part_then_decided_with_only_the_sections_named() -> None:
    request = received()
    issued = decide(request, DisclosureDecision.disclose_in_part, "current_support", "needs")

    (event,) = then(request)
    assert isinstance(event, InformationRequest.Decided)
    # In the pack's own order, whatever order they were named in.
    assert issued == [(PackKind.yot, ["needs", "current_support"])]
    assert event.sections == ["needs", "current_support"]
    assert event.pack_id is not None and event.pupil_id == request.pupil_id


def test_given_a_yot_request_when_disclosed_without_sections_then_it_is_refused() -> None:
    """UK GDPR Article 5(1)(c): a YOT is given only what the decision names."""
    invalid("sections", lambda: decide(received(), DisclosureDecision.disclose))


def test_given_an_la_request_when_disclosed_then_the_whole_ehc_request_pack_is_issued() -> None:
    request = received(RequesterKind.local_authority)
    issued = decide(request, DisclosureDecision.disclose)

    assert issued == [(PackKind.ehc_request, list(PACK_SECTIONS[PackKind.ehc_request]))]
    invalid(
        "sections",
        lambda: decide(received(RequesterKind.local_authority), DisclosureDecision.disclose, "needs"),
    )


def test_given_a_request_when_refused_then_decided_and_no_pack_is_issued() -> None:
    request = received()
    issued = decide(request, DisclosureDecision.refuse, lawful_basis=None, special_category_condition=None)

    (event,) = then(request)
    assert issued == []
    assert (event.decision, event.pack_id, event.sections) == (DisclosureDecision.refuse, None, [])


def test_given_a_request_when_a_disclosure_lacks_its_grounds_then_each_is_named() -> None:
    invalid(
        "lawful_basis", lambda: decide(received(), DisclosureDecision.disclose, "needs", lawful_basis=None)
    )
    invalid(
        "special_category_condition",
        lambda: decide(received(), DisclosureDecision.disclose, "needs", special_category_condition=" "),
    )
    invalid("sections", lambda: decide(received(), DisclosureDecision.disclose_in_part, "gossip"))
    invalid("reason", lambda: decide(received(), DisclosureDecision.refuse, reason=""))
    invalid(
        "decided_on",
        lambda: decide(received(), DisclosureDecision.refuse, decided_on=date(2026, 11, 1)),
    )


def test_given_a_decided_request_when_decided_again_then_it_is_a_conflict() -> None:
    request = given(*history(receive(), lambda r: decide(r, DisclosureDecision.refuse)))
    with pytest.raises(Conflict):
        decide(request, DisclosureDecision.disclose, "needs")


# -- the pack ---------------------------------------------------------------------------


def test_given_a_document_when_a_pack_is_issued_then_issued_with_the_document_sealed() -> None:
    pack_id, pupil_id = uuid4(), uuid4()
    document = {
        "id": str(pack_id),
        "kind": "yot",
        "pupil_id": str(pupil_id),
        "as_of": "2026-11-20",
        "issued_at": "2026-11-23T10:15:00+00:00",
        "recipient": "Anytown Youth Justice Service",
        "sections": {"needs": [{"need_type": "SPLD"}], "sen_status": {"sen_status": "K"}},
    }
    pack = EvidencePack.issue(
        pack_id=pack_id, setting_id=uuid4(), request_id=None, document=document, recorded_by=BY
    )

    (event,) = then(pack)
    assert event.originator_id == pack_id
    assert (event.kind, event.as_of, event.sections) == (
        PackKind.yot,
        date(2026, 11, 20),
        ["needs", "sen_status"],
    )
    assert event.issued_at == datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
    assert is_intact(event.document) and event.sha256 == seal(document)[1]
    assert given(event).document == event.document


def test_given_a_pupil_when_a_pack_is_checked_then_wrong_dates_and_recipients_are_named() -> None:
    check = {
        "kind": PackKind.ehc_request,
        "sections": ["needs"],
        "as_of": TODAY,
        "recipient": "Anytown SEND team",
        "admitted_on": date(2025, 9, 1),
        "today": TODAY,
    }
    assert EvidencePack.check(**check | {"recipient": " Anytown SEND team "}) == "Anytown SEND team"
    invalid("as_of", lambda: EvidencePack.check(**check | {"as_of": TODAY + timedelta(days=1)}))
    invalid("as_of", lambda: EvidencePack.check(**check | {"as_of": date(2025, 8, 31)}))
    invalid("recipient", lambda: EvidencePack.check(**check | {"recipient": "A\u202eB"}))
    invalid("sections", lambda: EvidencePack.check(**check | {"sections": ["communication"]}))


# -- due dates, for any day ----------------------------------------------------------------


@for_any(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_one_month_after_any_day_is_the_same_date_next_month_or_its_last_day(day: date) -> None:
    due = one_month_after(day)
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1
    assert due.day == day.day or (due.day < day.day and (due + timedelta(days=1)).day == 1)


@for_any(st.dates(min_value=date(2025, 9, 1), max_value=date(2026, 12, 31)), st.integers(1, 40))
def test_n_school_days_after_any_day_has_exactly_n_teaching_days_in_between(day: date, n: int) -> None:
    due = school_days_after(day, n, CALENDAR)
    assert CALENDAR.is_teaching_day(due)
    assert len(list(CALENDAR.teaching_days(day + timedelta(days=1), due))) == n


def test_given_a_decided_request_when_parents_are_told_later_then_parents_informed_once() -> None:
    request = given(*history(receive(), lambda r: decide(r, DisclosureDecision.disclose, "needs")))

    invalid(
        "informed_on",
        lambda: request.inform_parents(informed_on=date(2026, 11, 1), how="", recorded_by=BY, today=TODAY),
    )
    assert request.inform_parents(
        informed_on=date(2026, 11, 5), how=" Phone call ", recorded_by=BY, today=TODAY
    )
    (event,) = then(request)
    assert isinstance(event, InformationRequest.ParentsInformed)
    assert (event.informed_on, event.how, event.pupil_id) == (
        date(2026, 11, 5),
        "Phone call",
        request.pupil_id,
    )
    # The same day sent again records nothing.
    assert not request.inform_parents(
        informed_on=date(2026, 11, 5), how="Phone call", recorded_by=BY, today=TODAY
    )
    assert then(request) == []
