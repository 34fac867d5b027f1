"""The words an entry shows: the census codes named in full, and dates, scores
and reasons as a parent reads them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from apdr.aggregates.codes import (
    AdviceSource,
    AreaOfNeed,
    AttendanceStatus,
    ConcernSource,
    Decision,
    Delivery,
    EhcpMilestone,
    NeedType,
    PackKind,
    RequesterKind,
    Scale,
    SenProvision,
)

NEED_NAMES = {
    NeedType.SLCN: "speech, language and communication needs",
    NeedType.ASD: "autistic spectrum disorder",
    NeedType.SPLD: "specific learning difficulty",
    NeedType.MLD: "moderate learning difficulty",
    NeedType.SLD: "severe learning difficulty",
    NeedType.PMLD: "profound and multiple learning difficulty",
    NeedType.SEMH: "social, emotional and mental health",
    NeedType.HI: "hearing impairment",
    NeedType.VI: "visual impairment",
    NeedType.MSI: "multi-sensory impairment",
    NeedType.PD: "physical disability",
    NeedType.OTH: "other difficulty or disability",
    NeedType.NSA: "SEN support without a specialist assessment of the type of need",
    NeedType.DS: "Down syndrome",
}
PROVISION_NAMES = {
    SenProvision.no_sen: "no SEN (N)",
    SenProvision.sen_support: "SEN support (K)",
    SenProvision.ehc_plan: "EHC plan (E)",
}
# The broad areas of need as the SEND Code of Practice heads them (6.28-6.35).
AREA_NAMES = {
    AreaOfNeed.communication_interaction: "Communication and interaction",
    AreaOfNeed.cognition_learning: "Cognition and learning",
    AreaOfNeed.semh: "Social, emotional and mental health difficulties",
    AreaOfNeed.sensory_physical: "Sensory and/or physical needs",
}
DELIVERY_NAMES = {
    Delivery.individual: "Individual",
    Delivery.small_group: "Small group",
    Delivery.class_: "Whole class",
}
RAISED_BY = {
    ConcernSource.parent: "a parent",
    ConcernSource.staff: "a member of staff",
    ConcernSource.pupil: "the pupil",
    ConcernSource.other: "someone outside the school",
}
ADVISERS = {
    AdviceSource.educational_psychologist: "an educational psychologist",
    AdviceSource.speech_and_language_therapist: "a speech and language therapist",
    AdviceSource.occupational_therapist: "an occupational therapist",
    AdviceSource.camhs: "CAMHS",
    AdviceSource.specialist_teacher: "a specialist teacher",
    AdviceSource.physiotherapist: "a physiotherapist",
    AdviceSource.paediatrician: "a paediatrician",
    AdviceSource.other: "an outside professional",
}
REQUESTERS = {
    RequesterKind.local_authority: "the local authority",
    RequesterKind.yot: "a Youth Offending Team",
    RequesterKind.parent: "a parent",
    RequesterKind.police: "the police",
    RequesterKind.health: "a health service",
    RequesterKind.other: "someone outside the school",
}
PACK_NAMES = {
    PackKind.ehc_request: "Evidence pack for an EHC needs assessment request",
    PackKind.educational_record: "Educational record",
    PackKind.yot: "Information for the Youth Offending Team",
    PackKind.disclosure: "Information pack",
}
MILESTONES = {
    EhcpMilestone.requested: "EHC needs assessment requested",
    EhcpMilestone.decision_to_assess: "The local authority decided to carry out an EHC needs assessment",
    EhcpMilestone.decided_not_to_assess: "The local authority decided not to assess for an EHC plan",
    EhcpMilestone.draft_plan_issued: "The local authority sent the draft EHC plan",
    EhcpMilestone.plan_issued: "EHC plan issued",
    EhcpMilestone.decided_not_to_issue: "The local authority decided not to issue an EHC plan",
    EhcpMilestone.annual_review: "Annual review meeting for the EHC plan held",
    EhcpMilestone.review_report_sent: "Report of the annual review meeting sent to the local authority",
    EhcpMilestone.review_decision: (
        "The local authority gave its decision after the annual review (keep, amend or cease the plan)"
    ),
    EhcpMilestone.plan_amended: "Amended EHC plan issued",
    EhcpMilestone.plan_ceased: "The local authority stopped maintaining the EHC plan",
}
DECISIONS = {
    Decision.continue_: "continue",
    Decision.adjust: "adjust the plan",
    Decision.end_support: "end SEN support",
    Decision.request_ehcp: "request an EHC needs assessment",
}
DETAILS = {
    "upn": "UPN",
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "class_name": "class",
}


def day(value: date) -> str:
    """20 Sep 2026: a date as a parent reads it."""
    return f"{value.day} {value:%b %Y}"


def next_review(on: date | None) -> str:
    """'; next review 20 Sep 2026' after a review's summary, or nothing where none was set."""
    return f"; next review {day(on)}" if on else ""


def words(value: Enum | str) -> str:
    return (value.value if isinstance(value, Enum) else value).replace("_", " ")


def clip(text: str, length: int = 100) -> str:
    """One line of at most ``length`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def because(reason: str) -> str:
    return f" ({clip(reason, 80)})" if reason else ""


def number(value: Decimal) -> str:
    """84.00 as 84, 84.50 as 84.5."""
    return format(value.normalize(), "f")


def score(scale: Scale, value: Decimal) -> str:
    shown = number(value)
    return {
        Scale.age_equivalent_months: f"{shown} months",
        Scale.percent: f"{shown}%",
        Scale.standard_score: f"standard score {shown}",
        Scale.scaled_score: f"scaled score {shown}",
    }.get(scale, shown)


def counted(n: int, thing: str, things: str) -> str:
    return f"{n} {thing if n == 1 else things}"


def weekdays(days: list[Any]) -> str:
    return ", ".join(words(d).capitalize() for d in days)


def year_name(year: int) -> str:
    """A year group as a school says it: Reception is 0, nursery below it."""
    return "Reception" if year == 0 else f"Year {year}" if year > 0 else "Nursery"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def detail(value: Any) -> str:
    return day(value) if isinstance(value, date) else str(value)


def attended(name: str, minutes: int, status: AttendanceStatus) -> str:
    """A session as one pupil's entry shows it: their own mark only."""
    verb = "Attended" if status.attended else "Did not attend"
    return f"{verb} '{name}' ({minutes} minutes): {words(status)}"
