"""stalled_progress: support that is happening but not working.

Two causes, each its own alert:

- outcomes not met at consecutive reviews: at each of a pupil's last few
  plan reviews (across their plans, on or before the as-of date), at least
  one outcome was rated not met, and the pupil still has a plan open (their
  support has not ended). Subject ``{pupil}/outcomes``; it resolves when a
  later review rates no outcome not met, or the support ends.
- no gain on a measure: a pupil's latest interim or exit assessment on a
  measure, long enough after the latest baseline, shows no gain on it. On
  standard and scaled scores higher is better, so no gain is a score no
  higher than the baseline. On age-equivalent measures (a reading age in
  months) a rise is not enough: a pupil gaining fewer months than have passed
  falls further behind, so progress is judged by the pupil's ratio gain
  (months gained over months elapsed between the baseline and the later
  assessment), stalled below the setting's threshold, by default 1.4, below
  which Brooks (2016, *What works for children and young people with literacy
  difficulties?*, 5th edn) judges a ratio gain of doubtful educational
  significance. Raw scores and percentages may count what should fall (a
  questionnaire's total difficulties), and apdr does not know which way a
  measure improves, so there no gain is no change at all.
  Only evidence from the last term or so is judged: an assessment older
  than that no longer describes the support the pupil has now. Subject
  ``{pupil}/measure/{intervention}/{instrument}/{measure}``; it resolves when
  a later assessment shows a gain, a new baseline starts the measure afresh,
  or the evidence grows too old.

Only pupils still on roll are watched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, listing, on_roll, running
from apdr.projections.impact import DAYS_PER_MONTH, assessments
from apdr.projections.monitoring import outcomes, plan_reviews, plans, ratings
from apdr.projections.pupils import pupils

KIND = "stalled_progress"
# Scales on which a higher score is always better.
HIGHER_IS_BETTER = frozenset({"standard_score", "scaled_score", "age_equivalent_months"})
# Scales judged by the ratio gain, months gained over months elapsed (Brooks 2016).
AGE_EQUIVALENT = "age_equivalent_months"
READ_MODELS = ("monitoring", "impact", "pupils")
THRESHOLDS = (
    # Core Standard Five descriptor 20: where pupils are not making expected progress the
    # setting adapts, amends or replaces the support; Camden's framework repeats two or three
    # cycles before considering an EHC needs assessment. Two in a row is apdr's choice.
    Threshold(
        "stalled_reviews",
        2,
        2,
        6,
        "reviews",
        "at how many consecutive reviews an outcome not met raises an alert",
        source=(
            "apdr's default: two reviews in a row, the fewest that show a pattern (Core Standard Five "
            "descriptor 20: support adapted, amended or replaced where progress is not as expected)"
        ),
    ),
    # The EEF's features of effective interventions (Core Standard Five) run them for 8-20
    # weeks; half a term is apdr's choice of the least time a fair interim assessment needs.
    Threshold(
        "stalled_min_weeks",
        6,
        1,
        52,
        "weeks",
        "how long after a baseline an assessment with no gain raises an alert",
        source=(
            "apdr's default: half a term, the least time in which an interim assessment can fairly "
            "show a gain (interventions run 8-20 weeks: EEF, in Core Standard Five)"
        ),
    ),
    # Core Standard Five descriptor 19: progress is reviewed at least termly, so evidence
    # older than a term (13 weeks) has already been reviewed, or should have been.
    Threshold(
        "stalled_evidence_weeks",
        13,
        1,
        52,
        "weeks",
        "how recent an assessment with no gain must be to raise an alert",
        source=(
            "apdr's default: a term (13 weeks), as progress is reviewed at least termly "
            "(Core Standard Five descriptor 19)"
        ),
    ),
    # Brooks (2016), What works for children and young people with literacy difficulties?,
    # 5th edn: a ratio gain below 1.4 is of doubtful educational significance; below 1.0 the
    # pupil falls further behind. In tenths, as thresholds are whole numbers.
    Threshold(
        "stalled_ratio_gain_tenths",
        14,
        1,
        40,
        "tenths",
        "the ratio gain on an age-equivalent measure (months gained over months elapsed, in "
        "tenths: 14 is 1.4) below which progress has stalled",
        source=(
            "Brooks (2016), What works for children and young people with literacy difficulties?, "
            "5th edn: a ratio gain below 1.4 is of doubtful educational significance"
        ),
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    yield from _outcomes_not_met(context)
    yield from _no_gain(context)


# -- outcomes not met at consecutive reviews ----------------------------------


def _outcomes_not_met(context: Context) -> Iterator[Cause]:
    reviews_needed = context.thresholds["stalled_reviews"]
    for pupil_id, (name, reviews) in _reviews_by_pupil(context).items():
        last = reviews[-reviews_needed:]
        if len(last) < reviews_needed or not all(r["not_met"] for r in last):
            continue
        latest = last[-1]
        yield Cause(
            subject=f"{pupil_id}/outcomes",
            summary=(
                f"{name}: outcomes not met at each of the last {reviews_needed} reviews "
                f"({listing(day(r['reviewed_on']) for r in last)}); most recently "
                f"{listing(repr(d) for d in latest['not_met'])}. Adapt or replace the support, seek "
                "specialist advice, or consider whether to request an EHC needs assessment."
            ),
            pupil_id=pupil_id,
            plan_id=latest["plan_id"],
            details={
                "reviews": [r["reviewed_on"].isoformat() for r in last],
                "not_met": latest["not_met"],
            },
        )


def _reviews_by_pupil(context: Context) -> dict[UUID, tuple[str, list[dict[str, Any]]]]:
    """Each pupil's reviews on or before the as-of date, in order, with the outcomes not met."""
    not_met = _not_met_outcomes(context)
    rows = context.conn.execute(
        sa.select(
            plan_reviews.c.review_id,
            plan_reviews.c.plan_id,
            plan_reviews.c.reviewed_on,
            plans.c.pupil_id,
            pupils.c.given_name,
            pupils.c.family_name,
        )
        .join(plans, plans.c.plan_id == plan_reviews.c.plan_id)
        .join(pupils, pupils.c.pupil_id == plans.c.pupil_id)
        .where(
            plans.c.setting_id == context.setting_id,
            plan_reviews.c.reviewed_on <= context.as_of,
            on_roll(context.as_of),
            _has_open_plan(plans.c.pupil_id, context.as_of),
        )
        .order_by(plans.c.pupil_id, plan_reviews.c.reviewed_on, plans.c.starts_on)
    )
    found: dict[UUID, tuple[str, list[dict[str, Any]]]] = {}
    for r in rows:
        name = f"{r.given_name} {r.family_name}"
        found.setdefault(r.pupil_id, (name, []))[1].append(
            {"plan_id": r.plan_id, "reviewed_on": r.reviewed_on, "not_met": not_met.get(r.review_id, [])}
        )
    return found


