"""A command uses its cached aggregates as they are while the log holds nothing newer
of them (``CachedCopies``), and reads the events of an aggregate again only if someone
else recorded some since. It does not look at the log's end first: its insert checks,
in its own transaction, that nothing was recorded since the end its copies were current
at; if something was, or the command was refused, it runs again after looking.

The events read are counted on the real recorder (``select_events``, which the library
calls to fast-forward or rebuild an aggregate), and so are the looks at the log's end
(``max_notification_id``); another process is a second ``SenRecord`` on the same
database."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import RecordConflictError

from apdr.aggregates.codes import AttendanceStatus
from apdr.application import SenRecord, cached, core
from apdr.errors import Conflict, InvalidInput
from apdr.projections.provision_map.queries import pupil_sessions
from apdr.runtime import Apdr
from tests.support.history import History

MONDAY, TUESDAY, WEDNESDAY = date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)
TERMS = [
    {"name": "Autumn", "starts_on": date(2026, 9, 2), "ends_on": date(2026, 12, 18)},
    {"name": "Spring", "starts_on": date(2027, 1, 5), "ends_on": date(2027, 3, 26)},
    {"name": "Summer", "starts_on": date(2027, 4, 12), "ends_on": date(2027, 7, 21)},
]


@contextmanager
def events_read(record: SenRecord, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[UUID]]:
    """The aggregates whose events ``record`` reads from the log meanwhile."""
    read: list[UUID] = []
    select_events: Callable[..., Any] = record.recorder.select_events

    def counted(originator_id: UUID, **kwargs: Any) -> Any:
        read.append(originator_id)
        return select_events(originator_id, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(record.recorder, "select_events", counted)
        yield read


@contextmanager
def looks(record: SenRecord, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The ends of the log ``record`` reads meanwhile (each a look, or a check before an insert)."""
    ends: list[int] = []
    max_notification_id: Callable[[], Any] = record.recorder.max_notification_id

    def counted() -> Any:
        ends.append(end := max_notification_id())
        return end

    with monkeypatch.context() as patched:
        patched.setattr(record.recorder, "max_notification_id", counted)
        yield ends


def sessions_delivered(record: SenRecord, intervention_id: UUID) -> int:
    """The SessionDelivered events in the log for ``intervention_id``."""
    events = record.recorder.select_events(intervention_id)
    return sum(e.topic.endswith("SessionDelivered") for e in events)


@pytest.fixture
def another_process(apdr: Apdr) -> Iterator[SenRecord]:
    elsewhere = SenRecord(apdr.settings)
    try:
        yield elsewhere
    finally:
        elsewhere.close()


def present(*pupils: UUID) -> dict[UUID, AttendanceStatus]:
    return dict.fromkeys(pupils, AttendanceStatus.present)


def a_session_recorded(apdr: Apdr) -> tuple[History, UUID, UUID, UUID]:
    """A pupil in a TA's group, whose Monday session this process has recorded (and so
    cached the intervention and the setting): (history, pupil, TA, intervention)."""
    history = History(apdr.record)
    amira = history.pupil()
    staff, group = history.group(amira)
    history.session(group, staff, MONDAY, present(amira))
    return history, amira, staff, group


def test_given_an_intervention_this_process_saved_when_it_records_the_next_session_then_it_reads_no_events(
    apdr: Apdr, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)

    with events_read(apdr.record, monkeypatch) as read:
        history.session(group, staff, TUESDAY, present(amira))

    assert read == []
    assert len(apdr.record.intervention(history.senco, group).sessions) == 2


def test_given_another_process_changed_the_intervention_when_this_one_records_a_session_then_it_reads_that_intervention_again_and_nothing_else(
    apdr: Apdr, another_process: SenRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)
    elsewhere = copy.copy(history)
    elsewhere.record = another_process
    elsewhere.session(group, staff, TUESDAY, present(amira))

    with events_read(apdr.record, monkeypatch) as read:
        history.session(group, staff, WEDNESDAY, present(amira))

    assert read == [group]
    recorded = apdr.record.intervention(history.senco, group).sessions.values()
    assert sorted(s["delivered_on"] for s in recorded) == [MONDAY, TUESDAY, WEDNESDAY]


