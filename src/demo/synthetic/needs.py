"""The SEN register: pupils identified (or arriving) with needs, their status
and parents' notification, outside advice, one-page profiles and assessments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from apdr.aggregates.codes import AssessmentKind, ConcernSource, EhcpMilestone, NeedType, Scale, SenProvision
from apdr.demo.synthetic.agenda import AFTERNOON, _Agenda, _Pupil
from apdr.demo.synthetic.vocabulary import ADVICE, NEEDS_ON_SUPPORT, NEEDS_WITH_PLAN, SECOND_NEEDS, _weighted


class _Register(_Agenda):
    def _need(self, pupil: _Pupil, need: NeedType, rank: int, on: date, today: date) -> None:
        pupil.aggregate.identify_need(
            need_type=need,
            rank=rank,
            identified_on=on,
            description="Identified through assess, plan, do, review",
            recorded_by=self.senco_email,
            today=today,
        )

    def _needs(self, pupil: _Pupil, weights: dict[NeedType, float], on: date, today: date) -> None:
        rng = self.rng
        primary = _weighted(rng, weights)
        if primary is NeedType.NSA:
            return  # identified once the pupil is on SEN support (a census rule)
        self._need(pupil, primary, 1, on, today)
        if rng.random() < 0.3:
            self._need(pupil, rng.choice([n for n in SECOND_NEEDS if n is not primary]), 2, on, today)

    def _status(
        self, pupil: _Pupil, status: SenProvision, on: date, today: date, reason: str, notified: bool = True
    ) -> None:
        pupil.aggregate.change_sen_status(
            status=status,
            effective_on=on,
            parents_notified_on=on if notified else None,
            reason=reason,
            recorded_by=self.senco_email,
            today=today,
        )

    def _arrives_on_support(self, pupil: _Pupil, day: date) -> None:
        earlier = max(
            day - timedelta(days=self.rng.randint(60, 700)), self._born(pupil) + timedelta(days=730)
        )
        self._needs(pupil, NEEDS_ON_SUPPORT[self.spec.phase], min(earlier, day), day)
        self._status(pupil, SenProvision.sen_support, day, day, "On SEN support at the previous school")
        if not pupil.aggregate.needs:
            self._need(pupil, NeedType.NSA, 1, day, day)
        self.emit(pupil.aggregate)
        self._first_plan(pupil, day)

    def _arrives_with_plan(self, pupil: _Pupil, day: date) -> None:
        rng = self.rng
        aggregate = pupil.aggregate
        requested = max(day - timedelta(days=rng.randint(200, 900)), self._born(pupil) + timedelta(days=800))
        requested = min(requested, day - timedelta(days=150))
        self._needs(pupil, NEEDS_WITH_PLAN, requested - timedelta(days=60), day)
        if not aggregate.needs:
            self._need(pupil, NeedType.ASD, 1, requested - timedelta(days=60), day)
        for milestone, weeks in (
            (EhcpMilestone.requested, 0),
            (EhcpMilestone.decision_to_assess, 6),
            (EhcpMilestone.plan_issued, 20),
        ):
            aggregate.record_ehcp_milestone(
                milestone=milestone,
                reached_on=requested + timedelta(weeks=weeks),
                notes="Recorded from the previous school's file",
                recorded_by=self.senco_email,
                today=day,
            )
        self._status(pupil, SenProvision.ehc_plan, day, day, "Joined with an EHC plan")
        self.emit(aggregate)
        issued = requested + timedelta(weeks=20)
        review = issued + timedelta(days=rng.randint(330, 364))
        while review < day:
            review += timedelta(days=365)
        self.at(self.teaching_day_on_or_after(review), AFTERNOON, self._annual_review, pupil)
        self._first_plan(pupil, day)

    def _identify(self, pupil: _Pupil, day: date) -> None:
        if pupil.left or pupil.on_register:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        if rng.random() < 0.6:
            aggregate.raise_concern(
                raised_on=day - timedelta(days=rng.randint(14, 42)),
                raised_by=rng.choice([ConcernSource.parent, ConcernSource.staff, ConcernSource.staff]),
                raised_by_name=rng.choice(["Class teacher", "Parent", "Form tutor"]),
                concern="Progress well below that of peers despite adapted teaching",
                recorded_by=self.teacher_email,
                today=day,
            )
        # Ending needs on leaving the register leaves none; a pupil identified again starts afresh.
        self._needs(pupil, NEEDS_ON_SUPPORT[self.spec.phase], day, day)
        notified = rng.random() < 0.9
        self._status(
            pupil,
            SenProvision.sen_support,
            day,
            day,
            "Needs support additional to high-quality teaching",
            notified,
        )
        if not aggregate.needs:
            self._need(pupil, NeedType.NSA, 1, day, day)
        self.emit(aggregate)
        if not notified and rng.random() < 0.7:
            self.at(day + timedelta(days=rng.randint(10, 40)), AFTERNOON, self._notify_parents, pupil)
        if rng.random() < 0.35:
            self.at(day + timedelta(days=rng.randint(40, 120)), AFTERNOON, self._advice, pupil)
        self._update_profile(pupil, day)
        self._first_plan(pupil, day)

    def _notify_parents(self, pupil: _Pupil) -> None:
        if pupil.left or not pupil.on_register or pupil.aggregate.parents_notified_on is not None:
            return
        day = self.day
        if pupil.aggregate.sen_status_since and day < pupil.aggregate.sen_status_since:
            return
        pupil.aggregate.notify_parents(
            notified_on=day, how="Letter and meeting", recorded_by=self.senco_email, today=day
        )
        self.emit(pupil.aggregate)

    def _advice(self, pupil: _Pupil) -> None:
        if pupil.left or not pupil.on_register:
            return
        day = self.day
        pupil.aggregate.receive_advice(
            source=self.rng.choice(ADVICE),
            received_on=day,
            author="Visiting professional",
            summary="Assessment in school, with recommendations for the plan",
            recommendations=["Pre-teach key vocabulary", "Short, chunked instructions with visual support"],
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _update_profile(self, pupil: _Pupil, day: date) -> None:
        if pupil.left:
            return
        pupil.aggregate.update_profile(
            sections={
                "like_and_admire": "Kind, funny and a brilliant builder",
                "important_to_me": "My family and my friends",
                "likes": self.rng.choice(["Football", "Drawing", "Minecraft", "Dancing", "Animals"]),
                "dislikes": "Loud rooms",
                "finds_hard": "Reading long texts",
                "what_helps": "Being told what is coming next",
                "what_does_not_help": "Being rushed",
                "aspirations": self.rng.choice(
                    ["To be a vet", "To be a footballer", "To work with computers"]
                ),
                "teacher_needs_to_know": "I go quiet when I am worried",
            },
            updated_on=day,
            replace=True,
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _standalone_assessment(self, pupil: _Pupil, day: date) -> None:
        if pupil.left:
            return
        age_months = (day - self._born(pupil)).days // 30
        self._assess(
            pupil,
            day,
            "Single word reading test",
            "reading age",
            Scale.age_equivalent_months,
            Decimal(max(36, age_months - self.rng.randint(6, 36))),
            AssessmentKind.standalone,
            None,
        )

    def _assess(
        self,
        pupil: _Pupil,
        day: date,
        instrument: str,
        measure: str,
        scale: Scale,
        value: Decimal,
        kind: AssessmentKind,
        intervention_id: UUID | None,
    ) -> UUID:
        # The same assessment recorded twice is recorded once: use the id it answers.
        assessment_id = pupil.aggregate.record_assessment(
            assessment_id=self.new_id(),
            instrument=instrument,
            measure=measure,
            scale=scale,
            value=value,
            assessed_on=day,
            kind=kind,
            intervention_id=intervention_id,
            notes="",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)
        if self.rng.random() < 0.01:
            self.at(day + timedelta(days=self.rng.randint(1, 10)), AFTERNOON, self._correct_assessment, pupil,
                    assessment_id, value)  # fmt: skip
        return assessment_id

    def _correct_assessment(self, pupil: _Pupil, assessment_id: UUID, value: Decimal) -> None:
        day = self.day
        scale = pupil.aggregate.assessments[assessment_id]["scale"]
        corrected = value + 1 if scale is not Scale.percent or value < 100 else value - 1
        pupil.aggregate.correct_assessment(
            assessment_id=assessment_id,
            value=corrected,
            assessed_on=None,
            reason="Mis-scored: recounted from the test booklet",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)
