"""The sections about the support itself: every assess-plan-do-review cycle, the
support in place, the provision received with its dosage and cost, the sessions,
and progress on each measure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from apdr.aggregates import SupportPlan
from apdr.aggregates.school_year import academic_year_of
from apdr.evidence.packs.sources import Sources, current_plan, reviews_of
from apdr.projections.impact import RATIO_GAIN_MIN_DAYS, Pair, brooks_band, ratio_gain
from apdr.projections.provision_map.report import money, percent

# The notional SEN budget: the first £6,000 of additional support a mainstream
# school meets from its own budget before the local authority tops up.
NOTIONAL_THRESHOLD = Decimal("6000.00")


def plans_section(s: Sources) -> list[dict[str, Any]]:
    """Every assess-plan-do-review cycle to the date: outcomes, strategies, and each
    review's ratings, the four questions and its decision."""
    return [_plan(plan, s.as_of) for plan in s.plans]


def _plan(plan: SupportPlan, as_of: date) -> dict[str, Any]:
    closed_on = plan.closed_on if plan.closed_on and plan.closed_on <= as_of else None
    agreed_on = getattr(plan, "agreed_on", None)
    outcomes = {o["id"]: o for o in plan.outcomes.values()}
    return {
        "id": plan.id,
        "starts_on": plan.starts_on,
        "review_due_on": plan.review_due_on,
        "agreed_on": agreed_on if agreed_on and agreed_on <= as_of else None,
        "closed_on": closed_on,
        "status": "closed" if closed_on else "open",
        "outcomes": [_outcome(o) for o in outcomes.values()],
        "strategies": plan.strategies,
        "expected_impact": plan.expected_impact,
        "pupil_views": plan.pupil_views,
        "parent_views": plan.parent_views,
        "home_actions": plan.home_actions,
        "reviews": [_review(r, outcomes) for r in reviews_of(plan, as_of)],
    }


def _review(review: dict[str, Any], outcomes: dict[UUID, dict[str, Any]]) -> dict[str, Any]:
    ratings = [
        {
            "outcome_id": r["outcome_id"],
            "outcome": outcomes[r["outcome_id"]]["description"] if r["outcome_id"] in outcomes else "",
            "rating": r["rating"],
            "evidence": r["evidence"],
        }
        for r in review["outcomes"]
    ]
    questions = ("tried", "learned", "pleased", "concerned", "pupil_views", "parent_views")
    return {
        "reviewed_on": review["reviewed_on"],
        "outcomes": ratings,
        **{q: review[q] for q in questions},
        "decision": review["decision"],
        "next_review_due_on": review["next_review_due_on"],
    }


def _outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: outcome[k] for k in ("id", "description", "measure", "target")}


def current_support_section(s: Sources) -> dict[str, Any]:
    current = current_plan(s)
    plan = None
    if current is not None:
        plan = {
            "starts_on": current.starts_on,
            "review_due_on": current.review_due_on,
            "outcomes": [_outcome(o) for o in current.outcomes.values()],
            "strategies": current.strategies,
        }
    in_place = [r for r in provision_section(s)["rows"] if _in_place_on(r, s.as_of)]
    return {"plan": plan, "provision": in_place}


def _in_place_on(row: dict[str, Any], day: date) -> bool:
    return row["left_on"] is None and not row["ended"] and row["enrolled_on"] <= day


def provision_section(s: Sources) -> dict[str, Any]:
    """The provision the pupil received with its dates and dosage, and what this
    year's costs, set against the notional SEN threshold."""
    year_from = date(academic_year_of(s.as_of), 9, 1)
    minutes = _minutes_attended(s.sessions)
    rows = [_provision_row(r, minutes, year_from) for r in s.provision]
    total = sum((Decimal(r["cost_per_pupil_per_year"]) for r in rows if r["in_year"]), Decimal(0))
    return {
        "from": year_from,
        "to": s.as_of,
        "rows": rows,
        "total_cost_per_year": money(total),
        "notional_threshold": money(NOTIONAL_THRESHOLD),
        "above_threshold": total > NOTIONAL_THRESHOLD,
    }


