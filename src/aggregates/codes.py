"""The vocabulary of SEN support: census codes and the enumerations of the contract.

Enumerations are plain ``Enum`` (not ``str`` subclasses) so that they survive a
round trip through the event store as themselves; see ``apdr.persistence``.
"""

from __future__ import annotations

from datetime import date
from enum import Enum


class SenProvision(Enum):
    """DfE school census SEN provision."""

    no_sen = "N"
    sen_support = "K"
    ehc_plan = "E"


class AreaOfNeed(Enum):
    """The four broad areas of need of the SEND Code of Practice (6.28-6.35)."""

    communication_interaction = "communication_interaction"
    cognition_learning = "cognition_learning"
    semh = "semh"
    sensory_physical = "sensory_physical"


class NeedType(Enum):
    """DfE school census type of need."""

    SLCN = "SLCN"
    ASD = "ASD"
    SPLD = "SPLD"
    MLD = "MLD"
    SLD = "SLD"
    PMLD = "PMLD"
    SEMH = "SEMH"
    HI = "HI"
    VI = "VI"
    MSI = "MSI"
    PD = "PD"
    OTH = "OTH"
    NSA = "NSA"
    DS = "DS"

    @property
    def area(self) -> AreaOfNeed | None:
        """The broad area of need; None for the census 'other' codes."""
        return AREA_OF_NEED.get(self)


AREA_OF_NEED: dict[NeedType, AreaOfNeed] = {
    NeedType.SLCN: AreaOfNeed.communication_interaction,
    NeedType.ASD: AreaOfNeed.communication_interaction,
    NeedType.SPLD: AreaOfNeed.cognition_learning,
    NeedType.MLD: AreaOfNeed.cognition_learning,
    NeedType.SLD: AreaOfNeed.cognition_learning,
    NeedType.PMLD: AreaOfNeed.cognition_learning,
    NeedType.SEMH: AreaOfNeed.semh,
    NeedType.HI: AreaOfNeed.sensory_physical,
    NeedType.VI: AreaOfNeed.sensory_physical,
    NeedType.MSI: AreaOfNeed.sensory_physical,
    NeedType.PD: AreaOfNeed.sensory_physical,
}


class Role(Enum):
    admin = "admin"
    senco = "senco"
    teacher = "teacher"
    ta = "ta"
    leader = "leader"

    @property
    def article(self) -> str:
        """'an admin', 'a senco': the role in a sentence."""
        return f"{'an' if self.value[0] in 'aeiou' else 'a'} {self.value}"


class Delivery(Enum):
    individual = "individual"
    small_group = "small_group"
    class_ = "class"


_ISO_WEEKDAY = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5}


