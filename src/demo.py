"""A demo primary school, recorded through the same commands the API uses.

Deterministic for a seed and a date: a few dozen pupils on the SEN register
with needs, plans and reviews, staff and their training, and this term's
interventions with their sessions, missed sessions, assessments and
observations up to the day before ``as_of``.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid5

from apdr.aggregates.codes import (
    AdviceSource,
    AreaOfNeed,
    AssessmentKind,
    AttendanceStatus,
    ConcernSource,
    Decision,
    Delivery,
    EhcpMilestone,
    InterventionDecision,
    MissedReason,
    NeedType,
    Rating,
    Role,
    Scale,
    SenProvision,
    Weekday,
)
from apdr.aggregates.school_year import academic_year_of, calendar_for, year_group
from apdr.aggregates.staff_member import StaffRole
from apdr.aggregates.upn import check_letter
from apdr.application import Actor, SenRecord
from apdr.errors import Conflict

DEMO_URN = "999001"
DEMO_NAME = "Oakfield Primary School"
DEMO_PASSWORD = "oakfield-demo"
DEMO_USERS = [
    ("senco@oakfield.example", Role.senco, "Priya Shah"),
    ("teacher@oakfield.example", Role.teacher, "Tom Reilly"),
    ("ta@oakfield.example", Role.ta, "Grace Okafor"),
    ("head@oakfield.example", Role.leader, "Helen Marsh"),
    ("admin@oakfield.example", Role.admin, None),
]
STAFF = [
    ("Priya Shah", StaffRole.senco, ["Precision teaching", "ELSA", "Talk Boost"]),
    ("Tom Reilly", StaffRole.teacher, ["Numicon intervention"]),
    ("Grace Okafor", StaffRole.ta, ["Precision teaching", "Talk Boost", "Lego therapy"]),
    ("Daniel Hughes", StaffRole.ta, ["Precision teaching", "Numicon intervention"]),
    ("Aisha Begum", StaffRole.hlta, ["ELSA", "Zones of Regulation"]),
    ("Marek Nowak", StaffRole.ta, ["Fine motor skills"]),
]
GIVEN = [
    "Amira",
    "Oliver",
    "Zainab",
    "Harry",
    "Maya",
    "Leo",
    "Ava",
    "Noah",
    "Isla",
    "Kacper",
    "Aaliyah",
    "Jack",
    "Freya",
    "Mohammed",
    "Ruby",
    "Theo",
    "Chloe",
    "Jayden",
    "Layla",
    "Finley",
    "Sofia",
    "Ethan",
    "Grace",
    "Yusuf",
    "Poppy",
    "Alfie",
    "Hana",
    "Reuben",
    "Evie",
    "Tyler",
    "Nia",
    "Samuel",
    "Lily",
    "Dylan",
    "Zara",
    "Kai",
    "Ellie",
    "Arjun",
    "Mia",
    "Callum",
    "Fatima",
    "Logan",
    "Imogen",
    "Idris",
]
FAMILY = [
    "Khan",
    "Smith",
    "Ahmed",
    "Jones",
    "Patel",
    "Williams",
    "Nowak",
    "Brown",
    "Taylor",
    "Begum",
    "Davies",
    "Evans",
    "Okafor",
    "Wilson",
    "Hussain",
    "Thomas",
    "Roberts",
    "Ali",
    "Walker",
    "Wright",
    "Kowalski",
    "Green",
    "Hall",
    "Mensah",
    "Clarke",
    "Lewis",
    "Singh",
    "Murphy",
    "Osei",
    "Hughes",
]
# Broadly the national mix of primary needs on SEN support (SLCN, SEMH, MLD, SPLD, ASD commonest).
NEEDS = (
    [NeedType.SLCN] * 8
    + [NeedType.SEMH] * 6
    + [NeedType.MLD] * 5
    + [NeedType.SPLD] * 4
    + [NeedType.ASD] * 4
    + [NeedType.PD, NeedType.HI, NeedType.VI, NeedType.OTH]
)
INTERVENTIONS = [
    # name, programme, area, codes, aim, delivery, ratio, weekdays, minutes, withdrawn from, cost, needs,
    # (instrument, measure, scale, baseline range, gain per week)
    (
        "Precision teaching: high-frequency words",
        "Precision teaching",
        AreaOfNeed.cognition_learning,
        ["CL5"],
        "Read the first 100 high-frequency words fluently",
        Delivery.small_group,
        "1:3",
        ["mon", "wed", "fri"],
        15,
        "guided reading",
        "950.00",
        {NeedType.MLD, NeedType.SPLD},
        ("Single word reading test", "reading age", Scale.age_equivalent_months, (62, 84), 1.4),
    ),
    (
        "Talk Boost KS1",
        "Talk Boost",
        AreaOfNeed.communication_interaction,
        ["SLC8"],
        "Build vocabulary and narrative language",
        Delivery.small_group,
        "1:4",
        ["tue", "thu"],
        30,
        "phonics",
        "1400.00",
        {NeedType.SLCN},
        ("Talk Boost language assessment", "language score", Scale.raw, (14, 30), 0.9),
    ),
    (
        "ELSA sessions",
        "ELSA",
        AreaOfNeed.semh,
        ["SEMH5"],
        "Recognise and manage feelings of anxiety",
        Delivery.individual,
        "1:1",
        ["wed"],
        30,
        "assembly",
        "1100.00",
        {NeedType.SEMH},
        ("Strengths and Difficulties Questionnaire", "total difficulties", Scale.raw, (15, 24), -0.35),
    ),
    (
        "Lego therapy",
        "Lego therapy",
        AreaOfNeed.communication_interaction,
        ["ASC12"],
        "Take turns and share attention in a small group",
        Delivery.small_group,
        "1:3",
        ["mon", "thu"],
        40,
        "afternoon play",
        "600.00",
        {NeedType.ASD, NeedType.SLCN},
        ("Social communication checklist", "skills observed", Scale.percent, (20, 45), 2.1),
    ),
    (
        "Numicon number sense",
        "Numicon intervention",
        AreaOfNeed.cognition_learning,
        ["SPLD6"],
        "Secure place value to 100",
        Delivery.small_group,
        "1:4",
        ["tue", "wed", "fri"],
        20,
        "maths starter",
        "800.00",
        {NeedType.MLD, NeedType.SPLD},
        ("Sandwell early numeracy test", "numeracy standard score", Scale.standard_score, (72, 88), 0.8),
    ),
    (
        "Zones of Regulation",
        "Zones of Regulation",
        AreaOfNeed.semh,
        ["SEMH7"],
        "Choose a calming strategy when in the yellow or red zone",
        Delivery.small_group,
        "1:6",
        ["fri"],
        45,
        "PE",
        "400.00",
        {NeedType.SEMH, NeedType.ASD},
        ("Boxall profile", "developmental strands", Scale.raw, (30, 55), 0.7),
    ),
    (
        "Fine motor skills group",
        "Fine motor skills",
        AreaOfNeed.sensory_physical,
        ["SPLD11", "PM2"],
        "Form letters legibly with a tripod grip",
        Delivery.small_group,
        "1:4",
        ["mon", "wed"],
        20,
        "handwriting",
        "350.00",
        {NeedType.PD, NeedType.OTH},
        ("Handwriting speed assessment", "letters a minute", Scale.raw, (8, 16), 0.4),
    ),
]


@dataclass(frozen=True)
class DemoSchool:
    name: str
    urn: str
    pupils: int
    on_register: int
    interventions: int
    sessions: int


def demo_upn(serial: int) -> str:
    body = f"999{1234:04d}{22 + serial // 900:02d}{serial % 900:03d}"
    return check_letter(body) + body


def load_demo_school(record: SenRecord, as_of: date, seed: int = 7) -> DemoSchool | None:
    """Record the demo school's history; None if it is already there."""
    try:
        setting_id = record.register_setting(Actor.system("demo"), urn=DEMO_URN, name=DEMO_NAME)
    except Conflict:
        return None
    return _DemoHistory(record, setting_id, as_of, random.Random(seed)).write()


