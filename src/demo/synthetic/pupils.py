"""Pupils joining, moving up a class every September and leaving: in
Reception or Year 7, during the year in others' places, and at the end of
the last year group."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates import Pupil
from apdr.aggregates.pupil import claim_upn
from apdr.aggregates.school_year import Term, academic_year_of
from apdr.aggregates.upn import check_letter
from apdr.demo.synthetic.agenda import AFTERNOON, MORNING, _Agenda, _Pupil, _with_id
from apdr.demo.synthetic.vocabulary import ARRIVES_WITH, FAMILY, GIVEN, LEAVE_DURING_YEAR


class _Roll(_Agenda):
    def _first_pupils(self, start: date) -> None:
        per_year = self.spec.pupils // len(self.spec.year_groups)
        for group in self.spec.year_groups:
            for _ in range(per_year):
                self._join(self.first_year - group - 5, start, group)
        self._plan_churn(self.first_year)

    def _class_name(self, group: int, form: str) -> str:
        return f"{'R' if group == 0 else group}{form}"

    def _upn(self, born_year: int) -> str:
        allocated = (born_year + 5) % 100
        serial = self.upn_serials[allocated]
        self.upn_serials[allocated] += 1
        if serial >= 1000:
            raise ValueError(f"more than 1,000 pupils allocated UPNs in one year in {self.spec.name}")
        body = f"{self.spec.la}{self.spec.establishment}{allocated:02d}{serial:03d}"
        return check_letter(body) + body

    def _join(self, born_year: int, day: date, group: int) -> None:
        rng = self.rng
        born = date(born_year, 9, 1) + timedelta(days=rng.randint(0, 364))
        form = "ABCDEFGHJK"[rng.randrange(self.forms)]
        validated = Pupil.register(
            setting_id=self.setting_id,
            upn=self._upn(born_year),
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=born,
            class_name=self._class_name(group, form),
            recorded_by=self.senco_email,
            today=day,
        )
        aggregate = _with_id(validated, self.new_id())
        claim = claim_upn(setting_id=self.setting_id, upn=aggregate.upn, pupil_id=aggregate.id)
        self.emit(aggregate, claim)
        pupil = _Pupil(aggregate, born_year, form, persistent_absence=rng.random() < 0.05)
        self.pupils.append(pupil)
        self.on_roll[pupil.id] = pupil
        if rng.random() < 0.01:
            self.at(day + timedelta(days=rng.randint(3, 60)), AFTERNOON, self._correct_details, pupil)
        k, e = ARRIVES_WITH[self.spec.phase]
        draw = rng.random()
        if draw < e:
            self._arrives_with_plan(pupil, day)
        elif draw < e + k:
            self._arrives_on_support(pupil, day)

    def _correct_details(self, pupil: _Pupil) -> None:
        if pupil.left:
            return
        day = self.day
        name = pupil.aggregate.family_name
        pupil.aggregate.correct_details(
            changes={"family_name": name + "-" + self.rng.choice(FAMILY)},
            reason="Double-barrelled surname as on the birth certificate",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _new_year(self, term: Term, year: int) -> None:
        first_group = self.spec.year_groups[0]
        moved_on = term.starts_on
        for pupil in self.on_roll.values():
            group = year - pupil.born_year - 5
            pupil.aggregate.move_class(
                class_name=self._class_name(group, pupil.form),
                moved_on=moved_on,
                recorded_by=self.senco_email,
                today=moved_on,
            )
            self.emit(pupil.aggregate)
        per_year = self.spec.pupils // len(self.spec.year_groups)
        for _ in range(per_year):
            self._join(year - first_group - 5, moved_on, first_group)
        self._plan_churn(year)

    def _plan_churn(self, year: int) -> None:
        """A few pupils leave during the year, and others join in their place."""
        rng = self.rng
        terms = [t for t in self.calendar.terms if academic_year_of(t.starts_on) == year]
        leavers = round(self.spec.pupils * LEAVE_DURING_YEAR)
        for _ in range(leavers):
            term = rng.choice(terms)
            day = self.teaching_day_on_or_after(
                term.starts_on + timedelta(days=rng.randint(10, (term.ends_on - term.starts_on).days - 10))
            )
            self.at(day, AFTERNOON, self._churn, day)

    def _churn(self, day: date) -> None:
        rng = self.rng
        year = academic_year_of(day)
        on_roll = list(self.on_roll.values())
        if not on_roll:
            return
        pupil = rng.choice(on_roll)
        group = year - pupil.born_year - 5
        self._leave(pupil, day, rng.choice(["Moved out of the area", "Another school in the LA", "Abroad"]))
        joins = self.teaching_day_on_or_after(day + timedelta(days=rng.randint(1, 20)))
        if academic_year_of(joins) == year:
            self.at(joins, MORNING, self._join, pupil.born_year, joins, group)

    def _summer_ends(self, term: Term) -> None:
        year = academic_year_of(term.starts_on)
        last_group = self.spec.year_groups[-1]
        destination = "Secondary school" if self.spec.phase == "primary" else "Sixth form or college"
        for pupil in list(self.on_roll.values()):
            if year - pupil.born_year - 5 == last_group:
                self._leave(pupil, term.ends_on, destination)
        if year + 1 <= self.last_year:
            self._set_term_dates(year + 1)

    def _leave(self, pupil: _Pupil, day: date, destination: str) -> None:
        for intervention in list(pupil.interventions.values()):
            if intervention.is_enrolled(pupil.id) and intervention.ended_on is None:
                self._withdraw(intervention, pupil, day, "Left the school")
        pupil.interventions.clear()
        if pupil.plan is not None and pupil.plan.is_open:
            self._close_plan(pupil, day, "The pupil left the school")
        pupil.aggregate.leave(left_on=day, destination=destination, recorded_by=self.senco_email, today=day)
        self.emit(pupil.aggregate)
        del self.on_roll[pupil.id]
