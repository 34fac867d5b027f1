"""The demo school's interventions this term: planned, with pupils enrolled
and assessed, their sessions and missed sessions, observations and reviews."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid5

from apdr.aggregates.codes import (
    AssessmentKind,
    AttendanceStatus,
    Delivery,
    InterventionDecision,
    MissedReason,
    Scale,
    Weekday,
)
from apdr.demo.oakfield import INTERVENTIONS, STAFF
from apdr.demo.term import _DemoTerm


class _DemoInterventions(_DemoTerm):
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
        _, _, _, (low, high), _ = measure
        value = Decimal(self.rng.randint(low, high))
        pupil.setdefault("baselines", {})[intervention_id] = value
        self._record_on_measure(pupil, intervention_id, measure, value, starts, AssessmentKind.baseline)

    def _later_assessment(
        self, pupil: dict, intervention_id: UUID, starts: date, last: date, finished: bool, measure: tuple
    ) -> None:
        _, _, scale, _, gain = measure
        weeks = (last - starts).days / 7
        if weeks < 6:
            return
        value = pupil["baselines"][intervention_id] + Decimal(
            round(gain * weeks * self.rng.uniform(0.2, 1.6))
        )
        if scale is Scale.percent:
            value = min(value, Decimal(100))
        kind = AssessmentKind.exit if finished else AssessmentKind.interim
        self._record_on_measure(pupil, intervention_id, measure, max(value, Decimal(0)), last, kind)

    def _record_on_measure(
        self,
        pupil: dict,
        intervention_id: UUID,
        measure: tuple,
        value: Decimal,
        assessed_on: date,
        kind: AssessmentKind,
    ) -> None:
        """Record one assessment of a pupil on an intervention's measure."""
        instrument, name, scale, _, _ = measure
        self.record.record_assessment(
            self.teacher,
            pupil["id"],
            instrument=instrument,
            measure=name,
            scale=scale,
            value=value,
            today=self.today,
            assessed_on=assessed_on,
            kind=kind,
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
