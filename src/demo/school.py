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
from typing import Any
from uuid import UUID

from apdr.aggregates.codes import RequesterKind, Role, SenProvision
from apdr.application import Actor, SenRecord
from apdr.demo.interventions import _DemoInterventions
from apdr.demo.oakfield import STAFF
from apdr.demo.pupils import _DemoPupils
from apdr.errors import Conflict, NotFound

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


@dataclass(frozen=True)
class DemoSchool:
    name: str
    urn: str
    pupils: int
    on_register: int
    interventions: int
    sessions: int


def is_demo_loaded(record: SenRecord) -> bool:
    """Whether this database holds the demo school (whose passwords are published)."""
    try:
        record.setting_by_urn(DEMO_URN)
    except NotFound:
        return False
    return True


def load_demo_school(record: SenRecord, as_of: date, seed: int = 7) -> DemoSchool | None:
    """Record the demo school's history; None if it is already there."""
    try:
        setting_id = record.register_setting(Actor.system("demo"), urn=DEMO_URN, name=DEMO_NAME)
    except Conflict:
        return None
    return _DemoHistory(record, setting_id, as_of, random.Random(seed)).write()


class _DemoHistory(_DemoPupils, _DemoInterventions):
    """The demo school's history, part by part, in the order it is recorded."""

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
        self._information_request(on_register[0])
        return DemoSchool(
            DEMO_NAME, DEMO_URN, len(pupils), len(on_register), len(interventions), self.sessions
        )

    def _information_request(self, pupil: dict[str, Any]) -> None:
        """A Youth Offending Team's request, received 25 days ago and not yet decided: due within
        the week, so the SENCO has a decision to make (and an alert saying so)."""
        self.record.receive_information_request(
            self.senco,
            pupil["id"],
            today=self.today,
            requester="Anytown Youth Justice Service",
            requester_kind=RequesterKind.yot,
            reference="YJS-114",
            received_on=self.today - timedelta(days=25),
            asks_for="SEN status, how best to communicate with the young person, and current support",
            purpose="AssetPlus assessment after a first contact with youth justice",
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
