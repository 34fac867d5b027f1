"""Events recorded before a field was added read as the new shape, in the aggregates and in
every read model: the event store is never rewritten, so old events are upcast as they are read."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent

from apdr.aggregates import Intervention, Pupil, User
from apdr.aggregates.codes import AreaOfNeed, Delivery, Role, Weekday
from apdr.application import Actor
from apdr.config import SCHOOL_TIME
from apdr.errors import InvalidInput
from apdr.projections.accounts import accounts_reaching
from apdr.projections.provision_map import schedules
from apdr.projections.pupils import pupils
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.school import TODAY, upn


def as_version_1(apdr: Apdr, event: object, dropped: str) -> StoredEvent:
    """The event as a release before ``dropped`` was added stored it."""
    stored = apdr.record.mapper.to_stored_event(event)  # type: ignore[arg-type]
    state = json.loads(stored.state)
    del state[dropped], state["class_version"]
    return StoredEvent(
        stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode()
    )


def test_given_a_registration_and_a_plan_recorded_before_their_new_fields_when_read_then_they_take_the_old_meaning(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    pupil = Pupil.register(
        setting_id=history.setting_id,
        upn=upn(),
        given_name="Old",
        family_name="Record",
        date_of_birth=date(2017, 3, 14),
        class_name="4B",
        admitted_on=date(2024, 9, 2),
        recorded_by="senco@school.example",
        today=TODAY,
    )
    intervention = Intervention.plan(
        setting_id=history.setting_id,
        name="Lunch club",
        programme="",
        area_of_need=AreaOfNeed.semh,
        strategy_codes=[],
        aim="Make friends",
        delivery=Delivery.small_group,
        ratio="1:6",
        location="",
        weekdays=[Weekday.mon],
        minutes_per_session=30,
        withdrawn_from="",
        starts_on=date(2026, 9, 21),
        planned_weeks=10,
        review_due_on=date(2026, 11, 30),
        cost_per_year=Decimal(0),
        staff_ids=[],
        recorded_by="senco@school.example",
    )
    (registered,) = pupil.collect_events()
    (planned,) = intervention.collect_events()
    apdr.record.recorder.insert_events(
        [as_version_1(apdr, registered, "admitted_on"), as_version_1(apdr, planned, "outside_lessons")]
    )

    read_pupil = apdr.record.repository.get(pupil.id)
    read_intervention = apdr.record.repository.get(intervention.id)
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        admitted = conn.execute(sa.select(pupils.c.admitted_on).where(pupils.c.pupil_id == pupil.id)).scalar()
        outside = conn.execute(
            sa.select(schedules.c.outside_lessons).where(schedules.c.intervention_id == intervention.id)
        ).scalar()

    # Before admission dates, a pupil was taken to have joined on the day they were registered.
    recorded_on = registered.timestamp.astimezone(SCHOOL_TIME).date()
    assert read_pupil.admitted_on == recorded_on == admitted
    # Before outside_lessons, every intervention was taken to be in lesson time.
    assert read_intervention.schedule_on(date(2026, 9, 21)).outside_lessons is False
    assert outside is False


def test_given_an_admin_added_before_scopes_when_they_act_then_they_manage_no_setting(apdr: Apdr) -> None:
    history = History(apdr.record)
    admin = User.add(
        email="old-admin@school.example",
        role=Role.admin,
        setting_id=None,
        staff_id=None,
        password_hash=apdr.record.passwords.hash("correct horse battery"),
        admin_of=[history.setting_id],
        recorded_by="cli",
    )
    (added,) = admin.collect_events()
    stored = as_version_1(apdr, added, "admin_of")
    state = json.loads(stored.state)
    del state["all_settings"]
    apdr.record.recorder.insert_events(
        [
            StoredEvent(
                stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode()
            )
        ]
    )

    read = apdr.record.user(admin.id)
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        reaching = [u["email"] for u in accounts_reaching(conn, [history.setting_id])]

    # Before scopes, an admin reached every setting: read now as reaching none (fail closed).
    assert (read.admin_of, read.all_settings) == (frozenset(), False)
    assert "old-admin@school.example" not in reaching
    with pytest.raises(InvalidInput) as refused:
        apdr.record.add_user(
            Actor.of(read),
            email="spy@school.example",
            role=Role.senco,
            password="correct horse battery",
            setting_id=history.setting_id,
        )
    assert refused.value.field == "setting"