def _has_open_plan(pupil_id: Any, as_of: date) -> sa.ColumnElement[bool]:
    current = plans.alias("current")
    return sa.exists().where(
        current.c.pupil_id == pupil_id, running(current.c.starts_on, current.c.closed_on, as_of)
    )


def _not_met_outcomes(context: Context) -> dict[UUID, list[str]]:
    rows = context.conn.execute(
        sa.select(ratings.c.review_id, outcomes.c.description)
        .join(
            outcomes,
            sa.and_(outcomes.c.plan_id == ratings.c.plan_id, outcomes.c.outcome_id == ratings.c.outcome_id),
        )
        .join(plans, plans.c.plan_id == outcomes.c.plan_id)
        .where(plans.c.setting_id == context.setting_id, ratings.c.rating == "not_met")
        .order_by(ratings.c.review_id, outcomes.c.description)
    )
    found: dict[UUID, list[str]] = {}
    for r in rows:
        found.setdefault(r.review_id, []).append(r.description)
    return found


# -- no gain between baseline and later assessments ---------------------------


def _no_gain(context: Context) -> Iterator[Cause]:
    fewest_days = 7 * context.thresholds["stalled_min_weeks"]
    oldest = context.days_ago(7 * context.thresholds["stalled_evidence_weeks"])
    ratio_min = context.thresholds["stalled_ratio_gain_tenths"] / 10
    for key, (name, series) in _assessments_by_measure(context).items():
        found = _baseline_and_latest(series)
        if found is None:
            continue
        baseline, latest = found
        days = (latest.assessed_on - baseline.assessed_on).days
        if latest.assessed_on < oldest or days < fewest_days:
            continue
        ratio = None
        if latest.scale == AGE_EQUIVALENT:
            ratio = pupil_ratio_gain(baseline.value, latest.value, days)
        if ratio >= ratio_min if ratio is not None else gained(latest.scale, baseline.value, latest.value):
            continue
        yield _stalled_measure(key, name, baseline, latest, ratio, ratio_min)


