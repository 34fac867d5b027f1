"""The arithmetic of impact: pairs, effect sizes and ratio gains, made so that the
same pairs give the same figures in whatever order they come (every sum is
``math.fsum``, exactly rounded), in floats, so that a school's hundreds of groups
are summarised quickly.

Sources:
- Borenstein, Hedges, Higgins and Rothstein (2009), *Introduction to Meta-Analysis*,
  ch. 4, matched groups (pre-post scores): the standardised mean change
  d = mean change / S_within, its variance V_d = (1/n + d^2 / (2n)) * 2(1 - r) with r the
  pre-post correlation (2(1 - r) = S_diff^2 / S_within^2), Hedges' correction
  J = 1 - 3 / (4 df - 1) with df = n - 1, g = J d and V_g = J^2 V_d; a 95% confidence
  interval is g -/+ 1.96 sqrt(V_g).
- Brooks, G. (2016), *What works for children and young people with literacy
  difficulties?*, 5th edn, Dyslexia-SpLD Trust: the ratio gain and its bands.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from apdr.projections.provision_map import money

DAYS_PER_MONTH = 365.25 / 12

SMALL_SAMPLE = 5
"""apdr's default: a figure from fewer pupils than this is marked a small sample. With four
or fewer pupils one pupil's absence or a single good day moves a mean change or an effect
size further than any real difference between interventions. The figure is still shown
(the school knows these pupils) but flagged, so that no one reads it as a trend. The one
rule for the impact report, the SEN support report and the impact page."""

EFFECT_SIZE_MIN_PAIRS = 3
"""Hedges' J is 1 - 3 / (4 df - 1) with df = n - 1 (Borenstein et al. 2009, ch. 4): with
two pairs (df = 1) it is 0, so an effect size needs at least three pairs."""

EFFECT_SIZE_KIND = "pre_post_hedges_g"
"""What ``effect_size`` is: the standardised mean change from baseline to exit of the same
pupils, with Hedges' small-sample correction, and no comparison group."""

Z_95 = 1.959963984540054
"""The normal distribution's 97.5th percentile: a two-sided 95% interval (Borenstein et al. 2009, ch. 4)."""

RATIO_GAIN_MIN_DAYS = 91
"""apdr's default: a ratio gain is worked out (and banded) only when baseline and exit are,
on average, at least a term (13 weeks) apart, the interval at which progress is reviewed
(Code of Practice 6.65, at least termly); over less, a difference of a month or two in an
age-equivalent score says more about the test than about the rate of progress."""

BROOKS_BANDS: tuple[tuple[float, str], ...] = (
    (4.0, "remarkable"),
    (3.0, "substantial"),
    (2.0, "useful"),
    (1.4, "modest"),
)
"""Brooks (2016), 5th edn: a ratio gain of 4.0 and over is of remarkable impact, 3.0 up to 4.0
substantial, 2.0 up to 3.0 useful, 1.4 up to 2.0 modest, and below 1.4 of doubtful
educational significance (``doubtful``)."""
DOUBTFUL = "doubtful"


@dataclass(frozen=True)
class Pair:
    pupil_id: UUID
    intervention_id: UUID
    instrument: str
    measure: str
    scale: str
    baseline: Decimal
    baseline_on: date
    exit: Decimal
    exit_on: date
    year_group: int

    @property
    def change(self) -> Decimal:
        return self.exit - self.baseline

    @property
    def days_elapsed(self) -> int:
        return (self.exit_on - self.baseline_on).days

    @property
    def months_elapsed(self) -> float:
        return self.days_elapsed / DAYS_PER_MONTH


@dataclass(frozen=True)
class EffectSize:
    """Hedges' g of a pre-post change and its 95% confidence interval."""

    g: float
    ci_low: float
    ci_high: float


def _mean(values: list[float]) -> float:
    """``statistics.fmean`` (the same sum, exactly rounded), without its generality."""
    return math.fsum(values) / len(values)


def hedges_j(pairs: int) -> float:
    """Hedges' small-sample correction for ``pairs`` pupils measured twice (df = n - 1)."""
    return 1 - 3 / (4 * (pairs - 1) - 1)


def standardised_change(
    baselines: list[float] | list[Decimal], exits: list[float] | list[Decimal]
) -> EffectSize | None:
    """Hedges' g for the change from baseline to exit of the same pupils: the mean change d
    over S_within, the pooled standard deviation sqrt((sd_baseline^2 + sd_exit^2) / 2), times
    J; with its 95% confidence interval (Borenstein et al. 2009, ch. 4, matched groups).
    Their variance has 2(1 - r) = S_diff^2 / S_within^2 (they define S_within as
    S_diff / sqrt(2(1 - r))), and it is worked out so, from the pupils' changes: the same
    as the correlation of baseline and exit when their spreads are equal, and, when they
    are not, still the spread of the changes themselves. None with fewer than three pairs
    or no spread. The scores are as recorded (two decimal places at most), summed as the
    report sums them: this is the report's own arithmetic (``_effect_size``)."""
    sums = Sums()
    for baseline, exit_ in zip(baselines, exits, strict=True):
        sums += Sums.scored(baseline, exit_)
    return _effect_size(sums)


def effect_size(baselines: list[float], exits: list[float]) -> float | None:
    """Hedges' g of the pre-post change (see ``standardised_change``)."""
    found = standardised_change(baselines, exits)
    return None if found is None else found.g


def ratio_gain(pairs: list[Pair]) -> float | None:
    """Mean months gained over mean months elapsed (age-equivalent measures only), with no
    minimum time: a pupil's own figure in their evidence pack."""
    if not pairs:
        return None
    return _per_month(_mean([float(p.change) for p in pairs]), _mean([p.months_elapsed for p in pairs]))