def test_given_another_process_closed_the_school_for_a_day_when_this_one_records_a_session_that_day_then_it_is_refused(
    apdr: Apdr, another_process: SenRecord
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)  # the setting cached too

    # The setting is not changed by the session: nothing but the look finds the closure.
    another_process.set_term_dates(history.senco, academic_year=2026, terms=TERMS, closures=[TUESDAY])

    with pytest.raises(InvalidInput) as refused:
        history.session(group, staff, TUESDAY, present(amira))
    assert refused.value.field == "delivered_on"


def test_given_more_recorded_elsewhere_than_is_worth_reading_when_this_process_records_then_it_reads_each_aggregate_again(
    apdr: Apdr, another_process: SenRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)
    History(another_process)  # a setting of its own, far from this intervention
    monkeypatch.setattr(cached, "OTHERS_READ_AT_MOST", 0)

    with events_read(apdr.record, monkeypatch) as read:
        history.session(group, staff, TUESDAY, present(amira))

    assert set(read) == {group, history.setting_id}


def test_given_this_process_recorded_the_last_events_when_it_records_a_session_then_it_does_not_look_at_the_log_s_end(
    apdr: Apdr, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)

    with looks(apdr.record, monkeypatch) as ends, events_read(apdr.record, monkeypatch) as read:
        history.session(group, staff, TUESDAY, present(amira))

    assert ends == [] and read == []
    assert sessions_delivered(apdr.record, group) == 2


def test_given_another_process_recorded_meanwhile_when_this_one_records_a_session_then_it_looks_and_records_it_once(
    apdr: Apdr, another_process: SenRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)
    # Nothing this session needs: only its insert finds the log moved on, and its first attempt is dropped.
    another_process.set_term_dates(history.senco, academic_year=2026, terms=TERMS, closures=[])

    with looks(apdr.record, monkeypatch) as ends:
        history.session(group, staff, TUESDAY, present(amira))

    assert len(ends) == 1  # the look before the second attempt
    assert sessions_delivered(apdr.record, group) == 2
    listed = apdr.read_models.ask(pupil_sessions, history.setting_id, amira, WEDNESDAY)
    assert sorted(s["delivered_on"] for s in listed) == [MONDAY, TUESDAY]


def test_given_another_process_enrolled_a_pupil_when_this_one_marks_her_present_then_it_is_not_refused_on_its_older_copy(
    apdr: Apdr, another_process: SenRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)  # the intervention cached, without Bea
    elsewhere = copy.copy(history)
    elsewhere.record = another_process
    bea = elsewhere.pupil(given_name="Bea")
    elsewhere.enrol(group, bea)

    with looks(apdr.record, monkeypatch) as ends:
        history.session(group, staff, TUESDAY, present(amira, bea))

    assert len(ends) == 1  # after the refusal; the second attempt goes on what that look found

    listed = apdr.read_models.ask(pupil_sessions, history.setting_id, bea, WEDNESDAY)
    assert [s["delivered_on"] for s in listed] == [TUESDAY]


def test_given_others_keep_changing_the_intervention_when_a_session_is_recorded_then_it_runs_its_attempts_after_looking_and_answers_conflict(
    apdr: Apdr, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, amira, staff, group = a_session_recorded(apdr)
    expected_ends: list[int | None] = []

    def always_conflicting(*aggregates: Any, expected_end: int | None = None, **options: Any) -> None:
        expected_ends.append(expected_end)
        raise RecordConflictError("changed meanwhile")

    monkeypatch.setattr(apdr.record, "_store", always_conflicting)

    with pytest.raises(Conflict):
        history.session(group, staff, TUESDAY, present(amira))

    # The first trusted its copies (and is not counted); each of the ATTEMPTS after it looked first.
    assert expected_ends[0] is not None
    assert expected_ends[1:] == [None] * core.ATTEMPTS
