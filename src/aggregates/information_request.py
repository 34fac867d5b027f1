"""A request from outside the school for a pupil's SEN information, and the school's decision.

Who asked, for what and why, when it is due, and then what the school decided:
disclose, disclose in part or refuse, on which UK GDPR grounds. SEN information
is special category data (UK GDPR Article 9: data concerning health), so a
disclosure names both an Article 6 basis and an Article 9 condition.
"""

from __future__ import annotations

import calendar as months
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, PackKind, RequesterKind, RequestType
from apdr.aggregates.rules import must_have_happened, must_have_text
from apdr.aggregates.school_year import SchoolCalendar
from apdr.errors import Conflict, InvalidInput

# What each kind of pack may hold, in the order a reader meets it. Seed 000 ("who
# asks"): the LA wants the evidence of the graduated approach for an EHC needs
# assessment; a parent (or the pupil) is owed everything held; anyone else is
# given only what the decision names (data minimisation, UK GDPR Article 5(1)(c)).
PACK_SECTIONS: dict[PackKind, tuple[str, ...]] = {
    PackKind.ehc_request: (
        "pupil",
        "needs",
        "views",
        "plans",
        "provision",
        "assessments",
        "advice",
        "concerns",
        "ehcp",
    ),
    PackKind.educational_record: (
        "pupil",
        "sen_status",
        "needs",
        "views",
        "plans",
        "provision",
        "sessions",
        "assessments",
        "advice",
        "concerns",
        "ehcp",
        "disclosures",
        "information_requests",
    ),
}
MINIMISED = (
    "pupil",
    "sen_status",
    "needs",
    "communication",
    "current_support",
    "views",
    "plans",
    "provision",
    "assessments",
    "advice",
)
PACK_SECTIONS[PackKind.yot] = MINIMISED
PACK_SECTIONS[PackKind.disclosure] = MINIMISED

# The pack a disclosure to each kind of requester is.
PACK_FOR: dict[RequesterKind, PackKind] = {
    RequesterKind.local_authority: PackKind.ehc_request,
    RequesterKind.parent: PackKind.educational_record,
    RequesterKind.yot: PackKind.yot,
    RequesterKind.police: PackKind.disclosure,
    RequesterKind.health: PackKind.disclosure,
    RequesterKind.other: PackKind.disclosure,
}
# Where the request does not say which rule it is made under.
USUAL_TYPE: dict[RequesterKind, RequestType] = {
    RequesterKind.local_authority: RequestType.ehc_needs_assessment,
    RequesterKind.parent: RequestType.educational_record,
}
SCHOOL_DAYS_FOR_RECORD = 15  # Education (Pupil Information) (England) Regulations 2005, reg. 5(2)
WEEKS_FOR_EHC_ADVICE = 6  # SEND Regulations 2014, reg. 8(1)


def one_month_after(day: date) -> date:
    """The corresponding date in the next month, or that month's last day if it has
    none (the ICO's reading of "one month" for a subject access request)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, months.monthrange(year, month)[1]))


def school_days_after(day: date, count: int, calendar: SchoolCalendar) -> date:
    """The ``count``-th teaching day after ``day`` by the setting's calendar."""
    for n, teaching_day in enumerate(
        calendar.teaching_days(day + timedelta(days=1), day + timedelta(366)), 1
    ):
        if n == count:
            return teaching_day
    raise ValueError(f"the calendar has fewer than {count} teaching days in the year after {day}")


def due_on(request_type: RequestType, received_on: date, calendar: SchoolCalendar) -> date:
    """When the answer is due, by the rule the request is made under."""
    if request_type is RequestType.educational_record:
        return school_days_after(received_on, SCHOOL_DAYS_FOR_RECORD, calendar)
    if request_type is RequestType.ehc_needs_assessment:
        return received_on + timedelta(weeks=WEEKS_FOR_EHC_ADVICE)
    return one_month_after(received_on)


