"""Inline: a command's events and what they change in the read models commit in one transaction.

``ReadModels.project_inline`` (which ``Apdr.open`` calls) has each save insert its
events on a read-model connection and apply them to every read model that is
current. These tests read the tables directly (``engine.connect``, not ``ask``),
so that nothing catches up on the way: what they see is what the command's own
transaction left.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import RecordConflictError

from apdr.aggregates.record_access import RecordAccess
from apdr.application import Actor, SenRecord
from apdr.projections.interventions import intervention_list
from apdr.projections.pupils import PupilDirectory, pupils, pupils_by_upn
from apdr.runtime import Apdr
from tests.support.history import History


def positions(apdr: Apdr) -> dict[str, int]:
    return {name: apdr.read_models.position(name) for name in apdr.read_models.projections}


def every_read_model_at(apdr: Apdr, position: int) -> dict[str, int]:
    return dict.fromkeys(apdr.read_models.projections, position)


def directory(apdr: Apdr, setting_id: Any) -> dict[str, Any]:
    with apdr.engine.connect() as conn:
        return pupils_by_upn(conn, setting_id)


def test_given_read_models_current_when_a_command_is_recorded_then_its_transaction_has_brought_each_up_to_date(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    apdr.read_models.catch_up()
    staff = history.staff()

    pupil = history.pupil(given_name="Ben", family_name="Okafor")
    intervention = history.intervention([staff])
    history.enrol(intervention, pupil)

    assert positions(apdr) == every_read_model_at(apdr, apdr.read_models.last_notification_id())
    assert list(directory(apdr, history.setting_id).values()) == [pupil]
    with apdr.engine.connect() as conn:
        (listed,) = intervention_list(conn, history.setting_id, status="all", today=history.today)
    assert listed["pupils"] == [{"pupil_id": pupil, "pupil_name": "Ben Okafor"}]
    assert apdr.read_models.catch_up() == 0


def test_given_events_another_process_recorded_when_a_command_is_recorded_then_the_read_models_behind_stay_behind_until_they_catch_up(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    apdr.read_models.catch_up()
    caught_up_to = apdr.read_models.last_notification_id()
    # Another process (an import on the command line, say) records without these read models.
    elsewhere = SenRecord(apdr.settings)
    try:
        first = History(elsewhere).pupil(given_name="Recorded", family_name="Elsewhere")
    finally:
        elsewhere.close()

    second = history.pupil(given_name="Recorded", family_name="Here")

    # Applying only this command's events would skip the other process's: none is applied.
    assert positions(apdr) == every_read_model_at(apdr, caught_up_to)
    assert directory(apdr, history.setting_id) == {}
    apdr.read_models.catch_up()
    assert positions(apdr) == every_read_model_at(apdr, apdr.read_models.last_notification_id())
    assert list(directory(apdr, history.setting_id).values()) == [second]
    assert apdr.record.pupil(Actor.system("test"), first).given_name == "Recorded"  # recorded elsewhere


def test_given_a_read_model_being_rebuilt_when_a_command_is_recorded_then_the_others_take_it_in_and_it_catches_up_after(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    first = history.pupil(given_name="First")
    apdr.read_models.catch_up()
    apdr.read_models.reset("pupils")  # as a rebuild starts

    second = history.pupil(given_name="Second")

    last = apdr.read_models.last_notification_id()
    assert positions(apdr) == every_read_model_at(apdr, last) | {"pupils": 0}
    apdr.read_models.catch_up("pupils")
    assert positions(apdr) == every_read_model_at(apdr, last)
    assert set(directory(apdr, history.setting_id).values()) == {first, second}


def test_given_a_read_model_that_cannot_take_an_event_when_a_command_is_recorded_then_the_command_is_recorded_and_the_read_models_catch_up_once_it_is_mended(
    apdr: Apdr, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = History(apdr.record)
    apdr.read_models.catch_up()
    before = apdr.read_models.last_notification_id()
    mended = PupilDirectory.apply

    def broken(self: PupilDirectory, event: Any, batch: Any) -> None:
        raise RuntimeError("a fault in the pupil directory")

    monkeypatch.setattr(PupilDirectory, "apply", broken)
    pupil = history.pupil(given_name="Recorded", family_name="Anyway")

    assert history.record.pupil(history.senco, pupil).given_name == "Recorded"
    # The whole inline write was undone (a savepoint), not only the directory's part.
    assert positions(apdr) == every_read_model_at(apdr, before)
    with pytest.raises(RuntimeError, match="a fault in the pupil directory"):
        apdr.read_models.catch_up("pupils")

    monkeypatch.setattr(PupilDirectory, "apply", mended)
    apdr.read_models.catch_up()
    assert positions(apdr) == every_read_model_at(apdr, apdr.read_models.last_notification_id())
    assert list(directory(apdr, history.setting_id).values()) == [pupil]


def test_given_a_pupil_changed_since_it_was_loaded_when_the_stale_copy_is_saved_then_it_conflicts_and_nothing_of_it_is_written(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    pupil = history.pupil(given_name="Ada", class_name="4B")
    stale = apdr.record.repository.get(pupil)
    history.record.move_class(
        history.senco, pupil, class_name="5C", moved_on=history.today, today=history.today
    )
    at = positions(apdr)
    events = apdr.read_models.last_notification_id()
    stale.move_class(class_name="6D", moved_on=history.today, recorded_by="test", today=history.today)

    with pytest.raises(RecordConflictError):
        apdr.record.save(stale)

    assert apdr.read_models.last_notification_id() == events
    assert positions(apdr) == at
    # After the rolled-back insert (on PostgreSQL, a gap in the ids), the next command
    # still finds every read model current and brings it up to date.
    history.record.move_class(
        history.senco, pupil, class_name="6E", moved_on=history.today, today=history.today
    )
    assert positions(apdr) == every_read_model_at(apdr, apdr.read_models.last_notification_id())
    with apdr.engine.connect() as conn:
        class_name = conn.execute(sa.select(pupils.c.class_name).where(pupils.c.pupil_id == pupil)).scalar()
    assert class_name == "6E"


def test_given_a_bulk_write_when_saved_with_inline_false_then_it_is_recorded_alone_and_the_read_models_catch_up_after(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    pupil = history.pupil(given_name="Ada", class_name="4B")
    at = positions(apdr)
    moved = apdr.record.repository.get(pupil)
    moved.move_class(class_name="5C", moved_on=history.today, recorded_by="test", today=history.today)

    apdr.record.save(moved, inline=False)  # as an import saves its batches

    assert apdr.read_models.last_notification_id() > max(at.values())
    assert positions(apdr) == at
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        class_name = conn.execute(sa.select(pupils.c.class_name).where(pupils.c.pupil_id == pupil)).scalar()
    assert class_name == "5C"


def test_given_thousands_of_events_in_one_save_when_recorded_inline_then_each_has_its_notification_and_every_read_model_took_them_in(
    apdr: Apdr,
) -> None:
    history = History(apdr.record)
    apdr.read_models.catch_up()
    pupil = history.pupil()
    reads = [
        RecordAccess(
            setting_id=history.setting_id,
            by="senco@history.example",
            role="senco",
            kind="read",
            what=f"page {n}",
            pupil_ids=[pupil],
        )
        for n in range(3000)
    ]

    # One insert, whose answer (3,000 ids) is read only once the insert's pipeline has ended.
    recordings = apdr.record.save(*reads)

    ids = [r.notification.id for r in recordings]
    assert len(set(ids)) == 3000 and ids == sorted(ids)
    assert positions(apdr) == every_read_model_at(apdr, ids[-1])
    assert apdr.read_models.catch_up() == 0
