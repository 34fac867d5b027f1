"""A pupil's SEN record: who they are, their needs, status, assessments and advice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import (
    AdviceSource,
    AssessmentKind,
    ConcernSource,
    EhcpMilestone,
    LawfulBasis,
    NeedType,
    Scale,
    SenProvision,
)
from apdr.aggregates.rules import copy_one_level, must_be_a_name, must_have_happened, must_have_text
from apdr.aggregates.school_year import age_in_years
from apdr.aggregates.upn import upn_problem
from apdr.config import SCHOOL_TIME
from apdr.errors import Conflict, InvalidInput

# A pupil on a school's roll is between 2 (nursery) and 25 (the upper age of the
# Code of Practice); anything else is a mistyped date of birth.
YOUNGEST, OLDEST = 2, 25

# The one-page profile (Essex One Plan; Core Standard Five).
PROFILE_SECTIONS = (
    "like_and_admire",
    "important_to_me",
    "likes",
    "dislikes",
    "finds_hard",
    "what_helps",
    "what_does_not_help",
    "aspirations",
    "teacher_needs_to_know",
)

# The statutory EHC process runs in order: what may follow the last milestone reached.
_M = EhcpMilestone
EHCP_NEXT: dict[EhcpMilestone | None, tuple[EhcpMilestone, ...]] = {
    None: (_M.requested,),
    _M.requested: (_M.decision_to_assess, _M.decided_not_to_assess),
    _M.decided_not_to_assess: (_M.requested,),
    _M.decision_to_assess: (_M.draft_plan_issued, _M.plan_issued, _M.decided_not_to_issue),
    _M.draft_plan_issued: (_M.plan_issued, _M.decided_not_to_issue),
    _M.decided_not_to_issue: (_M.requested,),
    _M.plan_issued: (_M.annual_review, _M.plan_amended, _M.plan_ceased),
    _M.annual_review: (
        _M.review_report_sent,
        _M.review_decision,
        _M.plan_amended,
        _M.plan_ceased,
        _M.annual_review,
    ),
    _M.review_report_sent: (_M.review_decision, _M.plan_amended, _M.plan_ceased, _M.annual_review),
    _M.review_decision: (_M.plan_amended, _M.plan_ceased, _M.annual_review),
    _M.plan_amended: (_M.annual_review, _M.plan_amended, _M.plan_ceased),
    _M.plan_ceased: (_M.requested,),
}


class UpnClaim(Aggregate):
    """Holds a UPN for one pupil in a setting.

    Its id is derived from the setting and the UPN, so two pupils claiming the
    same UPN collide in the event store, however many API workers there are.
    """

    @staticmethod
    def create_id(setting_id: UUID, upn: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/settings/{setting_id}/upns/{upn}")

    @event("Claimed")
    def __init__(self, setting_id: UUID, upn: str, pupil_id: UUID) -> None:
        self.setting_id = setting_id
        self.upn = upn
        self.pupil_id: UUID | None = pupil_id

    def claim(self, pupil_id: UUID) -> None:
        if self.pupil_id is not None and self.pupil_id != pupil_id:
            raise InvalidInput("upn", f"UPN {self.upn} belongs to another pupil in this setting")
        if self.pupil_id is None:
            self._reclaimed(pupil_id)

    @event("Reclaimed")
    def _reclaimed(self, pupil_id: UUID) -> None:
        self.pupil_id = pupil_id

    @event("Released")
    def release(self) -> None:
        self.pupil_id = None


def claim_upn(*, setting_id: UUID, upn: str, pupil_id: UUID, held: UpnClaim | None = None) -> UpnClaim:
    """The pupil's claim on ``upn``, which the DfE allocates to one pupil: so one
    pupil per UPN in a setting. ``held`` is the claim already recorded on the UPN,
    if any: one released (its pupil's UPN was corrected) is taken back; one
    another pupil holds is a Conflict. Save the claim with the pupil."""
    if held is None:
        return UpnClaim(setting_id=setting_id, upn=upn, pupil_id=pupil_id)
    if held.pupil_id not in (None, pupil_id):
        raise Conflict(f"a pupil with UPN {upn} is already registered in this setting")
    held.claim(pupil_id)
    return held


class Pupil(Aggregate):
    __deepcopy__ = copy_one_level

    class Registered(Aggregate.Created):
        """Version 2 records ``admitted_on``, the day the pupil joined the setting.
        A registration recorded before it took the day it was recorded at school
        as the day the pupil joined: that is what it is read as."""

        class_version = 2
        setting_id: UUID
        upn: str
        given_name: str
        family_name: str
        date_of_birth: date
        class_name: str
        admitted_on: date
        recorded_by: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["admitted_on"] = state["timestamp"].astimezone(SCHOOL_TIME).date()

    @classmethod
    def register(
        cls,
        *,
        setting_id: UUID,
        upn: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        class_name: str,
        admitted_on: date | None = None,
        recorded_by: str,
        today: date,
    ) -> Pupil:
        upn = upn.strip().upper()
        if problem := upn_problem(upn):
            raise InvalidInput("upn", problem)
        check_date_of_birth(date_of_birth, today)
        admitted_on = admitted_on or today
        if age_in_years(date_of_birth, admitted_on) < YOUNGEST:
            raise InvalidInput(
                "admitted_on",
                f"admitted_on {admitted_on.isoformat()} is before the pupil was {YOUNGEST}: check the year",
            )
        return cls(
            setting_id=setting_id,
            upn=upn,
            given_name=must_be_a_name("given_name", given_name),
            family_name=must_be_a_name("family_name", family_name),
            date_of_birth=date_of_birth,
            class_name=must_be_a_name("class_name", class_name),
            admitted_on=admitted_on,
            recorded_by=recorded_by,
        )

    @event(Registered)
    def __init__(
        self,
        setting_id: UUID,
        upn: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        class_name: str,
        admitted_on: date,
        recorded_by: str,
    ) -> None:
        self.setting_id = setting_id
        self.upn = upn
        self.given_name = given_name
        self.family_name = family_name
        self.date_of_birth = date_of_birth
        self.class_name = class_name
        self.admitted_on = admitted_on
        # Each correction of the details: (what it changed, why), so that one sent again is known.
        self.corrections: list[tuple[dict[str, Any], str]] = []
        self.needs: dict[int, dict[str, Any]] = {}
        self.sen_status = SenProvision.no_sen
        self.sen_status_since: date | None = None
        # Every change of SEN status, in order: the history a CTF hands on.
        self.sen_history: list[tuple[SenProvision, date]] = []
        self.parents_notified_on: date | None = None
        self.profile: dict[str, Any] | None = None
        self.plan_ids: list[UUID] = []
        self.current_plan_id: UUID | None = None
        self.assessments: dict[UUID, dict[str, Any]] = {}
        self.ehcp: list[dict[str, Any]] = []
        self.advice_received_on: dict[UUID, date] = {}
        self.left_on: date | None = None

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def _happened(self, field: str, day: date, today: date) -> None:
        must_have_happened(
            field, day, today, not_before=self.date_of_birth, not_before_what="the pupil's date of birth"
        )

    # -- details ------------------------------------------------------------

    def correct_details(
        self,
        *,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        today: date,
        may_be_resent: bool = True,
    ) -> bool:
        """Put right a mistake in the pupil's details; the original stays in the history.
        Answers False, recording nothing, when it is a correction already made sent again;
        ``may_be_resent=False`` for one that cannot be (worked out against the record as it is)."""
        allowed = {"upn", "given_name", "family_name", "date_of_birth", "class_name"}
        changes = {k: v for k, v in changes.items() if k in allowed and v is not None}
        if "upn" in changes:
            changes["upn"] = changes["upn"].strip().upper()
            if problem := upn_problem(changes["upn"]):
                raise InvalidInput("upn", problem)
        for text in ("given_name", "family_name", "class_name"):
            if text in changes:
                changes[text] = must_be_a_name(text, changes[text])
        if "date_of_birth" in changes:
            check_date_of_birth(changes["date_of_birth"], today)
        reason = must_have_text("reason", reason)
        if may_be_resent and any(
            made == reason and made_changes.items() <= changes.items()
            for made_changes, made in self.corrections
        ):
            return False  # a correction already made, sent again
        changes = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not changes:
            raise InvalidInput("body", "nothing to correct: every value given is already recorded")
        self._details_corrected(
            changes=changes,
            previous={k: getattr(self, k) for k in changes},
            reason=reason,
            recorded_by=recorded_by,
        )
        return True

    @event("DetailsCorrected")
    def _details_corrected(
        self, changes: dict[str, Any], previous: dict[str, Any], reason: str, recorded_by: str
    ) -> None:
        for key, value in changes.items():
            setattr(self, key, value)
        self.corrections = [*self.corrections, (changes, reason)]

    def move_class(self, *, class_name: str, moved_on: date, recorded_by: str, today: date) -> None:
        """A change of class (a new school year, a new set); not a correction."""
        self._happened("moved_on", moved_on, today)
        class_name = must_be_a_name("class_name", class_name)
        if class_name == self.class_name:
            raise InvalidInput("class_name", f"{self.name} is already in {class_name}")
        self._moved_class(class_name=class_name, moved_on=moved_on, recorded_by=recorded_by)

    @event("MovedClass")
    def _moved_class(self, class_name: str, moved_on: date, recorded_by: str) -> None:
        self.class_name = class_name

    # -- needs and SEN status ---------------------------------------------

    def identify_need(
        self,
        *,
        need_type: NeedType,
        rank: int,
        identified_on: date,
        description: str,
        recorded_by: str,
        today: date,
    ) -> UUID:
        self._happened("identified_on", identified_on, today)
        if rank not in (1, 2):
            raise InvalidInput("rank", "rank is 1 (primary need) or 2 (secondary need)")
        if rank == 2 and 1 not in self.needs:
            raise InvalidInput("rank", "record the primary need (rank 1) before a secondary need")
        if rank in self.needs:
            held = self.needs[rank]["need_type"].value
            raise InvalidInput(
                "rank", f"rank {rank} is already {held}; end that need before identifying another"
            )
        if any(n["need_type"] is need_type for n in self.needs.values()):
            raise InvalidInput("need_type", f"{need_type.value} is already a current need")
        if need_type is NeedType.NSA and self.sen_status is not SenProvision.sen_support:
            # Census rule: NSA (no specialist assessment) is only valid with SEN support.
            raise InvalidInput("need_type", "NSA can only be recorded for a pupil on SEN support (K)")
        need_id = uuid5(self.id, f"need/{self.version}")
        self._need_identified(
            need_id=need_id,
            need_type=need_type,
            rank=rank,
            identified_on=identified_on,
            description=description.strip(),
            recorded_by=recorded_by,
        )
        return need_id

    @event("NeedIdentified")
    def _need_identified(
        self,
        need_id: UUID,
        need_type: NeedType,
        rank: int,
        identified_on: date,
        description: str,
        recorded_by: str,
    ) -> None:
        self.needs[rank] = {
            "need_type": need_type,
            "identified_on": identified_on,
            "description": description,
        }

    def end_need(
        self, *, need_type: NeedType, ended_on: date, reason: str, recorded_by: str, today: date
    ) -> None:
        rank = next((r for r, n in self.needs.items() if n["need_type"] is need_type), None)
        if rank is None:
            raise InvalidInput("need_type", f"{need_type.value} is not a current need")
        self._happened("ended_on", ended_on, today)
        if ended_on < self.needs[rank]["identified_on"]:
            raise InvalidInput("ended_on", "a need cannot end before it was identified")
        self._need_ended(
            need_type=need_type, ended_on=ended_on, reason=reason.strip(), recorded_by=recorded_by
        )

    @event("NeedEnded")
    def _need_ended(self, need_type: NeedType, ended_on: date, reason: str, recorded_by: str) -> None:
        rank = next(r for r, n in self.needs.items() if n["need_type"] is need_type)
        del self.needs[rank]
        # A secondary need left on its own becomes the primary need.
        if rank == 1 and 2 in self.needs:
            self.needs[1] = self.needs.pop(2)

    def change_sen_status(
        self,
        *,
        status: SenProvision,
        effective_on: date,
        parents_notified_on: date | None,
        reason: str,
        recorded_by: str,
        today: date,
    ) -> UUID:
        self._happened("effective_on", effective_on, today)
        if status is self.sen_status:
            raise InvalidInput("status", f"the pupil's SEN status is already {status.value}")
        if self.sen_status_since and effective_on < self.sen_status_since:
            raise InvalidInput(
                "effective_on",
                f"effective_on is before the current status took effect ({self.sen_status_since})",
            )
        if parents_notified_on is not None:
            self._happened("parents_notified_on", parents_notified_on, today)
            if parents_notified_on < effective_on:
                raise InvalidInput(
                    "parents_notified_on",
                    f"parents cannot be notified before the status takes effect ({effective_on.isoformat()})",
                )
        if status is not SenProvision.sen_support and any(
            n["need_type"] is NeedType.NSA for n in self.needs.values()
        ):
            raise InvalidInput(
                "status", "the pupil has an NSA need, which is only valid with SEN support (K): end it first"
            )
        change_id = uuid5(self.id, f"sen-status/{self.version}")
        self._sen_status_changed(
            change_id=change_id,
            status=status,
            previous=self.sen_status,
            effective_on=effective_on,
            parents_notified_on=parents_notified_on,
            reason=reason.strip(),
            recorded_by=recorded_by,
        )
        return change_id

    @event("SenStatusChanged")
    def _sen_status_changed(
        self,
        change_id: UUID,
        status: SenProvision,
        previous: SenProvision,
        effective_on: date,
        parents_notified_on: date | None,
        reason: str,
        recorded_by: str,
    ) -> None:
        self.sen_status = status
        self.sen_status_since = effective_on
        self.sen_history = [*self.sen_history, (status, effective_on)]
        self.parents_notified_on = parents_notified_on

    def notify_parents(self, *, notified_on: date, how: str, recorded_by: str, today: date) -> None:
        """Code of Practice 6.48: parents must be formally notified of SEN support."""
        if self.sen_status is SenProvision.no_sen:
            raise InvalidInput("notified_on", "the pupil has no SEN status to notify parents of")
        self._happened("notified_on", notified_on, today)
        if self.sen_status_since and notified_on < self.sen_status_since:
            raise InvalidInput("notified_on", "parents cannot be notified before the status began")
        self._parents_notified(notified_on=notified_on, how=how.strip(), recorded_by=recorded_by)

    @event("ParentsNotified")
    def _parents_notified(self, notified_on: date, how: str, recorded_by: str) -> None:
        self.parents_notified_on = notified_on

    def raise_concern(
        self,
        *,
        raised_on: date,
        raised_by: ConcernSource,
        raised_by_name: str,
        concern: str,
        recorded_by: str,
        today: date,
    ) -> UUID:
        self._happened("raised_on", raised_on, today)
        concern_id = uuid5(self.id, f"concern/{self.version}")
        self._concern_raised(
            concern_id=concern_id,
            raised_on=raised_on,
            raised_by=raised_by,
            raised_by_name=raised_by_name.strip(),
            concern=must_have_text("concern", concern),
            recorded_by=recorded_by,
        )
        return concern_id

    @event("ConcernRaised")
    def _concern_raised(
        self,
        concern_id: UUID,
        raised_on: date,
        raised_by: ConcernSource,
        raised_by_name: str,
        concern: str,
        recorded_by: str,
    ) -> None:
        pass

    # -- assessment ---------------------------------------------------------

    def record_assessment(
        self,
        *,
        assessment_id: UUID | None,
        instrument: str,
        measure: str,
        scale: Scale,
        value: Decimal,
        assessed_on: date,
        kind: AssessmentKind,
        intervention_id: UUID | None,
        notes: str,
        recorded_by: str,
        today: date,
    ) -> UUID:
        """Record an assessment; answers its id. Sent again (the same client-made
        ``assessment_id``, or without one the same instrument, measure, value,
        date, kind and intervention), it answers the first one's id and records
        nothing; a different assessment under a known id is a conflict."""
        self._happened("assessed_on", assessed_on, today)
        check_value_on_scale(scale, value)
        instrument = must_have_text("instrument", instrument)
        measure = must_have_text("measure", measure)
        sent = _assessment_as_sent(instrument, measure, scale, value, assessed_on, kind, intervention_id)
        if assessment_id is not None and assessment_id in self.assessments:
            if self.assessments[assessment_id]["as_sent"] == sent:
                return assessment_id
            raise Conflict(
                f"assessment {assessment_id} was already recorded with different details; "
                "correct it instead, or use a new assessment_id",
                {"kind": "assessment", "id": str(assessment_id)},
            )
        if assessment_id is None:
            # Without an id of its own, the same assessment sent again is known by what it says.
            same = next((i for i, a in self.assessments.items() if a["as_sent"] == sent), None)
            if same is not None:
                return same
        if kind in (AssessmentKind.exit, AssessmentKind.interim):
            baseline = self._baseline(instrument, measure, intervention_id)
            if baseline is None:
                raise InvalidInput(
                    "kind",
                    f"there is no baseline for {measure!r} ({instrument}) to compare this {kind.value} "
                    "assessment with: record the baseline first",
                )
            if assessed_on < baseline["assessed_on"]:
                raise InvalidInput("assessed_on", "an assessment cannot come before its baseline")
            if baseline["scale"] is not scale:
                raise InvalidInput(
                    "scale", f"the baseline for {measure!r} was on the {baseline['scale'].value} scale"
                )
        assessment_id = assessment_id or uuid5(self.id, f"assessment/{self.version}")
        self._assessment_recorded(
            assessment_id=assessment_id,
            instrument=instrument,
            measure=measure,
            scale=scale,
            value=value,
            assessed_on=assessed_on,
            kind=kind,
            intervention_id=intervention_id,
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
        return assessment_id

    def _baseline(self, instrument: str, measure: str, intervention_id: UUID | None) -> dict | None:
        baselines = [
            a
            for a in self.assessments.values()
            if a["kind"] is AssessmentKind.baseline
            and a["instrument"] == instrument.strip()
            and a["measure"] == measure.strip()
            and a["intervention_id"] == intervention_id
        ]
        return max(baselines, key=lambda a: a["assessed_on"], default=None)

    @event("AssessmentRecorded")
    def _assessment_recorded(
        self,
        assessment_id: UUID,
        instrument: str,
        measure: str,
        scale: Scale,
        value: Decimal,
        assessed_on: date,
        kind: AssessmentKind,
        intervention_id: UUID | None,
        notes: str,
        recorded_by: str,
    ) -> None:
        self.assessments[assessment_id] = {
            "instrument": instrument,
            "measure": measure,
            "scale": scale,
            "value": value,
            "assessed_on": assessed_on,
            "kind": kind,
            "intervention_id": intervention_id,
            # What was sent, kept as it was however it is corrected: a resend is recognised by it.
            "as_sent": _assessment_as_sent(
                instrument, measure, scale, value, assessed_on, kind, intervention_id
            ),
            "corrections": (),
        }

    def correct_assessment(
        self,
        *,
        assessment_id: UUID,
        value: Decimal | None,
        assessed_on: date | None,
        reason: str,
        recorded_by: str,
        today: date,
    ) -> bool:
        """Put right a mistaken value or date; answers False, recording nothing,
        when it is the last correction sent again."""
        original = self.assessments.get(assessment_id)
        if original is None:
            raise InvalidInput("assessment_id", "no such assessment in this pupil's record")
        if value is not None:
            check_value_on_scale(original["scale"], value)
        if assessed_on is not None:
            self._happened("assessed_on", assessed_on, today)
        reason = must_have_text("reason", reason)
        target = (
            original["value"] if value is None else value,
            original["assessed_on"] if assessed_on is None else assessed_on,
        )
        if (*target, reason) in original["corrections"]:
            return False  # a correction already made, sent again
        if target == (original["value"], original["assessed_on"]):
            raise InvalidInput("body", "nothing to correct: give a different value or assessed_on")
        self._assessment_corrected(
            assessment_id=assessment_id,
            value=target[0],
            assessed_on=target[1],
            reason=reason,
            recorded_by=recorded_by,
        )
        return True

    @event("AssessmentCorrected")
    def _assessment_corrected(
        self, assessment_id: UUID, value: Decimal, assessed_on: date, reason: str, recorded_by: str
    ) -> None:
        assessment = self.assessments[assessment_id]
        self.assessments[assessment_id] = assessment | {
            "value": value,
            "assessed_on": assessed_on,
            "corrections": (*assessment["corrections"], (value, assessed_on, reason)),
        }

    # -- the person behind the record ---------------------------------------

    def update_profile(
        self,
        *,
        sections: dict[str, str | None],
        updated_on: date,
        replace: bool,
        recorded_by: str,
        today: date,
    ) -> bool:
        """The one-page profile, in the pupil's own words where possible. With
        ``replace`` (PUT) the sections given are the whole profile; otherwise
        (PATCH) only the sections given change and the rest are kept. Answers
        False, recording nothing, when no section changes (a resend)."""
        self._happened("updated_on", updated_on, today)
        unknown = [k for k in sections if k not in PROFILE_SECTIONS]
        if unknown:
            raise InvalidInput(unknown[0], f"there is no section {unknown[0]!r} in a one-page profile")
        current = {k: (self.profile or {}).get(k, "") for k in PROFILE_SECTIONS}
        given = {k: (v or "").strip() for k, v in sections.items() if v is not None or replace}
        profile = {k: given.get(k, "" if replace else current[k]) for k in PROFILE_SECTIONS}
        if not any(profile.values()):
            raise InvalidInput("body", "a one-page profile needs at least one section filled in")
        if self.profile is not None and profile == current:
            return False
        self._profile_updated(profile=profile, updated_on=updated_on, recorded_by=recorded_by)
        return True

    @event("ProfileUpdated")
    def _profile_updated(self, profile: dict[str, str], updated_on: date, recorded_by: str) -> None:
        self.profile = {**profile, "updated_on": updated_on}

    def receive_advice(
        self,
        *,
        source: AdviceSource,
        received_on: date,
        author: str,
        summary: str,
        recommendations: list[str],
        recorded_by: str,
        today: date,
    ) -> UUID:
        self._happened("received_on", received_on, today)
        advice_id = uuid5(self.id, f"advice/{self.version}")
        self._advice_received(
            advice_id=advice_id,
            source=source,
            received_on=received_on,
            author=author.strip(),
            summary=must_have_text("summary", summary),
            recommendations=[r.strip() for r in recommendations if r.strip()],
            recorded_by=recorded_by,
        )
        return advice_id

    @event("AdviceReceived")
    def _advice_received(
        self,
        advice_id: UUID,
        source: AdviceSource,
        received_on: date,
        author: str,
        summary: str,
        recommendations: list[str],
        recorded_by: str,
    ) -> None:
        self.advice_received_on[advice_id] = received_on

    def act_on_advice(
        self, *, advice_id: UUID, responded_on: date, action: str, recorded_by: str, today: date
    ) -> None:
        """What the school did with outside advice: the LA reads it beside the advice
        when deciding on an EHC needs assessment (seed 003: evidence from APDR cycles)."""
        received_on = self.advice_received_on.get(advice_id)
        if received_on is None:
            raise InvalidInput("advice_id", f"there is no advice {advice_id} on this pupil's record")
        must_have_happened(
            "responded_on", responded_on, today, not_before=received_on, not_before_what="the advice arrived"
        )
        self._advice_acted_on(
            advice_id=advice_id,
            responded_on=responded_on,
            action=must_have_text("action", action),
            recorded_by=recorded_by,
        )

    @event("AdviceActedOn")
    def _advice_acted_on(self, advice_id: UUID, responded_on: date, action: str, recorded_by: str) -> None:
        pass

    # -- the statutory EHC process ------------------------------------------

    def record_ehcp_milestone(
        self, *, milestone: EhcpMilestone, reached_on: date, notes: str, recorded_by: str, today: date
    ) -> None:
        self._happened("reached_on", reached_on, today)
        last = self.ehcp[-1]["milestone"] if self.ehcp else None
        if milestone not in EHCP_NEXT[last]:
            allowed = " or ".join(m.value for m in EHCP_NEXT[last])
            after = f"after {last.value}" if last else "first"
            raise InvalidInput("milestone", f"{milestone.value} cannot come {after}: expected {allowed}")
        if self.ehcp and reached_on < self.ehcp[-1]["reached_on"]:
            raise InvalidInput("reached_on", "milestones are recorded in the order they happen")
        self._ehcp_milestone_recorded(
            milestone=milestone, reached_on=reached_on, notes=notes.strip(), recorded_by=recorded_by
        )

    @event("EhcpMilestoneRecorded")
    def _ehcp_milestone_recorded(
        self, milestone: EhcpMilestone, reached_on: date, notes: str, recorded_by: str
    ) -> None:
        self.ehcp.append({"milestone": milestone, "reached_on": reached_on})

    def share_information(
        self,
        *,
        shared_on: date,
        shared_with: str,
        purpose: str,
        lawful_basis: LawfulBasis,
        what: str,
        recorded_by: str,
        today: date,
    ) -> None:
        """A disclosure outside the school, recorded for accountability under UK GDPR."""
        self._happened("shared_on", shared_on, today)
        self._information_shared(
            shared_on=shared_on,
            shared_with=must_have_text("shared_with", shared_with),
            purpose=must_have_text("purpose", purpose),
            lawful_basis=lawful_basis,
            what=must_have_text("what", what),
            recorded_by=recorded_by,
        )

    @event("InformationShared")
    def _information_shared(
        self,
        shared_on: date,
        shared_with: str,
        purpose: str,
        lawful_basis: LawfulBasis,
        what: str,
        recorded_by: str,
    ) -> None:
        pass

    # -- plans ---------------------------------------------------------------

    def start_plan(self, *, plan_id: UUID, starts_on: date, recorded_by: str) -> UUID | None:
        """Make ``plan_id`` the pupil's current plan; answers the plan it follows."""
        if self.left_on is not None:
            raise InvalidInput("pupil_id", f"{self.name} left the setting on {self.left_on}")
        if starts_on < self.date_of_birth:
            raise InvalidInput("starts_on", "a plan cannot start before the pupil's date of birth")
        follows = self.current_plan_id
        self._plan_started(
            plan_id=plan_id, starts_on=starts_on, follows_plan_id=follows, recorded_by=recorded_by
        )
        return follows

    @event("PlanStarted")
    def _plan_started(
        self, plan_id: UUID, starts_on: date, follows_plan_id: UUID | None, recorded_by: str
    ) -> None:
        self.plan_ids.append(plan_id)
        self.current_plan_id = plan_id

    def plan_closed(self, plan_id: UUID) -> None:
        """Called when the current plan closes without a successor."""
        if self.current_plan_id == plan_id:
            self._current_plan_ended(plan_id=plan_id)

    @event("CurrentPlanEnded")
    def _current_plan_ended(self, plan_id: UUID) -> None:
        self.current_plan_id = None

    def leave(self, *, left_on: date, destination: str, recorded_by: str, today: date) -> None:
        if self.left_on is not None:
            raise InvalidInput("left_on", f"{self.name} already left on {self.left_on}")
        self._happened("left_on", left_on, today)
        if left_on < self.admitted_on:
            raise InvalidInput("left_on", f"{self.name} joined the setting on {self.admitted_on}")
        self._left_setting(left_on=left_on, destination=destination.strip(), recorded_by=recorded_by)

    @event("LeftSetting")
    def _left_setting(self, left_on: date, destination: str, recorded_by: str) -> None:
        self.left_on = left_on


def _assessment_as_sent(
    instrument: str,
    measure: str,
    scale: Scale,
    value: Decimal,
    assessed_on: date,
    kind: AssessmentKind,
    intervention_id: UUID | None,
) -> tuple[Any, ...]:
    """What makes two recordings of an assessment the same assessment."""
    return (instrument, measure, scale, value.normalize(), assessed_on, kind, intervention_id)


def check_date_of_birth(date_of_birth: date, today: date) -> None:
    age = age_in_years(date_of_birth, today)
    if date_of_birth > today or not YOUNGEST <= age <= OLDEST:
        raise InvalidInput(
            "date_of_birth",
            f"date_of_birth {date_of_birth.isoformat()} gives an age of {age}; "
            f"a pupil is between {YOUNGEST} and {OLDEST}",
        )


def check_value_on_scale(scale: Scale, value: Decimal) -> None:
    if not value.is_finite():
        raise InvalidInput("value", "value must be a number")
    if scale is Scale.percent and not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput("value", "a percentage is between 0 and 100")
    if scale is Scale.standard_score and not Decimal(40) <= value <= Decimal(160):
        raise InvalidInput("value", "a standard score is between 40 and 160")
    if scale is Scale.age_equivalent_months and not Decimal(0) <= value <= Decimal(300):
        raise InvalidInput("value", "an age-equivalent is given in months, between 0 and 300")
    if value < 0:
        raise InvalidInput("value", "value cannot be negative")