def _baseline_and_latest(series: list[Any]) -> tuple[Any, Any] | None:
    """The latest baseline, and the latest interim or exit assessment on or after it."""
    baseline = max((a for a in series if a.kind == "baseline"), key=_when, default=None)
    if baseline is None:
        return None
    later = [a for a in series if a.kind in ("interim", "exit") and a.assessed_on >= baseline.assessed_on]
    latest = max(later, key=_when, default=None)
    return None if latest is None else (baseline, latest)


def _stalled_measure(
    key: tuple[Any, ...], name: str, baseline: Any, latest: Any, ratio: float | None, ratio_min: float
) -> Cause:
    pupil_id, intervention_id, instrument, measure = key
    how = "too slow a gain" if latest.value > baseline.value else "no gain"
    summary = (
        f"{name}: {how} in {measure} ({instrument}) from the baseline of {_number(baseline.value)} "
        f"on {day(baseline.assessed_on)} to {_number(latest.value)} on {day(latest.assessed_on)}."
    )
    details = {
        "instrument": instrument,
        "measure": measure,
        "baseline": str(baseline.value),
        "baseline_on": baseline.assessed_on.isoformat(),
        "latest": str(latest.value),
        "latest_on": latest.assessed_on.isoformat(),
    }
    if ratio is not None:
        months = (latest.assessed_on - baseline.assessed_on).days / DAYS_PER_MONTH
        summary += " " + _ratio_sentence(latest.value - baseline.value, months, ratio, ratio_min)
        details |= {"months_elapsed": round(months, 1), "ratio_gain": ratio}
    return Cause(
        subject=f"{pupil_id}/measure/{intervention_id or '-'}/{instrument}/{measure}".casefold(),
        summary=summary + " Check the support is delivered as designed, then adapt or replace it.",
        pupil_id=pupil_id,
        intervention_id=intervention_id,
        details=details,
    )


def pupil_ratio_gain(baseline: Decimal, latest: Decimal, days: int) -> float:
    """Months gained over months elapsed, to two places (as it is shown and judged)."""
    return round(float(latest - baseline) / (days / DAYS_PER_MONTH), 2)


def _ratio_sentence(gain: Decimal, months: float, ratio: float, ratio_min: float) -> str:
    """Why a rise on an age-equivalent measure is not progress enough (Brooks 2016)."""
    moved = f"{_number(gain)} months gained" if gain > 0 else f"a change of {_number(gain)} months"
    behind = "; under 1.0 the pupil is falling further behind" if ratio < 1 else ""
    return (
        f"{moved.capitalize()} in {months:.1f} months is a ratio gain of {ratio:.2f}, below the "
        f"setting's {ratio_min:g} (Brooks 2016: below 1.4 is of doubtful educational significance{behind})."
    )


def gained(scale: str, baseline: Decimal, latest: Decimal) -> bool:
    if scale in HIGHER_IS_BETTER:
        return latest > baseline
    return latest != baseline


def _when(assessment: Any) -> tuple[date, Any]:
    return (assessment.assessed_on, str(assessment.assessment_id))


def _number(value: Any) -> str:
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def _assessments_by_measure(context: Context) -> dict[tuple[Any, ...], tuple[str, list[Any]]]:
    a = assessments.c
    rows = context.conn.execute(
        sa.select(assessments, pupils.c.given_name, pupils.c.family_name)
        .join(pupils, pupils.c.pupil_id == a.pupil_id)
        .where(
            pupils.c.setting_id == context.setting_id, a.assessed_on <= context.as_of, on_roll(context.as_of)
        )
    )
    found: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
    for r in rows:
        key = (r.pupil_id, r.intervention_id, r.instrument, r.measure)
        found.setdefault(key, (f"{r.given_name} {r.family_name}", []))[1].append(r)
    return found
