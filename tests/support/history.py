"""Build a setting's history through the service layer (no HTTP), for projection tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from apdr.aggregates.codes import AreaOfNeed, AttendanceStatus, Delivery, Role, Weekday
from apdr.aggregates.staff_member import StaffRole
from apdr.application import Actor, SenRecord
from tests.support.fixtures import ADMITTED, TODAY, random_urn, upn


class History:
    """A setting, its SENCO, and shorthand for the records tests need."""

    def __init__(self, record: SenRecord, today: date = TODAY) -> None:
        self.record = record
        self.today = today
        self.setting_id = record.register_setting(
            Actor.system("test"), urn=random_urn(), name="History Primary"
        )
        self.senco = Actor("senco@history.example", Role.senco, self.setting_id)

    def pupil(
        self,
        given_name: str = "Amira",
        family_name: str = "Khan",
        born: date = date(2017, 3, 14),
        class_name: str = "4B",
        admitted_on: date | None = ADMITTED,
    ) -> UUID:
        return self.record.register_pupil(
            self.senco,
            today=self.today,
            upn=upn(),
            given_name=given_name,
            family_name=family_name,
            date_of_birth=born,
            class_name=class_name,
            admitted_on=admitted_on,
        )

    def staff(self, name: str = "Jo Bloggs") -> UUID:
        return self.record.register_staff(self.senco, name=name, role=StaffRole.ta)

    def intervention(self, staff_ids: list[UUID], **overrides: Any) -> UUID:
        planned: dict[str, Any] = {
            "name": "Precision teaching: HFW",
            "programme": "Precision teaching",
            "area_of_need": AreaOfNeed.cognition_learning,
            "strategy_codes": ["CL5"],
            "aim": "Read the first 100 high-frequency words",
            "delivery": Delivery.small_group,
            "ratio": "1:3",
            "location": "Library room",
            "weekdays": [Weekday.mon, Weekday.wed, Weekday.fri],
            "minutes_per_session": 20,
            "withdrawn_from": "guided reading",
            "starts_on": date(2026, 9, 21),
            "planned_weeks": 10,
            "review_due_on": date(2026, 11, 30),
            "cost_per_year": Decimal("1200.00"),
        } | overrides
        return self.record.plan_intervention(self.senco, staff_ids=staff_ids, **planned)

    def enrol(self, intervention_id: UUID, pupil_id: UUID, starts_on: date = date(2026, 9, 21)) -> UUID:
        return self.record.enrol_pupil(self.senco, intervention_id, pupil_id=pupil_id, starts_on=starts_on)

    def session(
        self,
        intervention_id: UUID,
        delivered_by: UUID,
        on: date,
        marks: dict[UUID, AttendanceStatus],
        session_id: UUID | None = None,
    ) -> UUID:
        session_id = session_id or uuid4()
        self.record.record_session(
            self.senco,
            intervention_id,
            today=self.today,
            session_id=session_id,
            delivered_on=on,
            minutes=20,
            delivered_by=delivered_by,
            focus="HFW",
            notes="",
            attendance=[{"pupil_id": p, "status": s} for p, s in marks.items()],
        )
        return session_id
