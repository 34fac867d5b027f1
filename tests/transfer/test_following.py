"""A pupil's record following a file from the MIS: given the pupil's events, when a
file's pupil is followed, then only what differs is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given as for_all
from hypothesis import strategies as st

from apdr.aggregates import Pupil
from apdr.aggregates.codes import NeedType, SenProvision
from apdr.application.imports import ImportJob, follow, registered_from, status_changes
from apdr.transfer.ctf import sen_periods
from apdr.transfer.records import SenPeriod, TransferredPupil
from tests.support.aggregates import BY, TODAY, given, history, invalid, names, then

SETTING = UUID("00000000-0000-4000-8000-000000000001")
FILE_MADE = date(2026, 11, 20)
JOB = ImportJob(SETTING, BY, TODAY, FILE_MADE, "CTF test.xml")
AMIRA = TransferredPupil(
    row=None,
    upn="B801200005001",
    given_name="Amira",
    family_name="Khan",
    date_of_birth=date(2017, 3, 14),
    class_name="4B",
    admitted_on=date(2021, 9, 6),
    sen=(),
    needs=(),
)
K, E, N = SenProvision.sen_support, SenProvision.ehc_plan, SenProvision.no_sen


def _registered(*commands: Any) -> list[Any]:
    scratch = registered_from(AMIRA, JOB)
    return history(scratch, *commands)


def _needs(pupil: Pupil) -> list[str]:
    return [pupil.needs[rank]["need_type"].value for rank in sorted(pupil.needs)]


def _on_support(*needs: NeedType) -> list[Any]:
    return _registered(
        lambda p: p.change_sen_status(
            status=K,
            effective_on=date(2025, 9, 8),
            parents_notified_on=None,
            reason="",
            recorded_by=BY,
            today=TODAY,
        ),
        *(
            lambda p, need=need, rank=rank: p.identify_need(
                need_type=need,
                rank=rank,
                identified_on=date(2025, 9, 8),
                description="",
                recorded_by=BY,
                today=TODAY,
            )
            for rank, need in enumerate(needs, start=1)
        ),
    )


def test_given_a_file_pupil_with_a_sen_history_when_registered_then_each_change_is_dated_as_the_file_dates_it() -> (
    None
):
    incoming = replace(
        AMIRA,
        sen=(SenPeriod(K, date(2023, 9, 4), date(2024, 7, 19)), SenPeriod(E, date(2025, 1, 10))),
        needs=(NeedType.SLCN, NeedType.ASD),
    )

    pupil = registered_from(incoming, JOB)

    events = then(pupil)
    assert names(events) == [
        "Registered",
        "SenStatusChanged",
        "SenStatusChanged",
        "SenStatusChanged",
        "NeedIdentified",
        "NeedIdentified",
    ]
    assert [(e.status, e.effective_on) for e in events[1:4]] == [
        (K, date(2023, 9, 4)),
        (N, date(2024, 7, 19)),  # a gap before the plan: no SEN from the end date
        (E, date(2025, 1, 10)),
    ]
    # The needs as they stand were identified when the provision that holds now began.
    assert [(e.need_type, e.rank, e.identified_on) for e in events[4:]] == [
        (NeedType.SLCN, 1, date(2025, 1, 10)),
        (NeedType.ASD, 2, date(2025, 1, 10)),
    ]


def test_given_a_pupil_when_the_same_file_pupil_is_followed_then_nothing_is_recorded() -> None:
    incoming = replace(AMIRA, sen=(SenPeriod(K, date(2025, 9, 8)),), needs=(NeedType.SPLD,))
    pupil = given(*_on_support(NeedType.SPLD))

    follow(pupil, incoming, JOB)

    assert then(pupil) == []


def test_given_two_needs_when_the_file_gives_only_the_secondary_then_the_primary_ends_and_the_other_takes_its_place() -> (
    None
):
    pupil = given(*_on_support(NeedType.SPLD, NeedType.SEMH))

    follow(pupil, replace(AMIRA, sen=None, needs=(NeedType.SEMH,)), JOB)

    events = then(pupil)
    assert [(names([e])[0], e.need_type) for e in events] == [("NeedEnded", NeedType.SPLD)]
    assert events[0].ended_on == FILE_MADE
    assert _needs(pupil) == ["SEMH"]


def test_given_a_need_when_the_file_ranks_a_new_one_above_it_then_both_are_identified_in_the_files_order() -> (
    None
):
    pupil = given(*_on_support(NeedType.SEMH))

    follow(pupil, replace(AMIRA, sen=None, needs=(NeedType.SPLD, NeedType.SEMH)), JOB)

    assert names(then(pupil)) == ["NeedEnded", "NeedIdentified", "NeedIdentified"]
    assert _needs(pupil) == ["SPLD", "SEMH"]


def test_given_an_nsa_need_when_the_file_moves_the_pupil_to_a_plan_then_the_need_ends_before_the_status_changes() -> (
    None
):
    # Census rule: NSA is only valid with SEN support, so it must go first.
    pupil = given(*_on_support(NeedType.NSA))

    follow(pupil, replace(AMIRA, sen=(SenPeriod(E, date(2026, 10, 1)),), needs=(NeedType.SLCN,)), JOB)

    events = then(pupil)
    assert names(events) == ["NeedEnded", "SenStatusChanged", "NeedIdentified"]
    assert (events[1].status, events[1].effective_on) == (E, date(2026, 10, 1))
    assert _needs(pupil) == ["SLCN"]


def test_given_a_status_when_the_file_holds_older_history_then_it_is_not_recorded_again() -> None:
    pupil = given(*_on_support())

    follow(
        pupil,
        replace(
            AMIRA, sen=(SenPeriod(E, date(2020, 1, 6), date(2021, 1, 4)), SenPeriod(K, date(2025, 9, 8)))
        ),
        JOB,
    )

    assert then(pupil) == []


def test_given_a_pupil_when_the_file_corrects_their_name_and_names_a_new_class_then_a_correction_and_a_move() -> (
    None
):
    pupil = given(*_registered())

    follow(pupil, replace(AMIRA, family_name="Khan-Ali", class_name="5B"), JOB)

    events = then(pupil)
    assert names(events) == ["DetailsCorrected", "MovedClass"]
    assert events[0].changes == {"family_name": "Khan-Ali"}
    assert (events[1].class_name, events[1].moved_on) == ("5B", FILE_MADE)


def test_given_a_ctf_pupil_when_followed_then_the_class_the_school_gave_stands() -> None:
    pupil = given(*_registered())

    follow(pupil, replace(AMIRA, class_name=None, joins_class="Year 5"), JOB)

    assert then(pupil) == []


def test_given_a_file_dating_a_status_in_the_future_when_followed_then_it_is_refused_naming_the_field() -> (
    None
):
    pupil = given(*_registered())

    invalid(
        "effective_on",
        lambda: follow(pupil, replace(AMIRA, sen=(SenPeriod(K, TODAY + timedelta(days=1)),)), JOB),
    )


def test_given_undated_provision_when_changes_are_worked_out_then_it_takes_the_day_given() -> None:
    assert status_changes((SenPeriod(K, None),), undated=FILE_MADE) == [(FILE_MADE, K)]


_days = st.integers(min_value=1, max_value=400).map(lambda n: timedelta(days=n))


@for_all(
    st.lists(st.tuples(st.sampled_from([K, E, N]), _days), min_size=1, max_size=8),
)
def test_given_any_history_when_written_as_periods_and_read_back_then_it_is_the_same_changes(
    steps: list[tuple[SenProvision, timedelta]],
) -> None:
    # A pupil's changes of status as the aggregate records them: each to a new status, later than the last.
    day, status, recorded = date(2015, 9, 1), N, []
    for provision, gap in steps:
        day += gap
        if provision is not status:
            recorded.append((provision, day))
            status = provision

    read_back = status_changes(tuple(sen_periods(recorded)), undated=TODAY)

    assert read_back == [(d, s) for s, d in recorded]


def test_given_a_status_that_gave_way_the_same_day_when_the_file_is_followed_twice_then_the_second_time_records_nothing() -> (
    None
):
    # K ended the day it began, and a plan from that day: only the plan was ever in force.
    incoming = replace(
        AMIRA, sen=(SenPeriod(K, date(2024, 1, 8), date(2024, 1, 8)), SenPeriod(E, date(2024, 1, 8)))
    )
    pupil = given(*then(registered_from(incoming, JOB)))

    follow(pupil, incoming, JOB)

    assert then(pupil) == []
    assert pupil.sen_history == [(E, date(2024, 1, 8))]
    assert sen_periods(pupil.sen_history) == [SenPeriod(E, date(2024, 1, 8))]


def test_given_a_name_corrected_by_one_file_when_a_file_of_the_same_name_puts_it_back_then_that_is_recorded_too() -> (
    None
):
    pupil = given(*_registered())

    for family_name in ("Jones", "Khan", "Jones"):
        follow(pupil, replace(AMIRA, family_name=family_name), JOB)
        (corrected,) = then(pupil)
        assert corrected.changes == {"family_name": family_name}


def test_given_a_status_recorded_since_the_file_was_made_when_it_is_followed_then_the_pupil_is_refused() -> (
    None
):
    pupil = given(*_on_support())  # K since 2025-09-08

    refused = invalid(
        "sen_provision", lambda: follow(pupil, replace(AMIRA, sen=(SenPeriod(E, date(2025, 1, 6)),)), JOB)
    )

    assert "a later change" in refused.message


def test_given_an_nsa_need_when_the_file_ends_sen_support_then_the_need_ends_no_later_than_the_support() -> (
    None
):
    pupil = given(*_on_support(NeedType.NSA))

    follow(pupil, replace(AMIRA, sen=(SenPeriod(K, date(2025, 9, 8), date(2026, 10, 1)),), needs=()), JOB)

    ended, changed = then(pupil)
    assert (ended.need_type, ended.ended_on) == (NeedType.NSA, date(2026, 10, 1))
    assert (changed.status, changed.effective_on) == (N, date(2026, 10, 1))


def test_given_a_pupil_without_sen_when_the_file_puts_them_on_support_with_a_need_then_the_need_dates_from_the_support() -> (
    None
):
    pupil = given(*_registered())

    follow(pupil, replace(AMIRA, sen=(SenPeriod(K, date(2026, 10, 1)),), needs=(NeedType.SPLD,)), JOB)

    changed, identified = then(pupil)
    assert (changed.status, changed.effective_on) == (K, date(2026, 10, 1))
    assert (identified.need_type, identified.identified_on) == (NeedType.SPLD, date(2026, 10, 1))


def test_given_a_file_saying_when_parents_were_told_when_followed_then_the_notification_is_recorded_once() -> (
    None
):
    told = date(2026, 10, 5)
    pupil = given(*_registered())

    follow(pupil, replace(AMIRA, sen=(SenPeriod(K, date(2026, 10, 1)),), parents_notified_on=told), JOB)
    (changed,) = then(pupil)
    follow(pupil, replace(AMIRA, sen=(SenPeriod(K, date(2026, 10, 1)),), parents_notified_on=told), JOB)

    assert (changed.status, changed.parents_notified_on) == (K, told)
    assert then(pupil) == []


def test_given_support_with_no_notification_when_a_file_says_when_parents_were_told_then_it_is_recorded() -> (
    None
):
    pupil = given(*_on_support())  # K since 2025-09-08, parents' notification not recorded

    follow(pupil, replace(AMIRA, sen=(SenPeriod(K, None),), parents_notified_on=date(2025, 9, 12)), JOB)

    (notified,) = then(pupil)
    assert (names([notified]), notified.notified_on) == (["ParentsNotified"], date(2025, 9, 12))
