"""The provision map, fed real events on both databases and read through its query."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from apdr.aggregates.codes import AttendanceStatus, Weekday
from apdr.aggregates.school_year import default_calendar
from apdr.projections.provision_map import Totals, Window, provision_rows
from apdr.projections.provision_map import queries as provision_queries
from apdr.runtime import Apdr
from tests.support.history import History

PRESENT, ABSENT, LATE = AttendanceStatus.present, AttendanceStatus.absent, AttendanceStatus.late


def provision(apdr: Apdr, history: History, as_of: date, first: date | None = None) -> list[dict[str, Any]]:
    apdr.read_models.catch_up()
    first = first or date(2026, 9, 1)
    calendar = apdr.record.calendar(history.setting_id, first, as_of)
    with apdr.engine.connect() as conn:
        return list(provision_rows(conn, history.setting_id, Window(first, as_of), calendar))


def test_given_sessions_delivered_when_the_map_is_read_then_it_counts_expected_delivered_and_attended(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT, ben: ABSENT})
    history.session(pt, jo, date(2026, 9, 23), {amira: LATE, ben: PRESENT})

    rows = provision(apdr, history, as_of=date(2026, 9, 25))

    assert [r["pupil_name"] for r in rows] == ["Ben Adams", "Amira Khan"]
    by_name = {r["pupil_name"]: r for r in rows}
    # Mon 21, Wed 23 and Fri 25 September are scheduled teaching days.
    assert by_name["Amira Khan"]["sessions_expected"] == 3
    assert by_name["Amira Khan"]["sessions_delivered"] == 2
    assert by_name["Amira Khan"]["sessions_attended"] == 2  # late still counts as attended
    assert by_name["Ben Adams"]["sessions_attended"] == 1
    row = by_name["Amira Khan"]
    assert row["staff"] == "Jo Bloggs"
    assert row["sessions_per_week"] == 3 and row["weekdays"] == ["mon", "wed", "fri"]
    assert row["cost_per_pupil_per_year"] == "600.00"  # 1200.00 shared by two pupils
    assert row["year_group"] == 5 and row["age"] == 9  # born March 2017: Year 5 in 2026-27
    assert row["ends_on"] == date(2026, 11, 29)  # ten planned weeks from Monday 21 September
    assert row["review_due_on"] == date(2026, 11, 30)


def test_given_the_half_term_week_when_sessions_are_expected_then_it_is_left_out(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.group(amira)
    calendar = default_calendar(2026, 2026)
    scheduled = calendar.scheduled_days([1, 3, 5], date(2026, 9, 21), date(2026, 11, 6))
    half_term = [d for d in scheduled if date(2026, 10, 26) <= d <= date(2026, 10, 30)]

    (row,) = provision(apdr, history, as_of=date(2026, 11, 6))

    assert half_term == []
    assert row["sessions_expected"] == len(scheduled) == 3 * 7 - 3  # seven weeks, less half-term


def test_given_term_dates_set_by_the_setting_when_sessions_are_expected_then_they_follow_them(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.group(amira)
    history.record.set_term_dates(
        history.senco,
        academic_year=2026,
        terms=[
            {
                "name": "autumn",
                "starts_on": date(2026, 9, 3),
                "ends_on": date(2026, 9, 30),
                "half_term_starts_on": date(2026, 9, 21),
                "half_term_ends_on": date(2026, 9, 25),
            }
        ],
        closures=[date(2026, 9, 28)],
    )

    (row,) = provision(apdr, history, as_of=date(2026, 10, 2))

    # Only Wed 30 September is left: 21-25 are a break, 28 a closure, October no term.
    assert row["sessions_expected"] == 1


def test_given_a_withdrawal_when_the_map_is_read_for_later_then_the_row_is_gone(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    _, pt = history.group(amira)
    history.withdraw(pt, amira, date(2026, 10, 2), "moved to a 1:1 programme")

    on_the_day = provision(apdr, history, as_of=date(2026, 10, 2), first=date(2026, 10, 2))
    after = provision(apdr, history, as_of=date(2026, 10, 5), first=date(2026, 10, 5))
    before_enrolment = provision(apdr, history, as_of=date(2026, 9, 18), first=date(2026, 9, 18))
    term_so_far = provision(apdr, history, as_of=date(2026, 10, 16))

    assert len(on_the_day) == 1 and on_the_day[0]["left_on"] == date(2026, 10, 2)
    assert after == [] and before_enrolment == []
    # Over the term so far, the row stays, expecting sessions only while enrolled: 21 Sep to 2 Oct.
    assert [r["sessions_expected"] for r in term_so_far] == [6]


def test_given_corrected_and_voided_sessions_when_the_map_is_read_then_it_counts_the_corrections(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo, pt = history.group(amira)
    first = history.session(pt, jo, date(2026, 9, 21), {amira: ABSENT})
    second = history.session(pt, jo, date(2026, 9, 23), {amira: PRESENT})
    history.correct_session(pt, first, {amira: PRESENT}, "the register was marked on the wrong line")
    history.record.void_session(history.senco, pt, second, reason="recorded against the wrong group")

    (row,) = provision(apdr, history, as_of=date(2026, 9, 25))

    assert (row["sessions_delivered"], row["sessions_attended"]) == (1, 1)


def test_given_a_review_and_an_end_when_the_map_is_read_as_of_dates_then_each_date_shows_its_own_state(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    _, pt = history.group(amira)
    history.review_intervention(pt, date(2026, 10, 9), "Good progress", date(2026, 11, 13))
    history.end_intervention(pt, date(2026, 11, 13), "completed")

    (early,) = provision(apdr, history, as_of=date(2026, 10, 1))
    (middle,) = provision(apdr, history, as_of=date(2026, 10, 20))
    (late,) = provision(apdr, history, as_of=date(2026, 11, 20))
    (at_the_end,) = provision(apdr, history, as_of=date(2026, 11, 13))

    assert (early["review_due_on"], early["reviewed_on"], early["ended"]) == (date(2026, 11, 30), [], False)
    assert (middle["review_due_on"], middle["reviewed_on"]) == (date(2026, 11, 13), [date(2026, 10, 9)])
    assert (late["ended"], late["ends_on"], late["review_due_on"]) == (True, date(2026, 11, 13), None)
    # Nothing is expected after the end: Oct 21, 23, then two full weeks after half-term.
    assert late["sessions_expected"] == at_the_end["sessions_expected"] == middle["sessions_expected"] + 8


def test_given_two_settings_when_one_reads_its_map_then_it_sees_only_its_own(
    apdr: Apdr, history: History
) -> None:
    other = History(apdr.record)
    amira = history.pupil()
    history.group(amira)
    ola = other.pupil("Ola", "Nowak")
    other.group(ola)

    assert [r["pupil_name"] for r in provision(apdr, history, date(2026, 10, 1))] == ["Amira Khan"]
    assert [r["pupil_name"] for r in provision(apdr, other, date(2026, 10, 1))] == ["Ola Nowak"]


def test_given_rows_when_totalled_then_costs_count_each_intervention_once(
    apdr: Apdr, history: History
) -> None:
    pupils = [history.pupil(f"P{n}", "Pupil") for n in range(3)]
    jo, pt = history.group()
    talk = history.intervention([jo], name="Talk Boost", cost_per_year=Decimal("900.50"))
    for p in pupils:
        history.enrol(pt, p)
    history.enrol(talk, pupils[0])
    totals = Totals()

    for row in provision(apdr, history, date(2026, 10, 1)):
        totals.add(row)

    result = totals.as_dict()
    assert (result["rows"], result["pupils"], result["interventions"]) == (4, 3, 2)
    assert result["cost_per_year"] == "2100.50"
    assert result["cost_per_pupil_per_year"] == "700.17"


def test_given_a_rebuild_when_it_finishes_then_the_map_is_identical(apdr: Apdr, history: History) -> None:
    amira = history.pupil()
    jo, pt = history.group(amira)
    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT})
    before = provision(apdr, history, date(2026, 10, 1))

    apdr.read_models.rebuild("provision_map")

    assert provision(apdr, history, date(2026, 10, 1)) == before


def _in_schema(apdr: Apdr, table: str) -> str:
    schema = (apdr.read_models.engine.get_execution_options().get("schema_translate_map") or {}).get(None)
    return f'"{schema}".{table}' if schema else table


@pytest.fixture
def on_postgresql(apdr: Apdr) -> None:
    if apdr.read_models.engine.dialect.name != "postgresql":
        pytest.skip("SQLite plans without sampled statistics: nothing to refresh")


def _sampled_rows(apdr: Apdr, table: str) -> float:
    """What PostgreSQL's planner last sampled of a table: -1 for never."""
    with apdr.read_models.engine.connect() as conn:
        name = _in_schema(apdr, table)
        return float(
            conn.execute(
                sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": name}
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("statistics_after", "sampled"), [(1, 2.0), (10_000, -1.0)], ids=["past the threshold", "under it"]
)
def test_given_a_rebuild_when_it_took_in_enough_events_then_postgresql_samples_its_tables(
    apdr: Apdr, history: History, on_postgresql: None, statistics_after: int, sampled: float
) -> None:
    amira, ben = history.pupil(), history.pupil()
    history.group(amira, ben)
    apdr.read_models.statistics_after = statistics_after  # a school's rebuild is 100,000 events

    apdr.read_models.rebuild("provision_map")

    # A table made again is never sampled (-1) until ANALYZE: after it, the planner knows its two rows.
    assert _sampled_rows(apdr, "provision_enrolments") == sampled


def test_given_a_rebuild_of_one_read_model_when_it_took_in_enough_events_then_only_its_own_tables_are_sampled(
    apdr: Apdr, history: History, on_postgresql: None
) -> None:
    amira, ben = history.pupil(), history.pupil()
    history.group(amira, ben)
    apdr.read_models.statistics_after = 1

    apdr.read_models.rebuild("provision_map")

    # Sampling every read model's tables after each rebuild took a school's register from 0.5 s to 1.0 s.
    assert _sampled_rows(apdr, "provision_enrolments") == 2.0
    assert _sampled_rows(apdr, "chronology_entries") == -1.0


def test_given_commands_written_inline_when_the_log_has_grown_enough_then_a_catch_up_samples_the_tables(
    apdr: Apdr, history: History, on_postgresql: None
) -> None:
    amira, ben = history.pupil(), history.pupil()
    history.group(amira, ben)
    apdr.read_models.rebuild("provision_map")  # its tables made again, and not sampled: too few events
    assert _sampled_rows(apdr, "provision_enrolments") == -1.0

    apdr.read_models.statistics_after = 5  # the log (every command inline) is longer than this
    apdr.read_models.catch_up()

    assert _sampled_rows(apdr, "provision_enrolments") == 2.0


def test_given_a_table_it_cannot_sample_when_a_catch_up_samples_then_it_warns_and_the_read_models_go_on(
    apdr: Apdr, history: History, on_postgresql: None, caplog: pytest.LogCaptureFixture
) -> None:
    amira = history.pupil()
    history.group(amira)
    models = apdr.read_models
    with models.engine.begin() as conn:  # ANALYZE names a table that is not there
        conn.execute(sa.text(f"ALTER TABLE {_in_schema(apdr, 'provision_enrolments')} RENAME TO away"))
    try:
        models.statistics_after = 1
        models.catch_up()
    finally:
        with models.engine.begin() as conn:
            conn.execute(sa.text(f"ALTER TABLE {_in_schema(apdr, 'away')} RENAME TO provision_enrolments"))

    assert "could not sample the read models' tables" in caplog.text
    assert [row["pupil_id"] for row in provision(apdr, history, date(2026, 10, 1))] == [amira]


def reschedule(history: History, intervention: Any, **change: Any) -> None:
    history.record.change_schedule(history.senco, intervention, **change)


def test_given_a_schedule_changed_from_a_date_when_the_map_is_read_then_each_part_counts_the_days_then_timetabled(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    _, pt = history.group(amira)  # Mon, Wed and Fri from 21 September, ten weeks
    before = provision(apdr, history, as_of=date(2026, 10, 9))

    reschedule(history, pt, effective_on=date(2026, 10, 5), weekdays=[Weekday.tue], minutes_per_session=40)

    (earlier,) = provision(apdr, history, as_of=date(2026, 10, 2))
    (later,) = provision(apdr, history, as_of=date(2026, 10, 9))
    # 21 Sep to 2 Oct: Mon, Wed, Fri (6). Then 5 to 9 Oct: Tuesday only (1).
    assert earlier["sessions_expected"] == 6 and earlier["weekdays"] == ["mon", "wed", "fri"]
    assert earlier["minutes_per_session"] == 20
    assert later["sessions_expected"] == 7 and later["weekdays"] == ["tue"]
    assert later["minutes_per_session"] == 40
    assert before[0]["sessions_expected"] == 9


def test_given_an_intervention_extended_after_its_end_when_the_map_is_read_then_the_gap_before_the_change_stays_unexpected(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    _, pt = history.group(amira, planned_weeks=2)  # 21 Sep to 4 Oct

    reschedule(history, pt, effective_on=date(2026, 10, 12), planned_weeks=6, review_due_on=date(2026, 11, 2))

    (row,) = provision(apdr, history, as_of=date(2026, 10, 16))
    # Two weeks as planned (6), nothing in the week of 5 October (the old plan had ended),
    # then the week of 12 October under the extension (3).
    assert row["sessions_expected"] == 9
    assert (row["planned_weeks"], row["ends_on"], row["review_due_on"]) == (
        6,
        date(2026, 11, 1),
        date(2026, 11, 2),
    )
    (as_it_was,) = provision(apdr, history, as_of=date(2026, 10, 9))
    assert (as_it_was["planned_weeks"], as_it_was["ends_on"]) == (2, date(2026, 10, 4))
    assert as_it_was["review_due_on"] == date(2026, 11, 30)


def test_given_a_review_and_a_moved_review_date_when_the_map_is_read_then_the_date_set_last_by_then_is_due(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    _, pt = history.group(amira, review_due_on=date(2026, 10, 16))
    history.review_intervention(pt, date(2026, 10, 16), "On track", date(2026, 12, 11))
    reschedule(history, pt, effective_on=date(2026, 11, 2), review_due_on=date(2026, 11, 27))

    due = {as_of: provision(apdr, history, as_of=as_of)[0]["review_due_on"] for as_of in
           (date(2026, 10, 9), date(2026, 10, 20), date(2026, 11, 5))}  # fmt: skip

    assert due == {
        date(2026, 10, 9): date(2026, 10, 16),
        date(2026, 10, 20): date(2026, 12, 11),
        date(2026, 11, 5): date(2026, 11, 27),
    }


def test_given_a_pupil_enrolled_after_the_interventions_in_place_were_read_when_the_map_is_read_then_the_row_has_its_timetable(
    apdr: Apdr, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL each statement reads what was committed when it began: an intervention's
    first pupil in the window can be enrolled between the map's first query and its rows."""
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT, ben: ABSENT})
    found_first = provision(apdr, history, as_of=date(2026, 9, 25))

    monkeypatch.setattr(provision_queries, "_interventions_in_place", lambda *_: [])
    found_late = provision(apdr, history, as_of=date(2026, 9, 25))

    assert found_late == found_first
    assert [r["staff"] for r in found_late] == ["Jo Bloggs", "Jo Bloggs"]
