"""The setting: its term dates and closures year by year, its staff and their
training, and the users who sign in to it."""

from __future__ import annotations

from datetime import date, timedelta

from apdr.aggregates import Setting, StaffMember, User
from apdr.aggregates.codes import Role
from apdr.aggregates.school_year import SchoolCalendar, Term, default_closures, default_terms
from apdr.aggregates.staff_member import StaffRole
from apdr.demo.synthetic.agenda import AFTERNOON, _Agenda, _with_id
from apdr.demo.synthetic.vocabulary import FAMILY, GIVEN


class _SettingAndStaff(_Agenda):
    def _calendar(self) -> SchoolCalendar:
        terms: list[Term] = []
        closures: set[date] = set()
        self.term_dates: dict[int, tuple[list[Term], list[date]]] = {}
        for year in range(self.first_year, self.last_year + 1):
            year_terms = default_terms(year)
            year_closures = set(default_closures(year))
            # INSET days: the first day of the autumn term and four more, as the school chooses.
            year_closures.add(year_terms[0].starts_on)
            for term in year_terms:
                year_closures.add(term.starts_on + timedelta(days=self.rng.choice([0, 1, 7])))
            year_closures.add(year_terms[1].ends_on)
            year_closures = {d for d in year_closures if d.isoweekday() <= 5}
            terms.extend(year_terms)
            closures |= year_closures
            self.term_dates[year] = (year_terms, sorted(year_closures))
        return SchoolCalendar(tuple(terms), frozenset(closures))

    def _setting(self, start: date) -> None:
        setting = Setting.register(urn=self.spec.urn, name=self.spec.name, recorded_by="synthetic")
        self.setting = setting
        self.setting_id = setting.id
        self._set_term_dates(self.first_year)
        self.emit(setting)

    def _set_term_dates(self, year: int) -> None:
        terms, closures = self.term_dates[year]
        self.setting.set_term_dates(
            academic_year=year,
            terms=[
                {
                    "name": t.name,
                    "starts_on": t.starts_on,
                    "ends_on": t.ends_on,
                    "half_term_starts_on": t.half_term_starts_on,
                    "half_term_ends_on": t.half_term_ends_on,
                }
                for t in terms
            ],
            closures=closures,
            recorded_by=self.senco_email,
        )
        self.emit(self.setting)

    def _staff(self, start: date) -> None:
        rng, spec = self.rng, self.spec
        people = [(StaffRole.senco, 1)]
        people += [(StaffRole.teacher, 2 + spec.pupils // 400), (StaffRole.ta, max(3, spec.pupils // 90))]
        people += [(StaffRole.hlta, 1 + spec.pupils // 800)]
        if spec.phase == "secondary":
            people.append((StaffRole.specialist_teacher, 1))
        self.staff: list[StaffMember] = []
        self.trained: dict[str, list[StaffMember]] = {p.name: [] for p in self.programmes}
        for role, count in people:
            for _ in range(count):
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                email = (
                    f"{name.lower().replace(' ', '.').replace(chr(39), '')}.{len(self.staff)}@{self.domain}"
                )
                validated = StaffMember.register(
                    setting_id=self.setting_id,
                    name=name,
                    role=role,
                    email=email,
                    recorded_by=self.senco_email,
                )
                member = _with_id(validated, self.new_id())
                self.emit(member)
                self.staff.append(member)
        self.senco = self.staff[0]
        deliverers = [s for s in self.staff if s.role is not StaffRole.teacher]
        for programme in self.programmes:
            # Usually two or three trained people; sometimes only one (an alert worth seeing).
            for member in rng.sample(deliverers, k=min(len(deliverers), rng.choice([1, 2, 2, 3, 3, 4]))):
                self.trained[programme.name].append(member)
                self._train(member, programme.name, start - timedelta(days=rng.randint(20, 700)))

    def _train(self, member: StaffMember, programme: str, completed: date) -> None:
        """Training in a programme, renewed before it expires three years later."""
        member.record_training(
            programme=programme,
            completed_on=completed,
            expires_on=completed + timedelta(days=3 * 365),
            recorded_by=self.senco_email,
            today=max(completed, self.day),
        )
        self.emit(member)
        renewed = completed + timedelta(days=3 * 365 - self.rng.randint(1, 60))
        self.at(renewed, AFTERNOON, self._train, member, programme, renewed)

    def _users(self) -> None:
        if self.password_hash is None:
            return
        ta = next((s for s in self.staff if s.role is StaffRole.ta), None)
        for local, role, staff in (
            ("senco", Role.senco, None),
            ("teacher", Role.teacher, None),
            ("ta", Role.ta, ta),
            ("head", Role.leader, None),
        ):
            email = f"{local}@{self.domain}"
            user = User.add(
                email=email,
                role=role,
                setting_id=self.setting_id,
                staff_id=staff.id if staff else None,
                password_hash=self.password_hash,
                recorded_by="synthetic",
            )
            self.emit(user)
            self.result.users[role.value] = email
