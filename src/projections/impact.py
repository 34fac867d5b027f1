"""Evidence of impact: for each intervention, area of need and year group, who
took part, how much of it they had, what it cost, and how far they moved
between baseline and exit assessments.

Keeps the assessments; the interventions, enrolments and sessions it reads
are the provision map's, and the pupils' the directory's.

Definitions (so that anyone can check a figure by hand):
- a *pair* is one pupil's latest baseline and latest exit assessment on the
  same instrument and measure for the intervention, the exit after the baseline;
- *mean change* is the mean of exit minus baseline over the pairs;
- *effect size* is Cohen's d: mean change divided by the pooled standard
  deviation sqrt((sd_baseline^2 + sd_exit^2) / 2), with sample standard
  deviations; none with fewer than two pairs or no spread;
- *ratio gain*, for age-equivalent measures only, is the mean gain in months
  divided by the mean time elapsed in months (days / (365.25 / 12)) between
  baseline and exit: 1.0 is a month of progress per month, the rate of a
  typically developing child; 2.0 or more is commonly taken as substantial;
- *cost per pupil* is the intervention's cost per year over the pupils who took
  part; *cost per unit of gain* is that over the mean change.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.aggregates.school_year import year_group
from apdr.projections.columns import clustered_table, uuid_key
from apdr.projections.projection import Batch, Projection, handles, reads
from apdr.projections.provision_map import (
    attendance_counts,
    enrolments,
    interventions,
    money,
    percent,
    sessions,
)
from apdr.projections.pupils import pupils

# Keyed by pupil (and clustered so on SQLite): the report reads a setting's
# pupils' assessments, and a correction names its pupil.
assessments = clustered_table(
    "impact_assessments",
    *uuid_key("pupil_id", "assessment_id"),
    sa.Column("intervention_id", sa.Uuid),
    sa.Column("instrument", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(200), nullable=False),
    sa.Column("scale", sa.String(30), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("value", sa.Numeric(10, 2), nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
)

DAYS_PER_MONTH = 365.25 / 12


class Impact(Projection):
    name = "impact"
    tables = (assessments,)

    @handles(Pupil.AssessmentRecorded)
    def assessment_recorded(self, e: Any, batch: Batch) -> None:
        batch.insert(
            assessments,
            {
                "assessment_id": e.assessment_id,
                "pupil_id": e.originator_id,
                "intervention_id": e.intervention_id,
                "instrument": e.instrument,
                "measure": e.measure,
                "scale": e.scale.value,
                "kind": e.kind.value,
                "value": e.value,
                "assessed_on": e.assessed_on,
            },
        )

    @handles(Pupil.AssessmentCorrected)
    def assessment_corrected(self, e: Any, batch: Batch) -> None:
        batch.update(
            assessments,
            {"pupil_id": e.originator_id, "assessment_id": e.assessment_id},
            {"value": e.value, "assessed_on": e.assessed_on},
        )


# -- arithmetic ---------------------------------------------------------------


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
    fractions: for a school's hundreds of groups, most of the report's time)."""
    mean = statistics.fmean(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


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
    elapsed = statistics.fmean(p.months_elapsed for p in pairs) if pairs else 0
    if not pairs or elapsed <= 0:
        return None
    return float(statistics.fmean(float(p.change) for p in pairs)) / elapsed


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def measure_summaries(pairs: Iterable[Pair], cost_per_pupil: Decimal | None = None) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        grouped[(pair.instrument, pair.measure, pair.scale)].append(pair)
    summaries = []
    for (instrument, measure, scale), group in sorted(grouped.items()):
        baselines = [float(p.baseline) for p in group]
        exits = [float(p.exit) for p in group]
        mean_change = statistics.fmean(float(p.change) for p in group)
        summary = {
            "instrument": instrument,
            "measure": measure,
            "scale": scale,
            "pairs": len(group),
            "mean_baseline": _round(statistics.fmean(baselines)),
            "mean_exit": _round(statistics.fmean(exits)),
            "mean_change": _round(mean_change),
            "effect_size": _round(effect_size(baselines, exits)),
            "ratio_gain": _round(ratio_gain(group)) if scale == "age_equivalent_months" else None,
            "mean_months_elapsed": _round(statistics.fmean(p.months_elapsed for p in group), 1),
        }
        if cost_per_pupil is not None and mean_change > 0:
            summary["cost_per_unit_of_gain"] = money(cost_per_pupil / Decimal(str(mean_change)))
        else:
            summary["cost_per_unit_of_gain"] = None
        summaries.append(summary)
    return summaries


# -- the report ------------------------------------------------------------------


@reads("impact", "pupils")
def impact_pairs(conn: sa.Connection, setting_id: UUID) -> list[Pair]:
    """Each pupil's latest baseline and, after it, latest exit, per intervention and measure."""
    rows = conn.execute(
        sa.select(assessments, pupils.c.date_of_birth)
        .join(pupils, pupils.c.pupil_id == assessments.c.pupil_id)
        .where(
            pupils.c.setting_id == setting_id,
            assessments.c.intervention_id.is_not(None),
            assessments.c.kind.in_(("baseline", "exit")),
        )
        .order_by(assessments.c.assessed_on)
    )
    latest: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    born: dict[UUID, date] = {}
    for r in rows:
        key = (r.pupil_id, r.intervention_id, r.instrument, r.measure, r.scale)
        latest[key][r.kind] = r
        if r.kind == "baseline":
            latest[key].pop("exit", None)  # an exit only counts after the baseline it follows
        born[r.pupil_id] = r.date_of_birth
    pairs = []
    for (pupil_id, intervention_id, instrument, measure, scale), found in latest.items():
        if "baseline" in found and "exit" in found:
            b, x = found["baseline"], found["exit"]
            pairs.append(
                Pair(
                    pupil_id,
                    intervention_id,
                    instrument,
                    measure,
                    scale,
                    Decimal(b.value),
                    b.assessed_on,
                    Decimal(x.value),
                    x.assessed_on,
                    year_group(born[pupil_id], b.assessed_on),
                )
            )
    return pairs


def _participation(conn: sa.Connection, setting_id: UUID) -> list[dict[str, Any]]:
    """Per intervention and pupil: enrolment outcome, sessions had and attended."""
    marked = attendance_counts(conn, setting_id)
    places = conn.execute(
        sa.select(
            enrolments.c.intervention_id,
            enrolments.c.pupil_id,
            sa.func.max(sa.case((enrolments.c.withdrawn, 1), else_=0)).label("withdrawn"),
            sa.func.min(enrolments.c.starts_on).label("starts_on"),
            pupils.c.date_of_birth,
        )
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .where(interventions.c.setting_id == setting_id)
        .group_by(enrolments.c.intervention_id, enrolments.c.pupil_id, pupils.c.date_of_birth)
    )
    rows = []
    for place in places:
        had, attended = marked.get((place.intervention_id, place.pupil_id), (0, 0))
        rows.append({**place._asdict(), "marked": had, "attended": attended})
    return rows


class _Tally:
    def __init__(self, costed: bool = True) -> None:
        self.costed = costed
        self.pupils: set[UUID] = set()
        self.completed = self.withdrawn = self.in_progress = 0
        self.marked = self.attended = 0
        self.cost = Decimal(0)
        self.interventions: set[UUID] = set()
        self.pairs: list[Pair] = []

    def as_dict(self) -> dict[str, Any]:
        cost_per_pupil = self.cost / len(self.pupils) if self.pupils and self.costed else None
        return {
            "interventions": len(self.interventions),
            "pupils": len(self.pupils),
            "completion": {
                "completed": self.completed,
                "withdrawn": self.withdrawn,
                "in_progress": self.in_progress,
                "completed_percent": percent(self.completed, self.completed + self.withdrawn),
            },
            "attendance_percent": percent(self.attended, self.marked),
            "cost_per_pupil": money(cost_per_pupil) if cost_per_pupil is not None else None,
            "measures": measure_summaries(self.pairs, cost_per_pupil),
        }


@reads("pupils", "provision_map", "impact")
def impact_report(conn: sa.Connection, setting_id: UUID, today: date) -> dict[str, Any]:
    intervention_rows = {
        r.intervention_id: r
        for r in conn.execute(
            sa.select(interventions)
            .where(interventions.c.setting_id == setting_id)
            .order_by(interventions.c.starts_on)
        )
    }
    sessions_delivered = dict(
        conn.execute(
            sa.select(sessions.c.intervention_id, sa.func.count())
            .join(interventions, interventions.c.intervention_id == sessions.c.intervention_id)
            .where(interventions.c.setting_id == setting_id, sessions.c.voided.is_(False))
            .group_by(sessions.c.intervention_id)
        ).all()
    )
    pairs = impact_pairs(conn, setting_id)
    per_intervention: dict[UUID, _Tally] = defaultdict(_Tally)
    per_area: dict[str, _Tally] = defaultdict(_Tally)
    # Costs belong to interventions, not to year groups: a year group's figures carry none.
    per_year: dict[int, _Tally] = defaultdict(lambda: _Tally(costed=False))
    for p in _participation(conn, setting_id):
        i = intervention_rows[p["intervention_id"]]
        ended = i.ended_on is not None and i.ended_on <= today
        year = year_group(p["date_of_birth"], p["starts_on"])
        for tally in (per_intervention[p["intervention_id"]], per_area[i.area_of_need], per_year[year]):
            tally.pupils.add(p["pupil_id"])
            tally.interventions.add(p["intervention_id"])
            tally.withdrawn += int(p["withdrawn"])
            tally.completed += int(not p["withdrawn"] and ended)
            tally.in_progress += int(not p["withdrawn"] and not ended)
            tally.marked += p["marked"]
            tally.attended += p["attended"]
    for intervention_id, i in intervention_rows.items():
        per_intervention[intervention_id].cost = i.cost_per_year
        per_area[i.area_of_need].cost += i.cost_per_year
    for pair in pairs:
        per_intervention[pair.intervention_id].pairs.append(pair)
        per_area[intervention_rows[pair.intervention_id].area_of_need].pairs.append(pair)
        per_year[pair.year_group].pairs.append(pair)
    return {
        "interventions": [
            {
                "intervention_id": intervention_id,
                "name": i.name,
                "area_of_need": i.area_of_need,
                "starts_on": i.starts_on,
                "ended_on": i.ended_on,
                "sessions_delivered": int(sessions_delivered.get(intervention_id, 0)),
                **{
                    k: v
                    for k, v in per_intervention[intervention_id].as_dict().items()
                    if k != "interventions"
                },
            }
            for intervention_id, i in intervention_rows.items()
        ],
        "by_area": [{"area_of_need": area, **tally.as_dict()} for area, tally in sorted(per_area.items())],
        "by_year_group": [
            {"year_group": year, **{k: v for k, v in tally.as_dict().items() if k != "cost_per_pupil"}}
            for year, tally in sorted(per_year.items())
        ],
    }


@reads("impact")
def pupil_assessments(conn: sa.Connection, pupil_id: UUID) -> list[dict[str, Any]]:
    """The pupil's assessments in the order they were taken, each as corrections
    have left it."""
    rows = conn.execute(
        sa.select(assessments)
        .where(assessments.c.pupil_id == pupil_id)
        .order_by(
            assessments.c.assessed_on,
            assessments.c.instrument,
            assessments.c.measure,
            assessments.c.assessment_id,
        )
    )
    return [dict(row._mapping) for row in rows]
