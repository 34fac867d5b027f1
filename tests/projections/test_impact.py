"""Evidence of impact, checked against figures worked out by hand."""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import AssessmentKind, AttendanceStatus, InterventionDecision, Scale, Weekday
from apdr.projections.impact import (
    DAYS_PER_MONTH,
    RATIO_GAIN_MIN_DAYS,
    Pair,
    brooks_band,
    effect_size,
    hedges_j,
    impact_report,
    measure_summaries,
    ratio_gain,
    standardised_change,
)
from apdr.projections.impact.report import delivered_cost
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


MONDAYS = [date(2026, 9, 21) + timedelta(weeks=n) for n in (0, 1, 2, 3, 4, 6)]  # not half-term


@pytest.fixture
def reading_group(history: History) -> tuple[UUID, list[UUID]]:
    """Three pupils in one intervention, with reading ages (months) baseline 84/90/78, exit 90/99/80;
    £3,800 a year for a session a week, six sessions delivered."""
    ta, pt = history.group(weekdays=[Weekday.mon], cost_per_year=Decimal("3800.00"))
    pupils = [history.pupil(f"P{n}", "Reader") for n in range(3)]
    for pupil, (before, after) in zip(pupils, [("84", "90"), ("90", "99"), ("78", "80")], strict=True):
        history.enrol(pt, pupil)
        history.assess(pupil, BASELINE_ON, before, AssessmentKind.baseline, pt)
        history.assess(pupil, EXIT_ON, after, AssessmentKind.exit, pt)
    for monday in MONDAYS:
        history.session(pt, ta, monday, dict.fromkeys(pupils, AttendanceStatus.present))
    return pt, pupils


def test_given_three_pairs_when_impact_is_reported_then_the_figures_match_the_hand_calculation(
    apdr: Apdr, history: History, reading_group: tuple[UUID, list[UUID]]
) -> None:
    (intervention,) = report(apdr, history)["interventions"]
    (reading,) = intervention["measures"]

    # By hand: changes 6, 9, 2; mean baseline 84, mean exit 269/3 = 89.667, mean change 17/3 = 5.667.
    # sd(84, 90, 78) = 6; sd(90, 99, 80) = sqrt(542/6) = 9.5044; pooled = sqrt((36 + 90.333) / 2) = 7.9477;
    # d = 5.6667 / 7.9477 = 0.713; J = 1 - 3 / (4 * 2 - 1) = 0.5714; g = 0.407.
    # sd of the changes 6, 9, 2 = 3.5119, so 2(1 - r) = 12.333 / 63.167 = 0.1953;
    # V = 0.5714^2 * (1/3 + 0.713^2 / 6) * 0.1953 = 0.02665; g -/+ 1.96 * 0.1632 = 0.09 to 0.73.
    # Elapsed 91 days (a term) = 91 / 30.4375 = 2.9897 months; ratio gain 5.6667 / 2.9897 = 1.90: modest.
    assert reading["pairs"] == 3
    assert reading["small_sample"] is True
    assert reading["mean_baseline"] == 84.0
    assert reading["mean_exit"] == 89.67
    assert reading["mean_change"] == 5.67
    assert reading["effect_size"] == 0.41
    assert reading["effect_size_kind"] == "pre_post_hedges_g"
    assert (reading["effect_size_ci_low"], reading["effect_size_ci_high"]) == (0.09, 0.73)
    assert reading["ratio_gain"] == 1.90
    assert reading["ratio_gain_band"] == "modest"
    assert reading["mean_months_elapsed"] == 3.0
    assert intervention["pupils"] == 3
    # £3,800 a year at a session a week: a year is 38 sessions, £100 each; six delivered, £600; £200 a pupil.
    assert intervention["cost_per_pupil"] == "200.00"
    assert reading["cost_per_unit_of_gain"] == "35.29"  # 200.00 / 5.6667


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
    for n, (before, after) in enumerate([("80", "86"), ("75", "79"), ("70", "75")]):
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

    assert (maths["ratio_gain"], maths["ratio_gain_band"]) == (None, None)
    # changes 6, 4, 5: mean 5, sd 1; sd(80, 75, 70) = 5, sd(86, 79, 75) = 5.5678; pooled sqrt(28) = 5.2915;
    # d = 0.9449, g = 0.5714 d = 0.54; V = 0.5714^2 (1/3 + 0.8929 / 6) (1 / 28) = 0.005624, -/+ 0.147
    assert (maths["mean_change"], maths["effect_size"]) == (5.0, 0.54)
    assert (maths["effect_size_ci_low"], maths["effect_size_ci_high"]) == (0.39, 0.69)


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
    g = effect_size([float(b) for b in baseline], [float(x) for x in exits])
    if len(baseline) < 3 or statistics.pstdev(baseline) == 0:
        assert g is None  # Hedges' J is 0 with two pairs; no spread, nothing to divide by
    else:
        assert g is not None
        j = 1 - 3 / (4 * (len(baseline) - 1) - 1)
        assert g == pytest.approx(j * shift / statistics.stdev(baseline))


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


