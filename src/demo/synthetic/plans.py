"""Support plans: one a term for every pupil on the register, agreed with
parents and reviewed near the end of the term (continue, adjust, end support
or request an EHC needs assessment)."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates import SupportPlan
from apdr.aggregates.codes import AreaOfNeed, Decision, Rating, SenProvision
from apdr.aggregates.support_plan import close_plan, draft_next_plan, review_plan
from apdr.demo.reviews import rated_outcomes
from apdr.demo.synthetic.agenda import AFTERNOON, MORNING, _Agenda, _Pupil
from apdr.demo.synthetic.vocabulary import EHCP_REQUEST_PER_REVIEW, LEAVES_REGISTER_PER_REVIEW, OUTCOMES


class _SupportPlans(_Agenda):
    def _review_date(self, day: date) -> date:
        """The plan's review: near the end of the term that ``day`` falls in (or the next, if too near)."""
        term = self.term_of(day) or self.term_after(day)
        if term is None:
            return day + timedelta(weeks=12)
        if (term.ends_on - day).days < 28:
            following = self.term_after(term.ends_on)
            if following is None:
                return term.ends_on + timedelta(weeks=8)
            term = following
        return term.ends_on - timedelta(days=self.rng.randint(3, 14))

    def _first_plan(self, pupil: _Pupil, day: date) -> None:
        start = self.teaching_day_on_or_after(day + timedelta(days=self.rng.randint(3, 12)))
        self.at(start, MORNING, self._draft_plan, pupil, start)

    def _draft_plan(self, pupil: _Pupil, day: date) -> None:
        if pupil.left or not pupil.on_register:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        area = self._area(pupil)
        outcomes = rng.sample(OUTCOMES[area], k=min(len(OUTCOMES[area]), rng.choice([2, 2, 3])))
        review_due_on = self._review_date(day)
        previous = pupil.plan
        plan = draft_next_plan(
            aggregate,
            previous,
            plan_id=self.new_id(),
            starts_on=day,
            review_due_on=review_due_on,
            outcomes=[{"description": d, "measure": m, "target": t} for d, m, t in outcomes],
            strategies=[
                {
                    "code": rng.choice(self._codes(area)),
                    "description": "Targeted strategy from the LA guidance",
                },
                {"code": None, "description": "Visual timetable and pre-teaching of vocabulary"},
            ],
            expected_impact="Closes the gap with peers on the plan's outcomes by the review",
            pupil_views="I want to do more by myself.",
            parent_views="We practise at home most evenings.",
            home_actions="Ten minutes of shared practice each evening",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(aggregate, plan, *([previous] if previous is not None else []))
        pupil.plan = plan
        pupil.plan_events += 2
        if rng.random() < 0.9:
            agreed = day + timedelta(days=rng.randint(2, 15))
            if agreed < review_due_on:
                self.at(agreed, AFTERNOON, self._agree_plan, pupil, plan)
        if rng.random() < 0.05:
            moved = review_due_on + timedelta(days=rng.choice([-7, 7, 14]))
            if moved > day:
                plan.move_review(
                    review_due_on=moved, reason="Parents' evening clash", recorded_by=self.senco_email
                )
                self.emit(plan)
                review_due_on = moved
        if rng.random() < 0.08:
            self.at(day + timedelta(days=rng.randint(14, 40)), AFTERNOON, self._add_to_plan, pupil, plan)
        # Most reviews happen on time; a few late (the overdue-review alert), a few never.
        late = rng.random()
        reviewed_on = review_due_on + timedelta(days=0 if late < 0.9 else rng.randint(7, 28))
        if late < 0.98:
            self.at(reviewed_on, AFTERNOON, self._review_plan, pupil, plan, reviewed_on)

    def _area(self, pupil: _Pupil) -> AreaOfNeed:
        need = pupil.aggregate.needs.get(1)
        return (need and need["need_type"].area) or AreaOfNeed.cognition_learning

    def _codes(self, area: AreaOfNeed) -> list[str]:
        return [c for p in self.programmes if p.area is area for c in p.codes] or ["CL1"]

    def _agree_plan(self, pupil: _Pupil, plan: SupportPlan) -> None:
        if not plan.is_open or plan.agreed_on is not None:
            return
        day = self.day
        plan.agree_with_parents(
            agreed_on=day,
            agreed_with="Parent",
            notes="Agreed at a meeting",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(plan)
        pupil.plan_events += 1

    def _add_to_plan(self, pupil: _Pupil, plan: SupportPlan) -> None:
        if not plan.is_open:
            return
        if self.rng.random() < 0.5:
            plan.add_strategy(
                strategy={"code": None, "description": "Movement breaks between tasks"},
                recorded_by=self.teacher_email,
            )
        else:
            plan.add_outcome(
                outcome={"description": "Joins in at playtime", "measure": "days a week", "target": "4"},
                reason="Raised by parents at the plan meeting",
                recorded_by=self.teacher_email,
            )
        self.emit(plan)
        pupil.plan_events += 1

    def _review_plan(self, pupil: _Pupil, plan: SupportPlan, day: date) -> None:
        if pupil.left or not plan.is_open or pupil.plan is not plan:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        ratings = [
            rng.choices([Rating.not_met, Rating.partly_met, Rating.met, Rating.exceeded], [20, 40, 32, 8])[0]
            for _ in plan.outcomes
        ]
        terms_on_register = len(aggregate.plan_ids)
        draw = rng.random()
        if (
            aggregate.sen_status is SenProvision.sen_support
            and terms_on_register >= 2
            and draw < LEAVES_REGISTER_PER_REVIEW
        ):
            decision = Decision.end_support
        elif (
            aggregate.sen_status is SenProvision.sen_support
            and not pupil.ehcp_pending
            and terms_on_register >= 3
            and draw > 1 - EHCP_REQUEST_PER_REVIEW
        ):
            decision = Decision.request_ehcp
        else:
            decision = Decision.continue_ if Rating.not_met not in ratings else Decision.adjust
        following = self.term_after(day)
        next_start = (
            self.teaching_day_on_or_after(following.starts_on + timedelta(days=rng.randint(3, 10)))
            if following
            else day + timedelta(weeks=3)
        )
        next_review = self._review_date(next_start) if decision is not Decision.end_support else None
        review_plan(
            aggregate,
            plan,
            reviewed_on=day,
            outcomes=rated_outcomes(plan.outcomes, ratings),
            tried="Small-group intervention and the strategies in the plan",
            learned="Short, frequent practice works best",
            pleased="Growing confidence",
            concerned="Still finds unstructured times hard" if Rating.not_met in ratings else "",
            pupil_views="It is getting easier",
            parent_views="We see progress at home",
            decision=decision,
            next_review_due_on=next_review,
            recorded_by=self.teacher_email,
            today=day,
        )
        pupil.plan_events += 1
        if not plan.is_open:
            self.emit(plan, aggregate)
            pupil.plan_events += 1
            self._off_register(pupil, day)
            return
        self.emit(plan)
        if decision is Decision.request_ehcp:
            self.at(day + timedelta(days=rng.randint(7, 21)), AFTERNOON, self._start_ehcp_request, pupil)
        self.at(next_start, MORNING, self._draft_plan, pupil, next_start)

    def _start_ehcp_request(self, pupil: _Pupil) -> None:
        if not pupil.left:
            self._request_ehcp(pupil, self.day)

    def _off_register(self, pupil: _Pupil, day: date) -> None:
        aggregate = pupil.aggregate
        for rank in (2, 1):
            if rank in aggregate.needs:
                aggregate.end_need(
                    need_type=aggregate.needs[rank]["need_type"],
                    ended_on=day,
                    reason="Making good progress without additional support",
                    recorded_by=self.senco_email,
                    today=day,
                )
        self._status(pupil, SenProvision.no_sen, day, day, "No longer needs SEN support")
        self.emit(aggregate)

    def _close_plan(self, pupil: _Pupil, day: date, reason: str) -> None:
        plan = pupil.plan
        assert plan is not None
        close_plan(
            pupil.aggregate, plan, closed_on=day, reason=reason, recorded_by=self.senco_email, today=day
        )
        self.emit(plan, pupil.aggregate)
        pupil.plan_events += 2
