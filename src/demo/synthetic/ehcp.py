"""The statutory EHC process: a request, the local authority's decisions and
the plan issued, then its annual reviews."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates.codes import EhcpMilestone, LawfulBasis, NeedType, SenProvision
from apdr.demo.synthetic.agenda import AFTERNOON, _Agenda, _Pupil
from apdr.demo.synthetic.vocabulary import NEEDS_WITH_PLAN, _weighted


class _EhcProcess(_Agenda):
    def _request_ehcp(self, pupil: _Pupil, day: date) -> None:
        rng = self.rng
        aggregate = pupil.aggregate
        last = aggregate.ehcp[-1]["milestone"] if aggregate.ehcp else None
        if last not in (None, EhcpMilestone.decided_not_to_assess, EhcpMilestone.decided_not_to_issue):
            return
        pupil.ehcp_pending = True
        self._milestone(pupil, EhcpMilestone.requested, day)
        decided = day + timedelta(weeks=rng.choice([4, 5, 6, 6, 7]))
        if rng.random() < 0.12:
            self.at(decided, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decided_not_to_assess, decided)
            return
        self.at(decided, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decision_to_assess, decided)
        issued = day + timedelta(weeks=rng.choice([16, 18, 19, 20, 20, 22, 26, 30]))
        if rng.random() < 0.08:
            self.at(issued, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decided_not_to_issue, issued)
        else:
            self.at(issued, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.plan_issued, issued)

    def _milestone(self, pupil: _Pupil, milestone: EhcpMilestone, day: date) -> None:
        pupil.aggregate.record_ehcp_milestone(
            milestone=milestone, reached_on=day, notes="", recorded_by=self.senco_email, today=day
        )
        self.emit(pupil.aggregate)

    def _ehcp_step(self, pupil: _Pupil, milestone: EhcpMilestone, day: date) -> None:
        if pupil.left:
            return
        self._milestone(pupil, milestone, day)
        if milestone in (EhcpMilestone.decided_not_to_assess, EhcpMilestone.decided_not_to_issue):
            pupil.ehcp_pending = False
        if milestone is EhcpMilestone.plan_issued:
            pupil.ehcp_pending = False
            aggregate = pupil.aggregate
            if any(n["need_type"] is NeedType.NSA for n in aggregate.needs.values()):
                aggregate.end_need(
                    need_type=NeedType.NSA,
                    ended_on=day,
                    reason="Specialist assessment completed",
                    recorded_by=self.senco_email,
                    today=day,
                )
                current = {n["need_type"] for n in aggregate.needs.values()}
                need = _weighted(self.rng, {n: w for n, w in NEEDS_WITH_PLAN.items() if n not in current})
                self._need(pupil, need, 1 if not aggregate.needs else 2, day, day)
            if aggregate.sen_status is not SenProvision.ehc_plan:
                self._status(pupil, SenProvision.ehc_plan, day, day, "EHC plan issued")
            self.emit(aggregate)
            review = self.teaching_day_on_or_after(day + timedelta(days=self.rng.randint(320, 360)))
            self.at(review, AFTERNOON, self._annual_review, pupil)

    def _annual_review(self, pupil: _Pupil) -> None:
        if pupil.left or pupil.aggregate.sen_status is not SenProvision.ehc_plan:
            return
        day = self.day
        self._milestone(pupil, EhcpMilestone.annual_review, day)
        pupil.aggregate.share_information(
            shared_on=day,
            shared_with="Local authority SEN team",
            purpose="EHC plan annual review",
            lawful_basis=LawfulBasis.public_task,
            what="Annual review report and advice",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)
        # The school's report within two weeks of the meeting, the LA's decision within
        # four (SEND Regulations 2014 reg. 20); fixed offsets draw nothing from the
        # generator, so the rest of the school's history is unchanged.
        for after, milestone in ((10, EhcpMilestone.review_report_sent), (24, EhcpMilestone.review_decision)):
            on = day + timedelta(days=after)
            self.at(on, AFTERNOON, self._ehcp_step, pupil, milestone, on)
        if self.rng.random() < 0.5:
            self.at(day + timedelta(days=self.rng.randint(7, 40)), AFTERNOON, self._advice, pupil)
        late = self.rng.random() < 0.1
        review = day + timedelta(days=self.rng.randint(370, 420) if late else self.rng.randint(330, 362))
        self.at(self.teaching_day_on_or_after(review), AFTERNOON, self._annual_review, pupil)