def test_given_two_interventions_in_one_area_when_impact_is_reported_then_the_area_costs_what_each_delivered(
    apdr: Apdr, history: History
) -> None:
    """£3,800 a year at a session a week (38 a year): four sessions cost £400; £1,140 a year at three a
    week (114 a year): six sessions cost £60. The area: £460 over its three pupils, £153.33."""
    ta, weekly = history.group(weekdays=[Weekday.mon], cost_per_year=Decimal("3800.00"))
    tb, thrice = history.group(name="Word wasps", cost_per_year=Decimal("1140.00"))
    amira, ben, cara = (history.pupil(n, "Reader") for n in ("Amira", "Ben", "Cara"))
    for intervention, pupil in ((weekly, amira), (weekly, ben), (thrice, cara)):
        history.enrol(intervention, pupil)
    for monday in MONDAYS[:4]:
        history.session(weekly, ta, monday, {amira: AttendanceStatus.present, ben: AttendanceStatus.present})
    for day in (
        date(2026, 9, 21),
        date(2026, 9, 23),
        date(2026, 9, 25),
        date(2026, 9, 28),
        date(2026, 9, 30),
    ):
        history.session(thrice, tb, day, {cara: AttendanceStatus.present})
    history.session(thrice, tb, date(2026, 10, 2), {cara: AttendanceStatus.absent})

    result = report(apdr, history)
    by_name = {i["name"]: i for i in result["interventions"]}
    (area,) = result["by_area"]

    assert by_name["Precision teaching: HFW"]["cost_per_pupil"] == "200.00"  # £400 over two pupils
    assert by_name["Word wasps"]["cost_per_pupil"] == "60.00"  # £60 for one pupil
    assert area["cost_per_pupil"] == "153.33"  # (400 + 60) / 3


def test_given_exits_less_than_a_term_after_the_baselines_when_impact_is_reported_then_no_ratio_gain_is_given(
    apdr: Apdr, history: History
) -> None:
    _, pt = history.group()
    for n, (before, after) in enumerate([("84", "90"), ("90", "93"), ("70", "75")]):
        pupil = history.pupil(f"R{n}", "Reader")
        history.enrol(pt, pupil)
        history.assess(pupil, BASELINE_ON, before, AssessmentKind.baseline, pt)
        history.assess(pupil, EXIT_ON - timedelta(days=1), after, AssessmentKind.exit, pt)  # 90 days

    (reading,) = report(apdr, history)["interventions"][0]["measures"]

    assert (reading["ratio_gain"], reading["ratio_gain_band"]) == (None, None)
    assert reading["mean_change"] == 4.67 and reading["effect_size"] is not None


# -- Hedges' g, its interval, Brooks' bands and the delivered cost, for any numbers ---------------

paired_scores = st.lists(st.tuples(st.integers(40, 160), st.integers(-30, 30)), min_size=3, max_size=40).map(
    lambda pairs: ([float(b) for b, _ in pairs], [float(b + c) for b, c in pairs])
)


@given(st.integers(min_value=3, max_value=10_000))
def test_hedges_j_shrinks_small_samples_and_tends_to_one(pairs: int) -> None:
    j = hedges_j(pairs)
    assert 0 < j < 1
    assert hedges_j(pairs + 1) > j
    assert 1 - j == pytest.approx(3 / (4 * pairs - 5))


