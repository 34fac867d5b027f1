"""Interventions: groups of pupils with the same area of need formed each
term, planned at the EEF's typical dosage with trained staff, baseline and
exit assessments, withdrawals, and their reviews."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from apdr.aggregates import Intervention
from apdr.aggregates.codes import (
    AssessmentKind,
    Delivery,
    InterventionDecision,
    NeedType,
    Scale,
    SenProvision,
    Weekday,
)
from apdr.aggregates.school_year import academic_year_of
from apdr.demo.synthetic.agenda import AFTERNOON, SESSIONS, _Agenda, _Pupil, _Run, _with_id
from apdr.demo.synthetic.programmes import LOCATIONS, Measure, Programme


class _Interventions(_Agenda):
    def _programme_for(self, pupil: _Pupil) -> Programme:
        needs = [n["need_type"] for _, n in sorted(pupil.aggregate.needs.items())] or [NeedType.NSA]
        suited = [p for p in self.programmes if needs[0] in p.needs]
        if not suited or self.rng.random() < 0.2:
            suited = [p for p in self.programmes if any(n in p.needs for n in needs)] or list(self.programmes)
        return self.rng.choice(suited)

    def _band(self, pupil: _Pupil, year: int) -> str:
        group = year - pupil.born_year - 5
        if self.spec.phase == "primary":
            return "KS1" if group <= 2 else "KS2"
        return "KS3" if group <= 9 else "KS4"

    def _form_interventions(self, day: date) -> None:
        rng = self.rng
        year = academic_year_of(day)
        buckets: dict[tuple[str, str], list[_Pupil]] = {}
        for pupil in self.on_roll.values():
            if not pupil.on_register or pupil.plan is None or not pupil.plan.is_open:
                continue
            ehcp = pupil.aggregate.sen_status is SenProvision.ehc_plan
            places = sum(1 for i in pupil.interventions.values() if i.ended_on is None)
            wanted = (1 if rng.random() < 0.6 else 0) + (1 if ehcp and rng.random() < 0.6 else 0)
            for _ in range(max(0, min(wanted, 2 - places))):
                programme = self._programme_for(pupil)
                if any(
                    i.programme == programme.name and i.ended_on is None for i in pupil.interventions.values()
                ):
                    continue
                group = buckets.setdefault((programme.name, self._band(pupil, year)), [])
                if pupil not in group:
                    group.append(pupil)
        by_name = {p.name: p for p in self.programmes}
        for (name, band), pupils in sorted(buckets.items()):
            programme = by_name[name]
            size = programme.group
            for n in range(math.ceil(len(pupils) / size)):
                self._run_intervention(programme, band, n + 1, pupils[n * size : (n + 1) * size], day)

    def _run_intervention(
        self, programme: Programme, band: str, n: int, pupils: list[_Pupil], day: date
    ) -> None:
        rng = self.rng
        per_week = rng.randint(*programme.per_week)
        weekdays = {
            3: rng.choice([["mon", "wed", "fri"], ["tue", "wed", "thu"], ["mon", "tue", "thu"]]),
            4: ["mon", "tue", "wed", "thu"],
            5: ["mon", "tue", "wed", "thu", "fri"],
        }[per_week]
        minutes = rng.randrange(programme.minutes[0], programme.minutes[1] + 1, 5)
        weeks = rng.randint(*programme.weeks)
        review_due_on = day + timedelta(weeks=6 if weeks >= 12 else weeks)
        staff = self.trained[programme.name] or [self.senco]
        staff = rng.sample(staff, k=min(len(staff), rng.choice([1, 2])))
        ratio = "1:1" if programme.delivery is Delivery.individual else f"1:{programme.group}"
        validated = Intervention.plan(
            setting_id=self.setting_id,
            name=f"{programme.name}: {band} group {n}",
            programme=programme.name,
            area_of_need=programme.area,
            strategy_codes=list(programme.codes),
            aim=programme.aim,
            delivery=programme.delivery,
            ratio=ratio,
            location=rng.choice(LOCATIONS),
            weekdays=[Weekday(d) for d in weekdays],
            minutes_per_session=minutes,
            withdrawn_from=rng.choice(programme.withdrawn_from),
            starts_on=day,
            planned_weeks=weeks,
            review_due_on=review_due_on,
            cost_per_year=Decimal(round(programme.cost * rng.uniform(0.8, 1.2))).quantize(Decimal("0.01")),
            staff_ids=[s.id for s in staff],
            recorded_by=self.senco_email,
        )
        intervention = _with_id(validated, self.new_id())
        self.emit(intervention)
        run = _Run(intervention, programme, pupils)
        self.runs[intervention.id] = run
        self.result.interventions += 1
        for pupil in pupils:
            # The service layer's checks: on roll, and the plan is one of the pupil's.
            assert not pupil.left and pupil.plan is not None and pupil.plan.id in pupil.aggregate.plan_ids
            intervention.enrol(
                pupil_id=pupil.id, starts_on=day, plan_id=pupil.plan.id, recorded_by=self.senco_email
            )
            self.emit(intervention)
            pupil.interventions[intervention.id] = intervention
            run.baselines[pupil.id] = self._baseline_value(programme.measure, pupil, day)
            self._assess(
                pupil,
                day,
                programme.measure.instrument,
                programme.measure.measure,
                programme.measure.scale,
                run.baselines[pupil.id],
                AssessmentKind.baseline,
                intervention.id,
            )
            if rng.random() < 0.06:
                withdrawn = day + timedelta(days=rng.randint(7, weeks * 7 - 7))
                self.at(withdrawn, AFTERNOON, self._withdraw_during_run, run, pupil, withdrawn)
        last = day + timedelta(weeks=weeks, days=-1)
        days = self.calendar.scheduled_days([Weekday(d).iso for d in weekdays], day, last)
        for session_day in days:
            self.at(session_day, SESSIONS, self._session, run, session_day)
        if days and rng.random() < 0.6:
            observed = days[min(len(days) - 1, rng.randint(6, 15))]
            self.at(observed, AFTERNOON, self._observe, run, observed)
        if weeks >= 12:
            self.at(review_due_on, AFTERNOON, self._mid_review, run, review_due_on, last)
        final = days[-1] if days else last
        if rng.random() < 0.05:
            final += timedelta(days=rng.randint(7, 21))  # reviewed late
        self.at(final, AFTERNOON, self._final_review, run, final)

    def _baseline_value(self, measure: Measure, pupil: _Pupil, day: date) -> Decimal:
        if measure.relative_to_age:
            age_months = (day - self._born(pupil)).days // 30
            value = age_months + self.rng.randint(int(measure.low), int(measure.high))
            return Decimal(max(24, min(value, 290)))
        return Decimal(self.rng.randint(int(measure.low), int(measure.high)))

    def _later_value(self, measure: Measure, baseline: Decimal, weeks: float) -> Decimal:
        gain = measure.gain_per_week * weeks * self.rng.uniform(-0.2, 1.8)
        value = baseline + Decimal(round(gain))
        if measure.scale is Scale.percent:
            value = min(value, Decimal(100))
        if measure.scale is Scale.standard_score:
            value = min(max(value, Decimal(40)), Decimal(160))
        return max(value, Decimal(0))

    def _withdraw(self, intervention: Intervention, pupil: _Pupil, day: date, reason: str) -> None:
        intervention.withdraw(
            pupil_id=pupil.id, withdrawn_on=day, reason=reason, recorded_by=self.senco_email, today=day
        )
        self.emit(intervention)
        pupil.interventions.pop(intervention.id, None)

    def _withdraw_during_run(self, run: _Run, pupil: _Pupil, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None or not intervention.is_enrolled(pupil.id):
            return
        self._withdraw(
            intervention, pupil, day, self.rng.choice(["Needs met another way", "Timetable clash"])
        )
        if not any(intervention.is_enrolled(p.id) for p in run.pupils):
            intervention.end(
                ended_on=day, reason="No pupils left in the group", recorded_by=self.senco_email, today=day
            )
            self.emit(intervention)

    def _mid_review(self, run: _Run, day: date, last: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        weeks = (day - intervention.starts_on).days / 7
        for pupil in run.pupils:
            if intervention.is_enrolled(pupil.id) and self.rng.random() < 0.5:
                self._assess_progress(run, pupil, day, weeks, AssessmentKind.interim)
        intervention.review(
            reviewed_on=day,
            summary="Half way: attendance good, early gains on the measure",
            decision=InterventionDecision.continue_,
            next_review_due_on=max(last, day + timedelta(days=7)),
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)

    def _assess_progress(
        self, run: _Run, pupil: _Pupil, day: date, weeks: float, kind: AssessmentKind
    ) -> None:
        """Assess a pupil on the programme's measure, after ``weeks`` of the intervention."""
        measure = run.programme.measure
        self._assess(
            pupil,
            day,
            measure.instrument,
            measure.measure,
            measure.scale,
            self._later_value(measure, run.baselines[pupil.id], weeks),
            kind,
            run.intervention.id,
        )

    def _final_review(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        weeks = (day - intervention.starts_on).days / 7
        for pupil in run.pupils:
            if intervention.is_enrolled(pupil.id) and not pupil.left:
                self._assess_progress(run, pupil, day, weeks, AssessmentKind.exit)
        intervention.review(
            reviewed_on=day,
            summary="Completed its planned weeks; exit assessments recorded",
            decision=InterventionDecision.end,
            next_review_due_on=None,
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)
        for pupil in run.pupils:
            pupil.interventions.pop(intervention.id, None)
