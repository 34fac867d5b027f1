"""The arithmetic of impact: pairs, effect sizes and ratio gains, made so that the
same pairs give the same figures in whatever order they come."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from apdr.projections.provision_map import money

DAYS_PER_MONTH = 365.25 / 12


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
    def months_elapsed(self) -> float:
        return (self.exit_on - self.baseline_on).days / DAYS_PER_MONTH


def _variance(values: list[float]) -> float:
    """The sample variance, in floats (``statistics.variance`` works in exact
    fractions: for a school's hundreds of groups, most of the report's time),
    summed exactly rounded, so that it is the same whatever order the pairs come in."""
    mean = statistics.fmean(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def effect_size(baselines: list[float], exits: list[float]) -> float | None:
    """Cohen's d with the pooled standard deviation of baseline and exit scores."""
    if len(baselines) < 2:
        return None
    pooled = ((_variance(baselines) + _variance(exits)) / 2) ** 0.5
    if pooled == 0:
        return None
    return (statistics.fmean(exits) - statistics.fmean(baselines)) / pooled


def ratio_gain(pairs: list[Pair]) -> float | None:
    """Mean months gained over mean months elapsed (age-equivalent measures only)."""
    if not pairs:
        return None
    return _per_month(_mean([float(p.change) for p in pairs]), _mean([p.months_elapsed for p in pairs]))


def _per_month(mean_gain: float, mean_elapsed: float) -> float | None:
    return mean_gain / mean_elapsed if mean_elapsed > 0 else None


def _mean(values: list[float]) -> float:
    """``statistics.fmean`` (the same sum, exactly rounded), without its generality."""
    return math.fsum(values) / len(values)


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def measure_summaries(pairs: Iterable[Pair], cost_per_pupil: Decimal | None = None) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        grouped[(pair.instrument, pair.measure, pair.scale)].append(pair)
    summaries = []
    for (instrument, measure, scale), group in sorted(grouped.items()):
        # Each figure's values made once: a school's report is hundreds of groups.
        baselines = [float(p.baseline) for p in group]
        exits = [float(p.exit) for p in group]
        changes = [float(p.change) for p in group]
        months = [p.months_elapsed for p in group]
        mean_change = _mean(changes)
        summary = {
            "instrument": instrument,
            "measure": measure,
            "scale": scale,
            "pairs": len(group),
            "mean_baseline": _round(_mean(baselines)),
            "mean_exit": _round(_mean(exits)),
            "mean_change": _round(mean_change),
            "effect_size": _round(effect_size(baselines, exits)),
            "ratio_gain": _round(_per_month(mean_change, _mean(months)))
            if scale == "age_equivalent_months"
            else None,
            "mean_months_elapsed": _round(_mean(months), 1),
        }
        if cost_per_pupil is not None and mean_change > 0:
            summary["cost_per_unit_of_gain"] = money(cost_per_pupil / Decimal(str(mean_change)))
        else:
            summary["cost_per_unit_of_gain"] = None
        summaries.append(summary)
    return summaries