class InformationRequest(Aggregate):
    """One request about one pupil: received, then decided once."""

    @classmethod
    def receive(
        cls,
        *,
        setting_id: UUID,
        pupil_id: UUID,
        requester: str,
        requester_kind: RequesterKind,
        reference: str,
        received_on: date,
        asks_for: str,
        purpose: str,
        request_type: RequestType | None,
        calendar: SchoolCalendar,
        recorded_by: str,
        today: date,
    ) -> InformationRequest:
        must_have_happened("received_on", received_on, today)
        request_type = request_type or USUAL_TYPE.get(requester_kind, RequestType.other)
        if request_type is RequestType.educational_record and requester_kind is not RequesterKind.parent:
            raise InvalidInput(
                "request_type", "only a parent may ask for the educational record (a pupil: subject_access)"
            )
        return cls(
            setting_id=setting_id,
            pupil_id=pupil_id,
            requester=must_have_text("requester", requester),
            requester_kind=requester_kind,
            reference=reference.strip(),
            received_on=received_on,
            asks_for=must_have_text("asks_for", asks_for),
            purpose=must_have_text("purpose", purpose),
            request_type=request_type,
            due_on=due_on(request_type, received_on, calendar),
            recorded_by=recorded_by,
        )

    @event("Received")
    def __init__(
        self,
        setting_id: UUID,
        pupil_id: UUID,
        requester: str,
        requester_kind: RequesterKind,
        reference: str,
        received_on: date,
        asks_for: str,
        purpose: str,
        request_type: RequestType,
        due_on: date,
        recorded_by: str,
    ) -> None:
        self.setting_id = setting_id
        self.pupil_id = pupil_id
        self.requester = requester
        self.requester_kind = requester_kind
        self.received_on = received_on
        self.due_on = due_on
        self.decision: DisclosureDecision | None = None
        self.pack_id: UUID | None = None
        self.parents_informed_on: date | None = None

    @property
    def pack_kind(self) -> PackKind:
        return PACK_FOR[self.requester_kind]

    def sections_to_disclose(self, decision: DisclosureDecision, sections: list[str]) -> list[str]:
        """The sections a disclosure gives, in the pack's order: the whole pack for the LA's
        EHC request or a parent; otherwise (and whenever disclosing in part) only those named."""
        if decision is DisclosureDecision.refuse:
            return []
        allowed = PACK_SECTIONS[self.pack_kind]
        if unknown := [s for s in sections if s not in allowed]:
            raise InvalidInput(
                "sections",
                f"{unknown[0]!r} is not a section of a {self.pack_kind.value} pack: "
                f"choose from {', '.join(allowed)}",
            )
        whole = self.pack_kind in (PackKind.ehc_request, PackKind.educational_record)
        if decision is DisclosureDecision.disclose and whole:
            if sections:
                raise InvalidInput(
                    "sections", "disclose gives the whole pack: to name sections, disclose_in_part"
                )
            return list(allowed)
        if not sections:
            raise InvalidInput(
                "sections",
                "name the sections to disclose (UK GDPR Article 5(1)(c): no more than is needed)"
                if not whole
                else "disclose_in_part needs the sections to disclose",
            )
        return [s for s in allowed if s in sections]

    def decide(
        self,
        *,
        decision: DisclosureDecision,
        reason: str,
        lawful_basis: LawfulBasis | None,
        special_category_condition: str | None,
        sections: list[str],
        parents_informed_on: date | None,
        decided_on: date,
        issue_pack: Callable[[PackKind, list[str]], UUID],
        recorded_by: str,
        today: date,
    ) -> UUID | None:
        """Record the decision; a disclosure first has ``issue_pack`` issue the pack of the
        sections it gives. Answers the pack's id, or None on a refusal (which issues nothing)."""
        if self.decision is not None:
            raise Conflict(f"this request was already decided: {self.decision.value}")
        must_have_happened(
            "decided_on", decided_on, today, not_before=self.received_on, not_before_what="the request"
        )
        if parents_informed_on is not None:
            must_have_happened("parents_informed_on", parents_informed_on, today)
        given = self.sections_to_disclose(decision, sections)
        if decision is not DisclosureDecision.refuse:
            if lawful_basis is None:
                raise InvalidInput("lawful_basis", "a disclosure needs its UK GDPR Article 6 basis")
            condition = must_have_text("special_category_condition", special_category_condition)
        else:
            condition = (special_category_condition or "").strip()
        pack_id = issue_pack(self.pack_kind, given) if given else None
        self._decided(
            pupil_id=self.pupil_id,
            requester=self.requester,
            decision=decision,
            reason=must_have_text("reason", reason),
            lawful_basis=lawful_basis,
            special_category_condition=condition,
            sections=given,
            parents_informed_on=parents_informed_on,
            decided_on=decided_on,
            pack_id=pack_id,
            recorded_by=recorded_by,
        )
        return pack_id

    @event("Decided")
    def _decided(
        self,
        pupil_id: UUID,
        requester: str,
        decision: DisclosureDecision,
        reason: str,
        lawful_basis: LawfulBasis | None,
        special_category_condition: str,
        sections: list[str],
        parents_informed_on: date | None,
        decided_on: date,
        pack_id: UUID | None,
        recorded_by: str,
    ) -> None:
        self.decision = decision
        self.pack_id = pack_id
        self.parents_informed_on = parents_informed_on

    def inform_parents(self, *, informed_on: date, how: str, recorded_by: str, today: date) -> bool:
        """Parents told of a request about their child (or of the school's answer to it) after
        the decision was recorded. Answers False, recording nothing, when that day is already
        recorded (a resend)."""
        must_have_happened(
            "informed_on", informed_on, today, not_before=self.received_on, not_before_what="the request"
        )
        if self.parents_informed_on == informed_on:
            return False
        self._parents_informed(
            pupil_id=self.pupil_id, informed_on=informed_on, how=how.strip(), recorded_by=recorded_by
        )
        return True

    @event("ParentsInformed")
    def _parents_informed(self, pupil_id: UUID, informed_on: date, how: str, recorded_by: str) -> None:
        self.parents_informed_on = informed_on
