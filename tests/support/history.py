"""Build a setting's history through the service layer (no HTTP), for the projection and policy tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from apdr.aggregates.codes import (
    AreaOfNeed,
    AssessmentKind,
    AttendanceStatus,
    Decision,
    Delivery,
    EhcpMilestone,
    InterventionDecision,
    MissedReason,
    NeedType,
    Rating,
    RequesterKind,
    Role,
    SenProvision,
    Weekday,
)
from apdr.aggregates.staff_member import StaffRole
from apdr.application import Actor, SenRecord
from tests.support.fields import assessment_fields, review_fields
from tests.support.school import ADMITTED, TODAY, random_urn, upn

INTERVENTION: dict[str, Any] = {
    "name": "Precision teaching: HFW",
    "programme": "Precision teaching",
    "area_of_need": AreaOfNeed.cognition_learning,
    "strategy_codes": ["CL5"],
    "aim": "Read the first 100 high-frequency words",
    "delivery": Delivery.small_group,
    "ratio": "1:3",
    "location": "Library room",
    "weekdays": [Weekday.mon, Weekday.wed, Weekday.fri],
    "minutes_per_session": 20,
    "withdrawn_from": "guided reading",
    "starts_on": date(2026, 9, 21),
    "planned_weeks": 10,
    "review_due_on": date(2026, 11, 30),
    "cost_per_year": Decimal("1200.00"),
}
"""The usual intervention, as it is planned: three 20-minute small-group sessions a week for ten weeks
from Monday 21 September 2026."""


def attendance(marks: dict[UUID, AttendanceStatus]) -> list[dict[str, Any]]:
    """A register as the service takes it."""
    return [{"pupil_id": p, "status": s} for p, s in marks.items()]


class History:
    """A setting, its SENCO, and shorthand for the records tests need."""

    def __init__(self, record: SenRecord, today: date = TODAY) -> None:
        self.record = record
        self.today = today
        self.setting_id = record.register_setting(
            Actor.system("test"), urn=random_urn(), name="History Primary"
        )
        self.senco = Actor("senco@history.example", Role.senco, self.setting_id)

    def pupil(
        self,
        given_name: str = "Amira",
        family_name: str = "Khan",
        born: date = date(2017, 3, 14),
        class_name: str = "4B",
        admitted_on: date | None = ADMITTED,
    ) -> UUID:
        return self.record.register_pupil(
            self.senco,
            today=self.today,
            upn=upn(),
            given_name=given_name,
            family_name=family_name,
            date_of_birth=born,
            class_name=class_name,
            admitted_on=admitted_on,
        )

    def staff(self, name: str = "Jo Bloggs") -> UUID:
        return self.record.register_staff(self.senco, name=name, role=StaffRole.ta)

    def intervention(self, staff_ids: list[UUID], **overrides: Any) -> UUID:
        return self.record.plan_intervention(self.senco, staff_ids=staff_ids, **(INTERVENTION | overrides))

    def enrol(self, intervention_id: UUID, pupil_id: UUID, starts_on: date = date(2026, 9, 21)) -> UUID:
        return self.record.enrol_pupil(self.senco, intervention_id, pupil_id=pupil_id, starts_on=starts_on)

    def session(
        self,
        intervention_id: UUID,
        delivered_by: UUID,
        on: date,
        marks: dict[UUID, AttendanceStatus],
        session_id: UUID | None = None,
    ) -> UUID:
        session_id = session_id or uuid4()
        self.record.record_session(
            self.senco,
            intervention_id,
            today=self.today,
            session_id=session_id,
            delivered_on=on,
            minutes=20,
            delivered_by=delivered_by,
            focus="HFW",
            notes="",
            attendance=attendance(marks),
        )
        return session_id

    def group(self, *pupil_ids: UUID, **planned: Any) -> tuple[UUID, UUID]:
        """A new TA and an intervention they run, ``pupil_ids`` enrolled from its start: (TA, intervention)."""
        staff_id = self.staff()
        intervention_id = self.intervention([staff_id], **planned)
        for pupil_id in pupil_ids:
            self.enrol(intervention_id, pupil_id)
        return staff_id, intervention_id

    def missed(self, intervention_id: UUID, on: date, reason: MissedReason) -> UUID:
        """A session the timetable had on ``on`` that did not run."""
        return self.record.record_missed_session(
            self.senco, intervention_id, today=self.today, scheduled_on=on, reason=reason, notes=""
        )

    def correct_session(
        self, intervention_id: UUID, session_id: UUID, marks: dict[UUID, AttendanceStatus], reason: str
    ) -> None:
        """The session's register corrected to ``marks``."""
        self.record.correct_session(
            self.senco,
            intervention_id,
            session_id,
            today=self.today,
            reason=reason,
            attendance=attendance(marks),
        )

    def withdraw(self, intervention_id: UUID, pupil_id: UUID, on: date, reason: str) -> None:
        self.record.withdraw_pupil(
            self.senco, intervention_id, pupil_id, today=self.today, withdrawn_on=on, reason=reason
        )

    def review_intervention(
        self,
        intervention_id: UUID,
        on: date,
        summary: str,
        next_due: date | None,
        decision: InterventionDecision = InterventionDecision.continue_,
    ) -> None:
        self.record.review_intervention(
            self.senco,
            intervention_id,
            today=self.today,
            reviewed_on=on,
            summary=summary,
            decision=decision,
            next_review_due_on=next_due,
        )

    def end_intervention(self, intervention_id: UUID, on: date, reason: str) -> None:
        self.record.end_intervention(
            self.senco, intervention_id, today=self.today, ended_on=on, reason=reason
        )

    def train(self, staff_id: UUID, programme: str, on: date, expires_on: date | None = None) -> None:
        self.record.record_training(
            self.senco,
            staff_id,
            today=self.today,
            programme=programme,
            completed_on=on,
            expires_on=expires_on,
        )

    def sen_status(
        self,
        pupil_id: UUID,
        status: SenProvision,
        on: date,
        notified_on: date | None = None,
        reason: str = "",
    ) -> UUID:
        return self.record.change_sen_status(
            self.senco,
            pupil_id,
            today=self.today,
            status=status,
            effective_on=on,
            parents_notified_on=notified_on,
            reason=reason,
        )

    def need(self, pupil_id: UUID, need_type: NeedType, rank: int, on: date) -> UUID:
        return self.record.identify_need(
            self.senco,
            pupil_id,
            today=self.today,
            need_type=need_type,
            rank=rank,
            identified_on=on,
            description="",
        )

    def end_need(self, pupil_id: UUID, need_type: NeedType, on: date) -> None:
        self.record.end_need(
            self.senco, pupil_id, today=self.today, need_type=need_type, ended_on=on, reason=""
        )

    def milestone(self, pupil_id: UUID, milestone: EhcpMilestone, on: date) -> None:
        self.record.record_ehcp_milestone(
            self.senco, pupil_id, today=self.today, milestone=milestone, reached_on=on, notes=""
        )

    def notify_parents(self, pupil_id: UUID, on: date, how: str) -> None:
        self.record.notify_parents(self.senco, pupil_id, today=self.today, notified_on=on, how=how)

    def move_class(self, pupil_id: UUID, class_name: str, on: date) -> None:
        self.record.move_class(self.senco, pupil_id, today=self.today, class_name=class_name, moved_on=on)

    def leave(self, pupil_id: UUID, on: date, destination: str) -> None:
        self.record.record_leaving(
            self.senco, pupil_id, today=self.today, left_on=on, destination=destination
        )

    def information_request(
        self, pupil_id: UUID, kind: RequesterKind, received_on: date, requester: str, reference: str = ""
    ) -> Any:
        """A request for the pupil's information: the InformationRequest recorded."""
        return self.record.receive_information_request(
            self.senco,
            pupil_id,
            today=self.today,
            requester=requester,
            requester_kind=kind,
            reference=reference,
            received_on=received_on,
            asks_for="SEN status",
            purpose="An assessment",
        )

    def assess(
        self,
        pupil_id: UUID,
        on: date,
        value: int | str,
        kind: AssessmentKind,
        intervention_id: UUID | None = None,
        **measured: Any,
    ) -> UUID:
        """A reading age unless ``measured`` names another instrument, measure or scale."""
        fields = assessment_fields(on, value, kind, intervention_id, **measured)
        return self.record.record_assessment(self.senco, pupil_id, today=self.today, **fields)

    def plan(
        self,
        pupil_id: UUID,
        starts_on: date,
        review_due_on: date,
        outcomes: list[dict[str, Any]] | None = None,
    ) -> UUID:
        return self.record.draft_plan(
            self.senco,
            pupil_id,
            today=self.today,
            starts_on=starts_on,
            review_due_on=review_due_on,
            outcomes=outcomes
            or [
                {
                    "description": "Reads 100 high-frequency words",
                    "measure": "words a minute",
                    "target": "100",
                }
            ],
            strategies=[{"code": "CL5", "description": "Precision teaching"}],
            expected_impact="Reads fluently enough to join guided reading",
            pupil_views="",
            parent_views="",
            home_actions="",
        )

    def review(
        self,
        plan_id: UUID,
        on: date,
        rating: Rating,
        next_due: date | None,
        decision: Decision = Decision.continue_,
        tried: str = "Precision teaching three times a week",
    ) -> UUID:
        """A review rating every outcome of the plan ``rating``."""
        outcomes = [
            {"outcome_id": o, "rating": rating, "evidence": ""}
            for o in self.record.plan(self.senco, plan_id).outcomes
        ]
        fields = review_fields(on, outcomes, decision, next_due, tried=tried)
        return self.record.review_plan(self.senco, plan_id, today=self.today, **fields)