def _minutes_attended(sessions: list[dict[str, Any]]) -> dict[UUID, int]:
    minutes: dict[UUID, int] = {}
    for session in sessions:
        if session["attended"]:
            intervention_id = session["intervention_id"]
            minutes[intervention_id] = minutes.get(intervention_id, 0) + session["minutes"]
    return minutes


def _provision_row(row: dict[str, Any], minutes: dict[UUID, int], year_from: date) -> dict[str, Any]:
    ends = row["left_on"] or row["ends_on"]
    keys = [
        "intervention_id",
        "intervention",
        "programme",
        "area_of_need",
        "aim",
        "delivery",
        "ratio",
        "sessions_per_week",
        "minutes_per_session",
        "enrolled_on",
        "left_on",
        "starts_on",
        "ends_on",
        "ended",
        "sessions_expected",
        "sessions_delivered",
        "sessions_attended",
        "cost_per_pupil_per_year",
    ]
    return {
        **{k: row[k] for k in keys},
        "attendance_percent": percent(row["sessions_attended"], row["sessions_delivered"]),
        "minutes_planned": row["sessions_expected"] * row["minutes_per_session"],
        "minutes_attended": minutes.get(row["intervention_id"], 0),
        "in_year": ends is None or ends >= year_from,
    }


def sessions_section(s: Sources) -> list[dict[str, Any]]:
    return [{k: x[k] for k in ("intervention", "delivered_on", "minutes", "status")} for x in s.sessions]


def assessments_section(s: Sources) -> list[dict[str, Any]]:
    """Per measure: baseline, latest, the change, and for age-equivalent measures the
    ratio gain (months gained over months elapsed), as the impact report reckons it, with
    its band (Brooks 2016) once baseline and latest are a term or more apart, the impact
    report's rule."""
    measures: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for a in s.recorded.assessments:
        measures.setdefault((a["instrument"], a["measure"], a["scale"]), []).append(a)
    return [_measure(key, results) for key, results in measures.items()]


def _measure(key: tuple[str, str, str], results: list[dict[str, Any]]) -> dict[str, Any]:
    instrument, measure, scale = key
    baseline = next((r for r in results if r["kind"] == "baseline"), results[0])
    later = [r for r in results if r["assessed_on"] > baseline["assessed_on"]]
    latest = later[-1] if later else None
    pair = None
    if latest is not None:
        pair = Pair(
            pupil_id=baseline["pupil_id"],
            intervention_id=baseline["intervention_id"],
            instrument=instrument,
            measure=measure,
            scale=scale,
            baseline=Decimal(baseline["value"]),
            baseline_on=baseline["assessed_on"],
            exit=Decimal(latest["value"]),
            exit_on=latest["assessed_on"],
            year_group=0,
        )
    gain = ratio_gain([pair]) if pair and scale == "age_equivalent_months" else None
    shown = None if gain is None else round(gain, 2)
    band = brooks_band(shown) if pair and pair.days_elapsed >= RATIO_GAIN_MIN_DAYS else None
    return {
        "instrument": instrument,
        "measure": measure,
        "scale": scale,
        "baseline": {"value": _number(baseline["value"]), "assessed_on": baseline["assessed_on"]},
        "latest": None
        if latest is None
        else {
            "value": _number(latest["value"]),
            "assessed_on": latest["assessed_on"],
            "kind": latest["kind"],
        },
        "change": _number(pair.change) if pair else None,
        "months_elapsed": round(pair.months_elapsed, 1) if pair else None,
        "ratio_gain": shown,
        "ratio_gain_band": band,
        "results": [
            {"value": _number(r["value"]), "assessed_on": r["assessed_on"], "kind": r["kind"]}
            for r in results
        ],
    }


def _number(value: Any) -> str:
    """A score as written: 84, 7.5 (never 84.00 or 8.4E+1)."""
    return format(Decimal(str(value)).normalize(), "f")
