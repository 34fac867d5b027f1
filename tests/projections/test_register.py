"""The SEN register as of any date, fed real events on both databases and read through its query."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.codes import EhcpMilestone, NeedType, SenProvision
from apdr.projections.register import SenRegister, register_rows, register_totals
from apdr.runtime import Apdr
from tests.support.history import History

K, E, N = SenProvision.sen_support, SenProvision.ehc_plan, SenProvision.no_sen


def register(apdr: Apdr, history: History, as_of: date, **options: Any) -> list[dict[str, Any]]:
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        return register_rows(conn, history.setting_id, as_of, **options)


def row_of(rows: list[dict[str, Any]], pupil_id: UUID) -> dict[str, Any]:
    (row,) = [r for r in rows if r["pupil_id"] == pupil_id]
    return row


def test_given_a_need_ended_in_march_when_the_register_is_drawn_then_it_is_there_in_february_and_gone_in_april(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.sen_status(amira, K, date(2025, 9, 10), notified_on=date(2025, 9, 12))
    history.need(amira, NeedType.SLCN, 1, date(2025, 9, 10))
    history.need(amira, NeedType.SEMH, 2, date(2025, 11, 3))
    history.end_need(amira, NeedType.SLCN, date(2026, 3, 16))

    february = row_of(register(apdr, history, date(2026, 2, 2)), amira)
    april = row_of(register(apdr, history, date(2026, 4, 20)), amira)
    october = row_of(register(apdr, history, date(2025, 10, 1)), amira)

    assert (february["primary_need"], february["secondary_need"]) == ("SLCN", "SEMH")
    assert february["primary_need_area"] == "communication_interaction"
    assert february["secondary_need_area"] == "semh"
    # The secondary need, left on its own, takes the primary's place.
    assert (april["primary_need"], april["secondary_need"]) == ("SEMH", None)
    assert (october["primary_need"], october["secondary_need"]) == ("SLCN", None)


def test_given_a_pupils_status_history_when_the_register_is_drawn_then_each_date_shows_the_status_then(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    history.sen_status(amira, K, date(2025, 9, 10), notified_on=date(2025, 9, 12))
    history.sen_status(amira, E, date(2026, 3, 2), notified_on=date(2026, 3, 2))
    history.sen_status(ben, K, date(2025, 9, 15))
    history.notify_parents(ben, date(2025, 10, 1), "letter")
    history.sen_status(ben, N, date(2026, 1, 5))

    before = register(apdr, history, date(2025, 9, 1))
    autumn = register(apdr, history, date(2025, 9, 20))
    spring = register(apdr, history, date(2026, 3, 9))

    assert before == []
    assert [(r["name"], r["sen_status"]) for r in autumn] == [("Ben Adams", "K"), ("Amira Khan", "K")]
    # Parents told on 1 October were not yet notified on 20 September.
    assert row_of(autumn, ben)["parents_notified_on"] is None
    assert row_of(register(apdr, history, date(2025, 10, 2)), ben)["parents_notified_on"] == date(2025, 10, 1)
    (amira_in_spring,) = spring
    assert amira_in_spring["sen_status"] == "E"
    assert amira_in_spring["sen_status_since"] == date(2026, 3, 2)
    assert amira_in_spring["parents_notified_on"] == date(2026, 3, 2)


def test_given_no_sen_pupils_when_asked_for_them_too_then_they_are_listed_as_n_from_when_on_roll(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil("Amira", "Khan")
    ben = history.pupil("Ben", "Adams", admitted_on=date(2026, 9, 7))
    history.sen_status(amira, K, date(2025, 9, 10))
    history.sen_status(amira, N, date(2026, 1, 5))

    rows = register(apdr, history, history.today, include_no_sen=True)
    last_year = register(apdr, history, date(2025, 10, 1), include_no_sen=True)

    assert [(r["name"], r["sen_status"]) for r in rows] == [("Ben Adams", "N"), ("Amira Khan", "N")]
    assert row_of(rows, amira)["sen_status_since"] == date(2026, 1, 5)
    assert row_of(rows, ben)["sen_status_since"] is None  # never had a status
    # Ben joined this September: a year ago he was not on roll; Amira was.
    assert [(r["name"], r["sen_status"]) for r in last_year] == [("Amira Khan", "K")]
    assert register(apdr, history, history.today) == []


def test_given_class_moves_and_birthdays_when_the_register_is_drawn_then_class_and_year_group_are_those_of_the_date(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira = history.pupil(born=date(2017, 3, 14), class_name="3B")
    history.sen_status(amira, K, date(2025, 9, 10))
    history.move_class(amira, "4B", date(2026, 9, 2))
    record.correct_pupil_details(senco, amira, today=today, reason="set wrongly", class_name="4C")

    july = row_of(register(apdr, history, date(2026, 7, 1)), amira)
    october = row_of(register(apdr, history, date(2026, 10, 1)), amira)

    assert (july["class_name"], july["year_group"]) == ("3B", 4)
    # The correction puts right the class she is in now, not the one before.
    assert (october["class_name"], october["year_group"]) == ("4C", 5)


def test_given_ehcp_milestones_when_the_register_is_drawn_then_it_lists_those_reached_by_the_date(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.sen_status(amira, K, date(2025, 9, 10))
    for milestone, on in (
        (EhcpMilestone.requested, date(2026, 1, 12)),
        (EhcpMilestone.decision_to_assess, date(2026, 2, 20)),
        (EhcpMilestone.plan_issued, date(2026, 6, 1)),
    ):
        history.milestone(amira, milestone, on)

    march = row_of(register(apdr, history, date(2026, 3, 1)), amira)

    assert march["ehcp_milestones"] == [
        {"milestone": "requested", "reached_on": date(2026, 1, 12)},
        {"milestone": "decision_to_assess", "reached_on": date(2026, 2, 20)},
    ]


def test_given_pupils_who_left_and_another_setting_when_the_register_is_drawn_then_neither_is_on_it(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    history.sen_status(amira, K, date(2025, 9, 10))
    history.sen_status(ben, K, date(2025, 9, 10))
    history.leave(ben, date(2026, 4, 1), "")
    other = History(apdr.record)
    zoe = other.pupil("Zoe", "Other")
    other.sen_status(zoe, K, date(2025, 9, 10))

    march = register(apdr, history, date(2026, 3, 31))
    april = register(apdr, history, date(2026, 4, 1))

    assert {r["pupil_id"] for r in march} == {amira, ben}
    assert {r["pupil_id"] for r in april} == {amira}


def test_given_the_register_when_totalled_then_it_counts_each_status_and_each_primary_need(
    apdr: Apdr, history: History
) -> None:
    pupils = [history.pupil(f"P{i}", "Pupil") for i in range(4)]
    for pupil, provision, primary in zip(
        pupils, (K, K, E, N), (NeedType.SLCN, NeedType.SLCN, NeedType.ASD, None), strict=True
    ):
        if provision is not N:
            history.sen_status(pupil, provision, date(2025, 9, 10))
        if primary:
            history.need(pupil, primary, 1, date(2025, 9, 10))

    rows = register(apdr, history, history.today, include_no_sen=True)
    totals = register_totals(rows, include_no_sen=True)

    assert totals == {
        "pupils": 4,
        "on_register": 3,
        "by_status": {"K": 2, "E": 1, "N": 1},
        "by_primary_need": {"ASD": 1, "SLCN": 2},
    }


def test_given_a_rebuild_when_it_finishes_then_every_row_is_identical(apdr: Apdr, history: History) -> None:
    amira = history.pupil()
    history.sen_status(amira, K, date(2025, 9, 10))
    history.notify_parents(amira, date(2025, 9, 20), "")
    history.need(amira, NeedType.SLCN, 1, date(2025, 9, 10))
    history.end_need(amira, NeedType.SLCN, date(2026, 3, 16))
    history.move_class(amira, "5B", date(2026, 9, 2))
    apdr.read_models.catch_up()

    def rows() -> dict[str, list[Any]]:
        with apdr.engine.connect() as conn:
            return {
                t.name: sorted(map(tuple, conn.execute(sa.select(t))), key=repr) for t in SenRegister.tables
            }

    before = rows()
    apdr.read_models.rebuild("register")

    assert rows() == before
    assert [len(before[t.name]) for t in SenRegister.tables] == [1, 2, 1, 1, 0]