def _per_month(mean_gain: float, mean_elapsed: float) -> float | None:
    return mean_gain / mean_elapsed if mean_elapsed > 0 else None


def brooks_band(ratio: float | None) -> str | None:
    """The band of Brooks (2016) the ratio gain, as shown (to two places), falls in."""
    if ratio is None:
        return None
    shown = round(ratio, 2)
    return next((band for lowest, band in BROOKS_BANDS if shown >= lowest), DOUBTFUL)


@dataclass(slots=True)
class Sums:
    """A group of pairs, summed: the count, and the sums (in hundredths, so whole numbers and
    exact on both databases) from which every figure of the group is worked out. Sums add,
    so an area's or a year group's figures are its interventions' sums added up."""

    pairs: int = 0
    baseline: int = 0
    exit: int = 0
    baseline_squared: int = 0
    exit_squared: int = 0
    baseline_times_exit: int = 0
    days: int = 0

    def __iadd__(self, other: Sums) -> Sums:
        # Written out: a school's report adds a few thousand of these.
        self.pairs += other.pairs
        self.baseline += other.baseline
        self.exit += other.exit
        self.baseline_squared += other.baseline_squared
        self.exit_squared += other.exit_squared
        self.baseline_times_exit += other.baseline_times_exit
        self.days += other.days
        return self

    @classmethod
    def of(cls, pair: Pair) -> Sums:
        return cls.scored(pair.baseline, pair.exit, pair.days_elapsed)

    @classmethod
    def scored(cls, baseline: Decimal | float, exit_: Decimal | float, days: int = 0) -> Sums:
        """One pair, from its scores (two decimal places at most) and the days between them."""
        b, e = round(baseline * 100), round(exit_ * 100)
        return cls(1, b, e, b * b, e * e, b * e, days)

    def variance_numerators(self) -> tuple[int, int, int]:
        """n(n - 1) 10^4 times the sample variances of baseline, exit and change: exact integers."""
        n = self.pairs
        change, change_squared = (
            self.exit - self.baseline,
            self.exit_squared - 2 * self.baseline_times_exit + self.baseline_squared,
        )
        return (
            n * self.baseline_squared - self.baseline**2,
            n * self.exit_squared - self.exit**2,
            n * change_squared - change**2,
        )


SUMMED = tuple(Sums.__dataclass_fields__)
"""The sums' names, in order."""


def _effect_size(sums: Sums) -> EffectSize | None:
    """``standardised_change`` from a group's sums, worked out exactly until the square roots."""
    n = sums.pairs
    if n < EFFECT_SIZE_MIN_PAIRS:
        return None
    baseline, exit_, change = sums.variance_numerators()
    if baseline + exit_ == 0:
        return None
    # d = mean change / sqrt((var_b + var_e) / 2), each variance its numerator / (n (n - 1) 10^4)
    d = (sums.exit - sums.baseline) / n / math.sqrt((baseline + exit_) / (2 * n * (n - 1)))
    j = hedges_j(n)
    two_one_minus_r = 2 * change / (baseline + exit_)
    half_width = Z_95 * j * math.sqrt((1 / n + d * d / (2 * n)) * two_one_minus_r)
    return EffectSize(j * d, j * d - half_width, j * d + half_width)


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def summary(scale: str, sums: Sums, cost_per_pupil: Decimal | None) -> dict[str, Any]:
    """A group's figures from its sums: the same whatever order its pairs came in."""
    n = sums.pairs
    gained = sums.exit - sums.baseline  # hundredths
    mean_change = gained / (100 * n)
    months = sums.days / n / DAYS_PER_MONTH
    es = _effect_size(sums)
    g, low, high = (None, None, None) if es is None else (es.g, es.ci_low, es.ci_high)
    ratio = None
    # At least RATIO_GAIN_MIN_DAYS between baseline and exit, on average over the pairs.
    if scale == "age_equivalent_months" and sums.days >= RATIO_GAIN_MIN_DAYS * n:
        ratio = _round(_per_month(mean_change, months))
    cost_per_unit = None
    if cost_per_pupil is not None and gained > 0:
        cost_per_unit = money(cost_per_pupil * 100 * n / gained)
    return {
        "pairs": n,
        "small_sample": n < SMALL_SAMPLE,
        "mean_baseline": _round(sums.baseline / (100 * n)),
        "mean_exit": _round(sums.exit / (100 * n)),
        "mean_change": _round(mean_change),
        "effect_size": _round(g),
        "effect_size_kind": EFFECT_SIZE_KIND,
        "effect_size_ci_low": _round(low),
        "effect_size_ci_high": _round(high),
        "ratio_gain": ratio,
        "ratio_gain_band": brooks_band(ratio),
        "mean_months_elapsed": _round(months, 1),
        "cost_per_unit_of_gain": cost_per_unit,
    }


Measure = tuple[str, str, str]
"""(instrument, measure, scale)"""


def summaries(grouped: dict[Measure, Sums], cost_per_pupil: Decimal | None = None) -> list[dict[str, Any]]:
    """Each measure's figures, in the order of instrument, measure and scale."""
    return [
        {"instrument": instrument, "measure": measure, "scale": scale, **summary(scale, sums, cost_per_pupil)}
        for (instrument, measure, scale), sums in sorted(grouped.items())
    ]


def measure_summaries(pairs: Iterable[Pair], cost_per_pupil: Decimal | None = None) -> list[dict[str, Any]]:
    """Each measure's figures from its pairs (as ``summaries``)."""
    grouped: dict[Measure, Sums] = defaultdict(Sums)
    for pair in pairs:
        grouped[(pair.instrument, pair.measure, pair.scale)] += Sums.of(pair)
    return summaries(grouped, cost_per_pupil)