class Weekday(Enum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"

    @property
    def iso(self) -> int:
        """Monday is 1, as ``date.isoweekday()`` counts."""
        return _ISO_WEEKDAY[self.value]

    @classmethod
    def of(cls, day: date) -> Weekday | None:
        """The school weekday ``day`` falls on; None at weekends."""
        index = day.weekday()
        return list(cls)[index] if index < 5 else None


class AttendanceStatus(Enum):
    present = "present"
    absent = "absent"
    late = "late"
    left_early = "left_early"

    @property
    def attended(self) -> bool:
        """Late or leaving early still counts as having had the session."""
        return self is not AttendanceStatus.absent


class MissedReason(Enum):
    staff_absence = "staff_absence"
    pupil_absence = "pupil_absence"
    school_event = "school_event"
    room_unavailable = "room_unavailable"
    staff_redeployed = "staff_redeployed"
    other = "other"


class Rating(Enum):
    """How far a review found an outcome achieved."""

    not_met = "not_met"
    partly_met = "partly_met"
    met = "met"
    exceeded = "exceeded"


class Decision(Enum):
    """What a plan review decides for the next cycle."""

    continue_ = "continue"
    adjust = "adjust"
    end_support = "end_support"
    request_ehcp = "request_ehcp"


class InterventionDecision(Enum):
    continue_ = "continue"
    adjust = "adjust"
    end = "end"


class AssessmentKind(Enum):
    baseline = "baseline"
    interim = "interim"
    exit = "exit"
    standalone = "standalone"


class Scale(Enum):
    standard_score = "standard_score"
    age_equivalent_months = "age_equivalent_months"
    raw = "raw"
    percent = "percent"
    scaled_score = "scaled_score"


class ConcernSource(Enum):
    parent = "parent"
    staff = "staff"
    pupil = "pupil"
    other = "other"


class AdviceSource(Enum):
    """Outside professionals a school consults (Code of Practice 6.58-6.62)."""

    educational_psychologist = "educational_psychologist"
    speech_and_language_therapist = "speech_and_language_therapist"
    occupational_therapist = "occupational_therapist"
    camhs = "camhs"
    specialist_teacher = "specialist_teacher"
    physiotherapist = "physiotherapist"
    paediatrician = "paediatrician"
    other = "other"


class EhcpMilestone(Enum):
    """Steps of the statutory EHC process whose deadlines apdr watches.

    Values are stored in events: add new ones, never rename one."""

    requested = "requested"
    decision_to_assess = "decision_to_assess"
    decided_not_to_assess = "decided_not_to_assess"
    draft_plan_issued = "draft_plan_issued"  # the LA decided to issue: SEND Regulations 2014 reg. 13(1)
    plan_issued = "plan_issued"
    decided_not_to_issue = "decided_not_to_issue"
    annual_review = "annual_review"  # the review meeting (reg. 20(1))
    review_report_sent = "review_report_sent"  # the report of the meeting (reg. 20(7))
    review_decision = "review_decision"  # the LA's decision to keep, amend or cease the plan (reg. 20(10))
    plan_amended = "plan_amended"  # the final amended plan (reg. 22(3))
    plan_ceased = "plan_ceased"  # the LA ceased to maintain the plan (reg. 31(2))


class LawfulBasis(Enum):
    """UK GDPR Article 6(1): the lawful bases for processing, sharing included."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


class RequesterKind(Enum):
    """Who asks a school for a pupil's SEN information (the seeds' README: "who asks for the records")."""

    local_authority = "local_authority"
    yot = "yot"
    parent = "parent"
    police = "police"
    health = "health"
    other = "other"


class RequestType(Enum):
    """The rule a request is answered under, which sets when the answer is due."""

    # Education (Pupil Information) (England) Regulations 2005, reg. 5: 15 school days.
    educational_record = "educational_record"
    # UK GDPR Article 12(3) (a subject access request): one calendar month.
    subject_access = "subject_access"
    # SEND Regulations 2014, reg. 8: advice for an EHC needs assessment within six weeks.
    ehc_needs_assessment = "ehc_needs_assessment"
    # No statutory deadline: answered within a month, as a subject access request would be.
    other = "other"


class DisclosureDecision(Enum):
    disclose = "disclose"
    disclose_in_part = "disclose_in_part"
    refuse = "refuse"


class PackKind(Enum):
    """What an evidence pack is for, and so which sections it may hold."""

    ehc_request = "ehc_request"  # the LA deciding on an EHC needs assessment
    educational_record = "educational_record"  # a parent's request, a subject access request
    yot = "yot"  # a Youth Offending Team: minimised to the sections the decision names
    disclosure = "disclosure"  # police, health or others: the sections the decision names


# Strategy codes from the LA guidance on targeted support, by broad area of need.
# Codes only: what each strategy means is for the plan's own description to say.
STRATEGY_CODES: dict[str, AreaOfNeed] = {
    **{f"CL{n}": AreaOfNeed.cognition_learning for n in range(1, 10)},
    **{f"SLC{n}": AreaOfNeed.communication_interaction for n in range(1, 12)},
    **{f"ASC{n}": AreaOfNeed.communication_interaction for n in range(1, 15)},
    # The guidance numbers SpLD1-12 but has no SpLD8.
    **{f"SPLD{n}": AreaOfNeed.cognition_learning for n in range(1, 13) if n != 8},
    **{f"SEMH{n}": AreaOfNeed.semh for n in range(1, 11)},
    **{f"PM{n}": AreaOfNeed.sensory_physical for n in range(1, 11)},
    **{f"HL{n}": AreaOfNeed.sensory_physical for n in range(1, 15)},
    **{f"VI{n}": AreaOfNeed.sensory_physical for n in range(1, 6)},
}


def strategy_code(code: str) -> str:
    """The catalogue's spelling of a strategy code ('SpLD3' and 'spld3' are SPLD3)."""
    return code.strip().upper()


class AlertStatus(Enum):
    """Where an alert stands: open until someone acknowledges it, resolved when its cause goes
    (or a SENCO resolves it)."""

    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


ALL_ENUMS: tuple[type[Enum], ...] = (
    SenProvision,
    AreaOfNeed,
    NeedType,
    Role,
    Delivery,
    Weekday,
    AttendanceStatus,
    MissedReason,
    Rating,
    Decision,
    InterventionDecision,
    AssessmentKind,
    Scale,
    ConcernSource,
    AdviceSource,
    EhcpMilestone,
    LawfulBasis,
    RequesterKind,
    RequestType,
    DisclosureDecision,
    PackKind,
)