@given(paired_scores)
def test_hedges_g_is_cohens_d_times_j_and_its_interval_contains_it(
    scores: tuple[list[float], list[float]],
) -> None:
    baselines, exits = scores
    found = standardised_change(baselines, exits)
    pooled = math.sqrt((statistics.variance(baselines) + statistics.variance(exits)) / 2)
    if pooled == 0:
        assert found is None
        return
    assert found is not None
    d = (statistics.fmean(exits) - statistics.fmean(baselines)) / pooled
    assert found.g == pytest.approx(hedges_j(len(baselines)) * d, abs=1e-9)
    # g tends to d as the pupils grow in number: they differ by d * 3 / (4n - 5).
    assert abs(found.g - d) == pytest.approx(abs(d) * 3 / (4 * len(baselines) - 5), abs=1e-9)
    assert found.ci_low <= found.g <= found.ci_high


@given(paired_scores, st.randoms(use_true_random=False))
def test_the_figures_are_the_same_whatever_order_the_pairs_come_in(
    scores: tuple[list[float], list[float]], shuffler: Any
) -> None:
    baselines, exits = scores
    pairs = [_pair(int(b), int(e - b), 91 + n) for n, (b, e) in enumerate(zip(baselines, exits, strict=True))]
    shuffled = pairs[:]
    shuffler.shuffle(shuffled)
    assert measure_summaries(shuffled, Decimal("100")) == measure_summaries(pairs, Decimal("100"))


@pytest.mark.parametrize(
    ("ratio", "band"),
    [
        (-0.5, "doubtful"),
        (0.99, "doubtful"),
        (1.39, "doubtful"),
        (1.4, "modest"),
        (1.99, "modest"),
        (2.0, "useful"),
        (2.99, "useful"),
        (3.0, "substantial"),
        (3.99, "substantial"),
        (4.0, "remarkable"),
        (12.0, "remarkable"),
        (None, None),
    ],
)
def test_brooks_bands_start_at_1_4_2_3_and_4(ratio: float | None, band: str | None) -> None:
    assert brooks_band(ratio) == band


@given(st.floats(min_value=-5, max_value=10, allow_nan=False))
def test_a_ratio_gain_is_banded_as_it_is_shown_to_two_places(ratio: float) -> None:
    shown = round(ratio, 2)
    expected = next(
        (
            b
            for lowest, b in ((4.0, "remarkable"), (3.0, "substantial"), (2.0, "useful"), (1.4, "modest"))
            if shown >= lowest
        ),
        "doubtful",
    )
    assert brooks_band(ratio) == brooks_band(shown) == expected


@given(
    st.lists(st.tuples(st.integers(-6, 30), st.integers(30, 400)), min_size=1, max_size=20),
    st.integers(min_value=1, max_value=5),
)
def test_a_ratio_gain_is_given_only_after_a_term_and_is_unchanged_by_scaling_gain_and_time_together(
    pupils: list[tuple[int, int]], times: int
) -> None:
    pairs = [_pair(80, gain, days) for gain, days in pupils]
    (summary,) = measure_summaries(pairs)
    long_enough = sum(days for _, days in pupils) / len(pupils) >= RATIO_GAIN_MIN_DAYS
    assert (summary["ratio_gain"] is not None) == long_enough
    scaled = ratio_gain([_pair(80, gain * times, days * times) for gain, days in pupils])
    assert scaled == pytest.approx(ratio_gain(pairs))


@given(
    st.decimals(min_value=0, max_value=100_000, places=2),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=1, max_value=5),
)
def test_delivered_cost_is_the_share_of_a_school_years_sessions(
    cost_per_year: Decimal, delivered: int, a_week: int
) -> None:
    cost = delivered_cost(cost_per_year, delivered, a_week)
    assert cost == cost_per_year * delivered / (a_week * 38)
    assert delivered_cost(cost_per_year, a_week * 38, a_week) == cost_per_year  # a full year costs the year
    assert delivered_cost(cost_per_year, 0, a_week) == 0
