"""Evidence of impact, checked against figures worked out by hand."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import AssessmentKind, AttendanceStatus, InterventionDecision, Scale
from apdr.projections.impact import DAYS_PER_MONTH, Pair, effect_size, impact_report, ratio_gain
from apdr.runtime import Apdr
from tests.support.history import History

BASELINE_ON, EXIT_ON = date(2026, 9, 21), date(2026, 12, 21)  # 91 days apart


def report(apdr: Apdr, history: History, today: date = date(2027, 1, 31)) -> dict[str, Any]:
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        return impact_report(conn, history.setting_id, today)


@pytest.fixture
def today() -> date:
    """The history is recorded, and the report read, at the end of January."""
    return date(2027, 1, 31)


def _from_a_baseline_of_84(history: History, later: str, kind: AssessmentKind) -> tuple[UUID, UUID]:
    """One pupil in a group, a reading age of 84 at the baseline and ``later`` (a ``kind``) at the exit
    date: (the pupil, the later assessment)."""
    pupil = history.pupil()
    _, pt = history.group(pupil)
    history.assess(pupil, BASELINE_ON, "84", AssessmentKind.baseline, pt)
    return pupil, history.assess(pupil, EXIT_ON, later, kind, pt)


@pytest.fixture
def reading_group(history: History) -> tuple[UUID, list[UUID]]:
    """Three pupils in one intervention, with reading ages (months) baseline 84/90/78, exit 90/99/80."""
    _, pt = history.group()
    pupils = [history.pupil(f"P{n}", "Reader") for n in range(3)]
    for pupil, (before, after) in zip(pupils, [("84", "90"), ("90", "99"), ("78", "80")], strict=True):
        history.enrol(pt, pupil)
        history.assess(pupil, BASELINE_ON, before, AssessmentKind.baseline, pt)
        history.assess(pupil, EXIT_ON, after, AssessmentKind.exit, pt)
    return pt, pupils


def test_given_three_pairs_when_impact_is_reported_then_the_figures_match_the_hand_calculation(
    apdr: Apdr, history: History, reading_group: tuple[UUID, list[UUID]]
) -> None:
    (intervention,) = report(apdr, history)["interventions"]
    (reading,) = intervention["measures"]

    # By hand: changes 6, 9, 2; mean baseline 84, mean exit 269/3 = 89.667, mean change 17/3 = 5.667.
    # sd(84, 90, 78) = 6; sd(90, 99, 80) = sqrt(542/6) = 9.5044; pooled = sqrt((36 + 90.333) / 2) = 7.9477;
    # d = 5.6667 / 7.9477 = 0.713. Elapsed 91 days = 91 / 30.4375 = 2.9897 months; ratio gain 5.6667 / 2.9897 = 1.90.
    assert reading["pairs"] == 3
    assert reading["mean_baseline"] == 84.0
    assert reading["mean_exit"] == 89.67
    assert reading["mean_change"] == 5.67
    assert reading["effect_size"] == 0.71
    assert reading["ratio_gain"] == 1.90
    assert reading["mean_months_elapsed"] == 3.0
    assert intervention["pupils"] == 3
    assert intervention["cost_per_pupil"] == "400.00"  # 1200.00 over three pupils
    assert reading["cost_per_unit_of_gain"] == "70.59"  # 400.00 / 5.6667


def test_given_a_corrected_exit_when_impact_is_reported_then_the_correction_counts(
    apdr: Apdr, history: History
) -> None:
    pupil, exit_id = _from_a_baseline_of_84(history, "60", AssessmentKind.exit)
    history.record.correct_assessment(
        history.senco,
        pupil,
        today=date(2027, 1, 31),
        assessment_id=exit_id,
        value=Decimal("96"),
        assessed_on=None,
        reason="score typed as 60, not 96",
    )

    (reading,) = report(apdr, history)["interventions"][0]["measures"]

    assert (reading["mean_change"], reading["effect_size"]) == (
        12.0,
        None,
    )  # one pair: no spread to divide by
    assert reading["ratio_gain"] == round(12 / (91 / DAYS_PER_MONTH), 2)


def test_given_standard_scores_when_impact_is_reported_then_there_is_no_ratio_gain(
    apdr: Apdr, history: History
) -> None:
    _, pt = history.group()
    for n, (before, after) in enumerate([("80", "86"), ("75", "79")]):
        pupil = history.pupil(f"S{n}", "Score")
        history.enrol(pt, pupil)
        history.assess(
            pupil,
            BASELINE_ON,
            before,
            AssessmentKind.baseline,
            pt,
            scale=Scale.standard_score,
            measure="maths",
        )
        history.assess(
            pupil, EXIT_ON, after, AssessmentKind.exit, pt, scale=Scale.standard_score, measure="maths"
        )

    (maths,) = report(apdr, history)["interventions"][0]["measures"]

    assert maths["ratio_gain"] is None
    # changes 6 and 4: mean 5; sd(80, 75) = 3.5355, sd(86, 79) = 4.9497; pooled 4.3012; d = 1.16
    assert (maths["mean_change"], maths["effect_size"]) == (5.0, 1.16)


def test_given_a_baseline_without_exit_or_an_interim_when_impact_is_reported_then_they_make_no_pair(
    apdr: Apdr, history: History
) -> None:
    _from_a_baseline_of_84(history, "88", AssessmentKind.interim)

    assert report(apdr, history)["interventions"][0]["measures"] == []


def test_given_pupils_withdrawn_and_completing_when_impact_is_reported_then_completion_and_attendance_add_up(
    apdr: Apdr, history: History
) -> None:
    jo, pt = history.group()
    stays, leaves = history.pupil("Stays", "Pupil"), history.pupil("Leaves", "Pupil")
    history.enrol(pt, stays)
    history.enrol(pt, leaves)
    history.session(
        pt, jo, date(2026, 9, 21), {stays: AttendanceStatus.present, leaves: AttendanceStatus.absent}
    )
    history.session(
        pt, jo, date(2026, 9, 23), {stays: AttendanceStatus.present, leaves: AttendanceStatus.present}
    )
    history.withdraw(pt, leaves, date(2026, 9, 24), "")
    history.session(pt, jo, date(2026, 9, 25), {stays: AttendanceStatus.absent})
    history.review_intervention(pt, date(2026, 11, 27), "done", None, decision=InterventionDecision.end)

    result = report(apdr, history)
    (intervention,) = result["interventions"]
    (area,) = result["by_area"]

    assert intervention["completion"] == {
        "completed": 1,
        "withdrawn": 1,
        "in_progress": 0,
        "completed_percent": 50.0,
    }
    assert intervention["sessions_delivered"] == 3
    assert intervention["attendance_percent"] == 60.0  # 3 attended of 5 marks
    assert area["area_of_need"] == "cognition_learning" and area["pupils"] == 2


def test_given_pupils_in_two_year_groups_when_impact_is_reported_then_each_year_group_has_its_pairs(
    apdr: Apdr, history: History
) -> None:
    _, pt = history.group()
    year5 = history.pupil("Five", "Pupil", born=date(2017, 3, 14))
    year2 = history.pupil("Two", "Pupil", born=date(2020, 1, 10))
    for pupil, (before, after) in ((year5, ("84", "90")), (year2, ("50", "51"))):
        history.enrol(pt, pupil)
        history.assess(pupil, BASELINE_ON, before, AssessmentKind.baseline, pt)
        history.assess(pupil, EXIT_ON, after, AssessmentKind.exit, pt)

    by_year = {y["year_group"]: y for y in report(apdr, history)["by_year_group"]}

    assert sorted(by_year) == [2, 5]
    assert by_year[5]["measures"][0]["mean_change"] == 6.0
    assert by_year[2]["measures"][0]["mean_change"] == 1.0
    assert "cost_per_pupil" not in by_year[5]


def test_given_another_setting_when_impact_is_reported_then_its_assessments_are_not_counted(
    apdr: Apdr, history: History, reading_group: tuple[UUID, list[UUID]]
) -> None:
    other = History(apdr.record, today=date(2027, 1, 31))
    assert report(apdr, other)["interventions"] == []
    assert report(apdr, history)["interventions"][0]["measures"][0]["pairs"] == 3


# -- the arithmetic, for any numbers ---------------------------------------------

scores = st.lists(st.integers(min_value=40, max_value=160), min_size=2, max_size=30)


@given(scores, st.integers(min_value=-20, max_value=20))
def test_effect_size_has_the_sign_of_the_change_and_scales_with_a_uniform_shift(
    baseline: list[int], shift: int
) -> None:
    exits = [b + shift for b in baseline]
    d = effect_size([float(b) for b in baseline], [float(x) for x in exits])
    if statistics.pstdev(baseline) == 0:
        assert d is None
    else:
        assert d is not None
        assert d == pytest.approx(shift / statistics.stdev(baseline))


def _pair(baseline: int, gain: int, days: int) -> Pair:
    start = date(2026, 9, 1)
    return Pair(
        uuid4(),
        uuid4(),
        "test",
        "reading age",
        "age_equivalent_months",
        Decimal(baseline),
        start,
        Decimal(baseline + gain),
        start + timedelta(days=days),
        4,
    )


@given(st.lists(st.tuples(st.integers(60, 140), st.integers(1, 24)), min_size=1, max_size=20))
def test_pupils_gaining_a_month_a_month_have_a_ratio_gain_of_one(pupils: list[tuple[int, int]]) -> None:
    pairs = [_pair(baseline, months, round(months * DAYS_PER_MONTH)) for baseline, months in pupils]
    assert ratio_gain(pairs) == pytest.approx(1.0, abs=0.02)


@given(st.lists(st.tuples(st.integers(0, 24), st.integers(30, 400)), min_size=1, max_size=20))
def test_ratio_gain_is_mean_gain_over_mean_months_elapsed(pupils: list[tuple[int, int]]) -> None:
    pairs = [_pair(80, gain, days) for gain, days in pupils]
    mean_gain = sum(g for g, _ in pupils) / len(pupils)
    mean_months = sum(d for _, d in pupils) / len(pupils) / DAYS_PER_MONTH
    assert ratio_gain(pairs) == pytest.approx(mean_gain / mean_months)
