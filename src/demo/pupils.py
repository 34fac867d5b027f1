"""The demo school's pupils and their records: needs, SEN status, the EHC
process, advice, one-page profiles, and this term's plan and its review."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates.codes import (
    AdviceSource,
    ConcernSource,
    Decision,
    EhcpMilestone,
    NeedType,
    Rating,
    SenProvision,
)
from apdr.aggregates.school_year import academic_year_of, year_group
from apdr.aggregates.upn import check_letter
from apdr.demo.oakfield import FAMILY, GIVEN, NEEDS
from apdr.demo.reviews import rated_outcomes
from apdr.demo.term import _DemoTerm


def demo_upn(serial: int) -> str:
    body = f"801{1234:04d}{22 + serial // 900:02d}{serial % 900:03d}"
    return check_letter(body) + body


class _DemoPupils(_DemoTerm):
    def _pupils(self) -> list[dict]:
        pupils = []
        academic_year = academic_year_of(self.today)
        for n in range(60):
            year = n % 6 + 1  # Years 1 to 6
            born = date(academic_year - year - 5, 9, 1) + timedelta(days=self.rng.randint(0, 364))
            given, family = GIVEN[n % len(GIVEN)], FAMILY[(n * 7) % len(FAMILY)]
            status = (
                SenProvision.ehc_plan
                if n % 20 == 3
                else SenProvision.sen_support
                if n % 5 in (0, 1, 3)
                else SenProvision.no_sen
            )
            pupil_id = self.record.register_pupil(
                self.senco,
                today=self.today,
                upn=demo_upn(n + 1),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                class_name=f"{year}{'AB'[n % 2]}",
                # Joined in Reception, or (one in six) from another school last year.
                admitted_on=date(academic_year - year - (0 if n % 6 else -year + 1), 9, 4),
            )
            assert year_group(born, self.today) == year
            pupils.append(
                {"id": pupil_id, "status": status, "need": NEEDS[n % len(NEEDS)], "name": f"{given} {family}"}
            )
        return pupils

    def _needs_and_plan(self, pupil: dict) -> None:
        rng, senco = self.rng, self.senco
        # A pupil with an EHC plan has been on SEN support long enough for the statutory process.
        earliest = 300 if pupil["status"] is SenProvision.ehc_plan else 60
        identified = self.term_start - timedelta(days=rng.randint(earliest, 500))
        if rng.random() < 0.3:
            record_id = self.record.raise_concern(
                self.teacher,
                pupil["id"],
                today=self.today,
                raised_on=identified - timedelta(days=20),
                raised_by=rng.choice([ConcernSource.parent, ConcernSource.staff]),
                raised_by_name="",
                concern="Progress in class is well below that of peers despite adapted teaching.",
            )
            assert record_id
        self.record.identify_need(
            senco,
            pupil["id"],
            today=self.today,
            need_type=pupil["need"],
            rank=1,
            identified_on=identified,
            description="Identified through assess-plan-do-review.",
        )
        if rng.random() < 0.25:
            second = rng.choice(
                [n for n in (NeedType.SLCN, NeedType.SEMH, NeedType.SPLD) if n is not pupil["need"]]
            )
            self.record.identify_need(
                senco,
                pupil["id"],
                today=self.today,
                need_type=second,
                rank=2,
                identified_on=identified + timedelta(days=30),
                description="",
            )
        # Code of Practice 6.48: parents formally notified (most of the time: the demo shows the alert).
        notified = identified + timedelta(days=3) if rng.random() < 0.9 else None
        self.record.change_sen_status(
            senco,
            pupil["id"],
            today=self.today,
            status=SenProvision.sen_support,
            effective_on=identified + timedelta(days=3),
            parents_notified_on=notified,
            reason="Needs support additional to high-quality teaching",
        )
        if pupil["status"] is SenProvision.ehc_plan:
            self._ehcp(pupil, identified)
        if rng.random() < 0.4:
            received_on = identified + timedelta(days=rng.randint(30, 120))
            advice_id = self.record.receive_advice(
                senco,
                pupil["id"],
                today=self.today,
                source=rng.choice(
                    [
                        AdviceSource.educational_psychologist,
                        AdviceSource.speech_and_language_therapist,
                        AdviceSource.occupational_therapist,
                        AdviceSource.specialist_teacher,
                    ]
                ),
                received_on=received_on,
                author="",
                summary="Assessment in school; recommendations for the plan.",
                recommendations=[
                    "Pre-teach key vocabulary",
                    "Short, chunked instructions with visual support",
                ],
            )
            responded_on = received_on + timedelta(days=14)
            if responded_on <= self.today:
                self.record.act_on_advice(
                    senco,
                    pupil["id"],
                    advice_id,
                    today=self.today,
                    responded_on=responded_on,
                    action="Both recommendations added to the plan's strategies; class team briefed",
                )
        self.record.update_profile(
            self.teacher,
            pupil["id"],
            today=self.today,
            updated_on=self.term_start,
            sections={
                "like_and_admire": "Kind to younger children; a brilliant builder",
                "important_to_me": "My mum, my nan and my dog",
                "likes": "Football, drawing",
                "dislikes": "Loud rooms",
                "finds_hard": "Reading long texts",
                "what_helps": "Being told what is coming next",
                "what_does_not_help": "Being rushed",
                "aspirations": "To be a vet",
                "teacher_needs_to_know": "I go quiet when I am worried",
            },
            replace=True,
        )
        pupil["plan"] = self.record.draft_plan(
            self.teacher,
            pupil["id"],
            today=self.today,
            starts_on=self.term_start,
            review_due_on=self.term_start + timedelta(weeks=rng.choice([10, 11, 12, 13])),
            outcomes=[
                {
                    "description": "Reads the first 100 high-frequency words",
                    "measure": "words read correctly",
                    "target": "100",
                },
                {
                    "description": "Asks for help when stuck",
                    "measure": "times observed in a week",
                    "target": "3",
                },
            ],
            strategies=[
                {"code": "CL5", "description": "Precision teaching, three times a week"},
                {"code": "SLC1", "description": "Visual timetable"},
            ],
            expected_impact="Closes the gap in reading fluency with peers by the summer term",
            pupil_views="I want to read my comics by myself.",
            parent_views="We read together every evening.",
            home_actions="Ten minutes of shared reading each evening",
        )

    def _ehcp(self, pupil: dict, identified: date) -> None:
        start = identified + timedelta(days=40)
        for milestone, weeks in (("requested", 0), ("decision_to_assess", 5), ("plan_issued", 19)):
            self.record.record_ehcp_milestone(
                self.senco,
                pupil["id"],
                today=self.today,
                milestone=EhcpMilestone(milestone),
                reached_on=start + timedelta(weeks=weeks),
                notes="",
            )
        self.record.change_sen_status(
            self.senco,
            pupil["id"],
            today=self.today,
            status=SenProvision.ehc_plan,
            effective_on=start + timedelta(weeks=19),
            parents_notified_on=start + timedelta(weeks=19),
            reason="EHC plan issued",
        )

    def _review_if_due(self, pupil: dict) -> None:
        plan = self.record.plan(self.senco, pupil["plan"])
        reviewed_on = plan.review_due_on
        if reviewed_on >= self.today:
            return
        ratings = [self.rng.choice([Rating.partly_met, Rating.met, Rating.not_met]) for _ in plan.outcomes]
        self.record.review_plan(
            self.teacher,
            plan.id,
            today=self.today,
            reviewed_on=reviewed_on,
            outcomes=rated_outcomes(plan.outcomes, ratings),
            tried="Precision teaching three times a week; visual timetable",
            learned="Short daily practice works",
            pleased="Growing confidence reading aloud",
            concerned="Still avoids writing tasks",
            pupil_views="Reading is getting easier",
            parent_views="Reads signs in the street now",
            decision=Decision.continue_ if Rating.not_met not in ratings else Decision.adjust,
            next_review_due_on=reviewed_on + timedelta(weeks=12),
        )
