"""A rebuild leaves every row as commands wrote it, however its batches and transactions fall."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from apdr.aggregates.codes import AssessmentKind
from apdr.runtime import Apdr
from tests.support.history import History

REBUILT = ("impact", "chronology")


def rows(apdr: Apdr, name: str) -> dict[str, list[tuple[Any, ...]]]:
    with apdr.engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(sa.select(t))), key=repr)
            for t in apdr.read_models.projections[name].tables
        }


def correct(history: History, pupil: UUID, assessment: UUID, value: str, on: date | None = None) -> None:
    history.record.correct_assessment(
        history.senco,
        pupil,
        today=history.today,
        assessment_id=assessment,
        value=Decimal(value),
        assessed_on=on,
        reason="typed wrongly",
    )


@pytest.fixture
def corrected(history: History) -> None:
    """Two pupils' baselines and exits, corrected: once, twice, and to a date that makes
    another exit the latest; and an assessment outside any intervention, corrected."""
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    _, pt = history.group(amira, ben)
    a_base = history.assess(amira, date(2026, 9, 21), "84", AssessmentKind.baseline, pt)
    a_exit = history.assess(amira, date(2026, 11, 16), "60", AssessmentKind.exit, pt)
    correct(history, amira, a_exit, "96")
    correct(history, amira, a_base, "86")
    b_base = history.assess(ben, date(2026, 9, 21), "90", AssessmentKind.baseline, pt)
    history.assess(ben, date(2026, 11, 9), "95", AssessmentKind.exit, pt)
    b_second = history.assess(ben, date(2026, 11, 16), "99", AssessmentKind.exit, pt)
    correct(history, ben, b_second, "98", date(2026, 11, 2))  # now the earlier exit: the first is latest
    correct(history, ben, b_second, "97")
    correct(history, ben, b_base, "91")
    unpaired = history.assess(ben, date(2026, 10, 1), "12", AssessmentKind.baseline)
    correct(history, ben, unpaired, "13")


@pytest.mark.parametrize(("batch_size", "seconds"), [(1000, 0.25), (1, 0.0), (2, 0.0), (3, 60.0)])
def test_given_corrected_assessments_when_rebuilt_then_every_row_is_as_commands_wrote_it(
    apdr: Apdr, history: History, corrected: None, batch_size: int, seconds: float
) -> None:
    """Each command wrote its events inline, one command at a time. Rebuilt in one batch, a
    correction reads back what the batch itself noted; in batches of one to three, what was
    sent before; and a transaction may hold one batch or all of them."""
    apdr.read_models.catch_up()
    written = {name: rows(apdr, name) for name in REBUILT}
    apdr.read_models.batch_size, apdr.read_models.transaction_seconds = batch_size, seconds

    for name in REBUILT:
        apdr.read_models.rebuild(name)

    assert {name: rows(apdr, name) for name in REBUILT} == written
    assert len(written["impact"]["impact_latest"]) == 2
    assert len(written["chronology"]["chronology_assessments"]) == 6


def commits_of_a_rebuild(apdr: Apdr, name: str) -> tuple[int, list[int]]:
    commits, reached = 0, []

    def count(_conn: sa.Connection) -> None:
        nonlocal commits
        commits += 1

    sa.event.listen(apdr.engine, "commit", count)
    try:
        apdr.read_models.reset(name)
        commits = 0
        apdr.read_models.catch_up(name, progress=reached.append)
    finally:
        sa.event.remove(apdr.engine, "commit", count)
    return commits, reached


def test_given_batches_of_two_when_a_transaction_may_run_a_minute_then_a_rebuild_commits_once(
    apdr: Apdr, history: History, corrected: None
) -> None:
    end = apdr.read_models.last_notification_id()
    apdr.read_models.batch_size, apdr.read_models.transaction_seconds = 2, 60.0

    commits, reached = commits_of_a_rebuild(apdr, "impact")

    assert (commits, reached) == (1, [end])


def test_given_batches_of_two_when_a_transaction_may_not_run_on_then_each_batch_is_committed(
    apdr: Apdr, history: History, corrected: None
) -> None:
    apdr.read_models.batch_size, apdr.read_models.transaction_seconds = 2, 0.0

    commits, reached = commits_of_a_rebuild(apdr, "impact")

    # Six assessments and six corrections, two a batch: six transactions, each told as it commits.
    assert commits == len(reached) == 6
    assert reached == sorted(reached) and reached[-1] == apdr.read_models.last_notification_id()