class _DemoHistory:
    def __init__(self, record: SenRecord, setting_id: UUID, as_of: date, rng: random.Random) -> None:
        self.record = record
        self.setting_id = setting_id
        self.today = as_of
        self.rng = rng
        self.senco = Actor("senco@oakfield.example", Role.senco, setting_id)
        self.teacher = Actor("teacher@oakfield.example", Role.teacher, setting_id)
        year = academic_year_of(as_of - timedelta(days=42))
        self.calendar = calendar_for([], [], date(year, 9, 1), as_of)
        self.term_start = next(
            t.starts_on for t in self.calendar.terms if academic_year_of(t.starts_on) == year
        )
        self.sessions = 0

    def write(self) -> DemoSchool:
        staff = self._staff()
        self._users(staff)
        pupils = self._pupils()
        on_register = [p for p in pupils if p["status"] is not SenProvision.no_sen]
        for pupil in on_register:
            self._needs_and_plan(pupil)
        interventions = self._interventions(staff, on_register)
        for pupil in on_register:
            self._review_if_due(pupil)
        return DemoSchool(
            DEMO_NAME, DEMO_URN, len(pupils), len(on_register), len(interventions), self.sessions
        )

    def day(self, weeks_after_start: float) -> date:
        return min(
            self.term_start + timedelta(days=round(weeks_after_start * 7)), self.today - timedelta(days=1)
        )

    def _staff(self) -> dict[str, UUID]:
        ids = {}
        for name, role, programmes in STAFF:
            staff_id = self.record.register_staff(self.senco, name=name, role=role)
            for programme in programmes:
                completed = self.term_start - timedelta(days=self.rng.randint(40, 700))
                self.record.record_training(
                    self.senco,
                    staff_id,
                    today=self.today,
                    programme=programme,
                    completed_on=completed,
                    expires_on=completed + timedelta(days=1095),
                )
            ids[name] = staff_id
        return ids

    def _users(self, staff: dict[str, UUID]) -> None:
        for email, role, name in DEMO_USERS:
            # The demo users may remain from an earlier demo database's setting.
            with contextlib.suppress(Conflict):
                self.record.add_user(
                    Actor.system("demo"),
                    email=email,
                    role=role,
                    password=DEMO_PASSWORD,
                    setting_id=None if role is Role.admin else self.setting_id,
                    staff_id=staff.get(name) if role is Role.ta else None,
                    # Its password is published: the demo's admin manages the demo school alone.
                    admin_of=[self.setting_id] if role is Role.admin else (),
                )

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
            self.record.receive_advice(
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
                received_on=identified + timedelta(days=rng.randint(30, 120)),
                author="",
                summary="Assessment in school; recommendations for the plan.",
                recommendations=[
                    "Pre-teach key vocabulary",
                    "Short, chunked instructions with visual support",
                ],
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

    def _interventions(self, staff: dict[str, UUID], pupils: list[dict]) -> list[UUID]:
        rng = self.rng
        deliverers = {
            programme: [staff[name] for name, _, programmes in STAFF if programme in programmes]
            for *_, programmes in STAFF
            for programme in programmes
        }
        ids = []
        for (
            name,
            programme,
            area,
            codes,
            aim,
            delivery,
            ratio,
            days,
            minutes,
            withdrawn,
            cost,
            needs,
            measure,
        ) in INTERVENTIONS:
            starts = self.day(rng.choice([1, 2]))
            weeks = rng.choice([8, 10, 12])
            last = min(starts + timedelta(weeks=weeks, days=-1), self.today - timedelta(days=1))
            who = deliverers.get(programme) or [staff["Priya Shah"]]
            intervention_id = self.record.plan_intervention(
                self.senco,
                name=name,
                programme=programme,
                area_of_need=area,
                strategy_codes=codes,
                aim=aim,
                delivery=delivery,
                ratio=ratio,
                location=rng.choice(["Library room", "Nurture room", "Year 2 shared area"]),
                weekdays=[Weekday(d) for d in days],
                minutes_per_session=minutes,
                withdrawn_from=withdrawn,
                starts_on=starts,
                planned_weeks=weeks,
                review_due_on=starts + timedelta(weeks=6),
                cost_per_year=Decimal(cost),
                staff_ids=who[:2],
            )
            capacity = int(ratio.split(":")[1]) if delivery is not Delivery.individual else 3
            group = [p for p in pupils if p["need"] in needs][:capacity]
            for pupil in group:
                self.record.enrol_pupil(
                    self.senco,
                    intervention_id,
                    pupil_id=pupil["id"],
                    starts_on=starts,
                    plan_id=pupil.get("plan"),
                )
                self._baseline(pupil, intervention_id, starts, measure)
            self._sessions(intervention_id, starts, last, days, minutes, delivery, who[:2], group)
            finished = last < self.today - timedelta(days=1)
            for pupil in group:
                self._later_assessment(pupil, intervention_id, starts, last, finished, measure)
            observed = starts + timedelta(weeks=3)
            if observed < self.today:
                self.record.observe_delivery(
                    self.senco,
                    intervention_id,
                    today=self.today,
                    observed_on=observed,
                    observer="Priya Shah (SENCO)",
                    fidelity=rng.choice([2, 3, 3, 4]),
                    notes="Resources ready; pace good.",
                    actions="Share the tracking sheet with class teachers",
                )
            if finished:
                self.record.review_intervention(
                    self.senco,
                    intervention_id,
                    today=self.today,
                    reviewed_on=last,
                    decision=InterventionDecision.end,
                    summary="Completed its planned weeks; exit assessments recorded.",
                    next_review_due_on=None,
                )
            ids.append(intervention_id)
        return ids

    def _baseline(self, pupil: dict, intervention_id: UUID, starts: date, measure: tuple) -> None:
        instrument, name, scale, (low, high), _ = measure
        value = Decimal(self.rng.randint(low, high))
        pupil.setdefault("baselines", {})[intervention_id] = value
        self.record.record_assessment(
            self.teacher,
            pupil["id"],
            today=self.today,
            instrument=instrument,
            measure=name,
            scale=scale,
            value=value,
            assessed_on=starts,
            kind=AssessmentKind.baseline,
            intervention_id=intervention_id,
            notes="",
        )

    def _later_assessment(
        self, pupil: dict, intervention_id: UUID, starts: date, last: date, finished: bool, measure: tuple
    ) -> None:
        instrument, name, scale, _, gain = measure
        weeks = (last - starts).days / 7
        if weeks < 6:
            return
        value = pupil["baselines"][intervention_id] + Decimal(
            round(gain * weeks * self.rng.uniform(0.2, 1.6))
        )
        if scale is Scale.percent:
            value = min(value, Decimal(100))
        self.record.record_assessment(
            self.teacher,
            pupil["id"],
            today=self.today,
            instrument=instrument,
            measure=name,
            scale=scale,
            value=max(value, Decimal(0)),
            assessed_on=last,
            kind=AssessmentKind.exit if finished else AssessmentKind.interim,
            intervention_id=intervention_id,
            notes="",
        )

    def _sessions(
        self,
        intervention_id: UUID,
        starts: date,
        last: date,
        days: list[str],
        minutes: int,
        delivery: Delivery,
        staff: list[UUID],
        group: list[dict],
    ) -> None:
        rng = self.rng
        weekdays = [Weekday(d).iso for d in days]
        for day in self.calendar.scheduled_days(weekdays, starts, last):
            if rng.random() < 0.1:
                self.record.record_missed_session(
                    self.senco,
                    intervention_id,
                    today=self.today,
                    scheduled_on=day,
                    reason=rng.choice(
                        [MissedReason.staff_absence, MissedReason.school_event, MissedReason.staff_redeployed]
                    ),
                    notes="",
                )
                continue
            # One-to-one support is a session for each pupil in turn; a group has one session.
            sittings = [[pupil] for pupil in group] if delivery is Delivery.individual else [group]
            for sitting in sittings:
                marks = rng.choices(
                    [AttendanceStatus.present, AttendanceStatus.absent, AttendanceStatus.late],
                    [88, 8, 4],
                    k=len(sitting),
                )
                self.record.record_session(
                    self.senco,
                    intervention_id,
                    today=self.today,
                    session_id=uuid5(intervention_id, f"{day}/{sitting[0]['id']}"),
                    delivered_on=day,
                    minutes=minutes - rng.choice([0, 0, 0, 5]),
                    delivered_by=rng.choice(staff),
                    focus=rng.choice(
                        ["new words: 'because', 'friend'", "recap and timed practice", "game-based practice"]
                    ),
                    notes="",
                    attendance=[
                        {"pupil_id": p["id"], "status": m} for p, m in zip(sitting, marks, strict=True)
                    ],
                )
                self.sessions += 1

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
            outcomes=[
                {"outcome_id": o, "rating": r, "evidence": "Tracked in the intervention log"}
                for o, r in zip(plan.outcomes, ratings, strict=True)
            ],
            tried="Precision teaching three times a week; visual timetable",
            learned="Short daily practice works",
            pleased="Growing confidence reading aloud",
            concerned="Still avoids writing tasks",
            pupil_views="Reading is getting easier",
            parent_views="Reads signs in the street now",
            decision=Decision.continue_ if Rating.not_met not in ratings else Decision.adjust,
            next_review_due_on=reviewed_on + timedelta(weeks=12),
        )
