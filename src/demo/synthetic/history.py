"""One setting's history: its parts composed, and the run through its agenda, term by term."""

from __future__ import annotations

import heapq
from datetime import date, timedelta

from apdr.aggregates.codes import SenProvision
from apdr.aggregates.school_year import Term, academic_year_of
from apdr.demo.synthetic.agenda import AFTERNOON, MORNING
from apdr.demo.synthetic.ehcp import _EhcProcess
from apdr.demo.synthetic.generated import GeneratedSetting, RunningIntervention
from apdr.demo.synthetic.interventions import _Interventions
from apdr.demo.synthetic.needs import _Register
from apdr.demo.synthetic.plans import _SupportPlans
from apdr.demo.synthetic.pupils import _Roll
from apdr.demo.synthetic.sessions import _Sessions
from apdr.demo.synthetic.setting import _SettingAndStaff
from apdr.demo.synthetic.vocabulary import IDENTIFIED_PER_TERM


class _SettingHistory(
    _SettingAndStaff, _Roll, _Register, _EhcProcess, _SupportPlans, _Interventions, _Sessions
):
    """One setting's history, simulated day by day from an agenda of dated actions."""

    def run(self) -> GeneratedSetting:
        self.calendar = self._calendar()
        start = self.calendar.terms[0].starts_on
        self.day = start
        self._setting(start)
        self._staff(start)
        self._users()
        self.day = start
        self._first_pupils(start)
        for term in self.calendar.terms:
            self.at(term.starts_on, MORNING, self._term_starts, term)
            if term.name == "summer":
                self.at(term.ends_on, AFTERNOON, self._summer_ends, term)
        last_reported = 0
        while self.heap:
            ordinal, _, _, action, args = heapq.heappop(self.heap)
            self.day = date.fromordinal(ordinal)
            action(*args)
            if ordinal - last_reported >= 7:
                last_reported = ordinal
                self.advance(date.fromordinal(ordinal))
        self._finish()
        return self.result

    def _term_starts(self, term: Term) -> None:
        year = academic_year_of(term.starts_on)
        if term.name == "autumn" and year > self.first_year:
            self._new_year(term, year)
        rng = self.rng
        # Identification of new needs during the term.
        for pupil in self.on_roll.values():
            if not pupil.on_register and rng.random() < IDENTIFIED_PER_TERM[self.spec.phase]:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(14, 56)))
                self.at(day, MORNING, self._identify, pupil, day)
        # One-page profiles each autumn, standalone assessments each term.
        for pupil in self.on_roll.values():
            if not pupil.on_register:
                continue
            if term.name == "autumn" and rng.random() < 0.8:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(7, 30)))
                self.at(day, AFTERNOON, self._update_profile, pupil, day)
            if rng.random() < 0.5:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(5, 20)))
                self.at(day, AFTERNOON, self._standalone_assessment, pupil, day)
        # This term's interventions.
        day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(7, 12)))
        self.at(day, MORNING, self._form_interventions, day)

    def _finish(self) -> None:
        result = self.result
        result.pupils_ever = len(self.pupils)
        on_roll = [p for p in self.pupils if not p.left]
        result.on_roll = len(on_roll)
        result.sen_support = sum(p.aggregate.sen_status is SenProvision.sen_support for p in on_roll)
        result.ehc_plans = sum(p.aggregate.sen_status is SenProvision.ehc_plan for p in on_roll)
        for p in on_roll:
            if 1 in p.aggregate.needs:
                result.needs[p.aggregate.needs[1]["need_type"].value] += 1
        longest = max(self.pupils, key=lambda p: p.aggregate.version + p.marks + p.plan_events)
        result.longest_pupil_id = longest.id
        result.longest_pupil_events = longest.aggregate.version + longest.marks + longest.plan_events
        for run in self.runs.values():
            i = run.intervention
            if i.ended_on is None and i.planned_end_on(self.today) >= self.today:
                pupils = sorted(i.enrolled_on(self.today - timedelta(days=1)), key=str)
                if pupils:
                    result.running.append(
                        RunningIntervention(
                            i.id,
                            i.delivery,
                            pupils,
                            list(i.staff_ids),
                            i.schedule_on(self.today).minutes_per_session,
                        )
                    )
