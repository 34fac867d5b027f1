"""An evidence pack's document, built from the read models as of a date.

Each section is one small function of ``Sources`` (the pupil, the order, and
what the read models hold about the pupil up to the pack's date). Figures are
the read models' own (the provision map's expected sessions and costs, the
impact report's ratio gain): nothing here is a second copy of a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cached_property, partial
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Pupil, SupportPlan
from apdr.aggregates.codes import NeedType, PackKind
from apdr.aggregates.evidence_pack import MARKING
from apdr.aggregates.school_year import SchoolCalendar, academic_year_of, year_group
from apdr.application import Actor, SenRecord
from apdr.application.evidence import Compose, PackOrder
from apdr.projections.chronology import pupil_entries_of_kinds
from apdr.projections.impact import Pair, pupil_assessments, ratio_gain
from apdr.projections.projection import reads
from apdr.projections.provision_map import Window, provision_rows, pupil_sessions
from apdr.projections.provision_map.report import money, percent
from apdr.projections.runner import ReadModels

# The notional SEN budget: the first £6,000 of additional support a mainstream
# school meets from its own budget before the local authority tops up.
NOTIONAL_THRESHOLD = Decimal("6000.00")

TITLES = {
    PackKind.ehc_request: "Evidence of SEN support for an EHC needs assessment request",
    PackKind.educational_record: "Educational record: special educational needs",
    PackKind.yot: "Information for the Youth Offending Team",
    PackKind.disclosure: "Information shared about a pupil",
}

# The chronology entries a pack reads, by kind.
RECORDED = (
    "need_identified",
    "need_ended",
    "sen_status_changed",
    "parents_notified",
    "profile_updated",
    "concern_raised",
    "advice_received",
    "advice_acted_on",
    "ehcp_milestone",
    "information_shared",
    "information_request_received",
    "information_request_decided",
    "pack_issued",
)


def composer(record: SenRecord, read_models: ReadModels, actor: Actor) -> Compose:
    """The builder the pack commands are given."""
    return partial(build, record, read_models, actor)


def build(record: SenRecord, read_models: ReadModels, actor: Actor, order: PackOrder) -> dict[str, Any]:
    pupil = order.pupil
    calendar = record.calendar(pupil.setting_id, pupil.admitted_on, order.as_of)
    recorded = read_models.ask(recorded_about, pupil, order.as_of, calendar)
    sources = Sources(record, actor, order, recorded)
    setting = record.setting(pupil.setting_id)
    document = {
        "id": order.pack_id,
        "kind": order.kind,
        "title": TITLES[order.kind],
        "pupil_id": order.pupil.id,
        "pupil_name": order.pupil.name,
        "as_of": order.as_of,
        "issued_at": order.issued_at,
        "issued_by": order.issued_by,
        "recipient": order.recipient,
        "request_id": order.request_id,
        "setting": {"urn": setting.urn, "name": setting.name},
        "marking": MARKING,
        "sections": {name: SECTIONS[name](sources) for name in order.sections},
    }
    return plain(document)


def plain(value: Any) -> Any:
    """JSON's own types only, so the document reads back exactly as it was sealed."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Recorded:
    """What the read models hold about one pupil up to a date, read in one pass."""

    entries: dict[str, list[dict[str, Any]]]
    provision: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    assessments: list[dict[str, Any]]


@reads("chronology", "provision_map", "pupils", "impact")
def recorded_about(conn: sa.Connection, pupil: Pupil, as_of: date, calendar: SchoolCalendar) -> Recorded:
    """Every read model a pack draws on, caught up once and read on one connection, so
    that each section agrees with the others."""
    entries: dict[str, list[dict[str, Any]]] = {k: [] for k in RECORDED}
    for e in pupil_entries_of_kinds(conn, pupil.id, RECORDED):
        if e["occurred_on"] <= as_of:
            entries[e["kind"]].append(e["data"])
    window = Window(pupil.admitted_on, as_of)
    return Recorded(
        entries=entries,
        provision=list(provision_rows(conn, pupil.setting_id, window, calendar, pupil.id)),
        sessions=pupil_sessions(conn, pupil.setting_id, pupil.id, as_of),
        assessments=[a for a in pupil_assessments(conn, pupil.id) if a["assessed_on"] <= as_of],
    )


@dataclass
class Sources:
    """The order, and what the record holds about the pupil up to the pack's date."""

    record: SenRecord
    actor: Actor
    order: PackOrder
    recorded: Recorded

    @property
    def as_of(self) -> date:
        return self.order.as_of

    def entries(self, kind: str) -> list[dict[str, Any]]:
        """What each of the pupil's chronology entries of ``kind`` recorded, up to the date."""
        return self.recorded.entries[kind]

    @property
    def provision(self) -> list[dict[str, Any]]:
        return self.recorded.provision

    @property
    def sessions(self) -> list[dict[str, Any]]:
        return self.recorded.sessions

    @cached_property
    def plans(self) -> list[SupportPlan]:
        """The pupil's plans begun by the date, oldest first."""
        plans = [self.record.plan(self.actor, plan_id) for plan_id in self.order.pupil.plan_ids]
        return sorted((p for p in plans if p.starts_on <= self.as_of), key=lambda p: p.starts_on)


# -- the sections -------------------------------------------------------------------


def _sen_status(s: Sources) -> dict[str, Any]:
    """The status on the date, since when, and when parents were formally told
    (Code of Practice 6.43: parents are notified when SEN provision is made)."""
    changes = s.entries("sen_status_changed")
    if not changes:
        return {"sen_status": "N", "sen_status_since": None, "parents_notified_on": None}
    last = changes[-1]
    notified = last.get("parents_notified_on") or next(
        (n["notified_on"] for n in s.entries("parents_notified") if n["notified_on"] >= last["effective_on"]),
        None,
    )
    return {
        "sen_status": last["status"],
        "sen_status_since": last["effective_on"],
        "parents_notified_on": notified,
    }


def pupil_section(s: Sources) -> dict[str, Any]:
    pupil = s.order.pupil
    return {
        "name": pupil.name,
        "upn": pupil.upn,
        "date_of_birth": pupil.date_of_birth,
        "year_group": year_group(pupil.date_of_birth, s.as_of),
        "class_name": pupil.class_name,
        "admitted_on": pupil.admitted_on,
        "left_on": pupil.left_on if pupil.left_on and pupil.left_on <= s.as_of else None,
        **_sen_status(s),
    }


def sen_status_section(s: Sources) -> dict[str, Any]:
    return {**_sen_status(s), "ehcp": ehcp_section(s)}


def needs_section(s: Sources) -> list[dict[str, Any]]:
    """Every need identified, and when it ended: the needs over time, not only today's."""
    needs: list[dict[str, Any]] = []
    ended = {}
    for e in s.entries("need_ended"):
        ended.setdefault(e["need_type"], []).append(e["ended_on"])
    for e in s.entries("need_identified"):
        endings = [d for d in ended.get(e["need_type"], []) if d >= e["identified_on"]]
        needs.append(
            {
                "need_type": e["need_type"],
                "area_of_need": _area(e["need_type"]),
                "rank": e["rank"],
                "identified_on": e["identified_on"],
                "ended_on": min(endings) if endings else None,
                "description": e.get("description", ""),
            }
        )
    return needs


def _area(need_type: str) -> str | None:
    area = NeedType(need_type).area
    return area.value if area else None


def _profile(s: Sources) -> dict[str, Any] | None:
    """The one-page profile as it stood on the pack's date."""
    updates = s.entries("profile_updated")
    return {**updates[-1]["profile"], "updated_on": updates[-1]["updated_on"]} if updates else None


def views_section(s: Sources) -> dict[str, Any]:
    """The one-page profile, and the pupil's and parents' views as each plan and review
    recorded them (Code of Practice 6.48: their views are part of every review)."""
    pupil: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []
    for plan in s.plans:
        _add_views(pupil, parents, plan.starts_on, "support plan", plan.pupil_views, plan.parent_views)
        for review in _reviews(plan, s.as_of):
            on = review["reviewed_on"]
            _add_views(pupil, parents, on, "plan review", review["pupil_views"], review["parent_views"])
    return {"profile": _profile(s), "pupil": pupil, "parents": parents}


def _add_views(pupil: list, parents: list, on: date, where: str, pupil_views: str, parent_views: str) -> None:
    if pupil_views:
        pupil.append({"on": on, "where": where, "views": pupil_views})
    if parent_views:
        parents.append({"on": on, "where": where, "views": parent_views})


def communication_section(s: Sources) -> dict[str, Any]:
    """How best to communicate with the young person: the profile's own words, and the
    strategies of the plan in place."""
    profile = _profile(s) or {}
    current = _current_plan(s)
    return {
        "what_helps": profile.get("what_helps", ""),
        "what_does_not_help": profile.get("what_does_not_help", ""),
        "teacher_needs_to_know": profile.get("teacher_needs_to_know", ""),
        "strategies": current.strategies if current else [],
    }


def _current_plan(s: Sources) -> SupportPlan | None:
    open_then = [p for p in s.plans if p.closed_on is None or p.closed_on > s.as_of]
    return open_then[-1] if open_then else None


def current_support_section(s: Sources) -> dict[str, Any]:
    current = _current_plan(s)
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


def _outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: outcome[k] for k in ("id", "description", "measure", "target")}


def _reviews(plan: SupportPlan, as_of: date) -> list[dict[str, Any]]:
    return [r for r in plan.reviews if r["reviewed_on"] <= as_of]


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
        "reviews": [_review(r, outcomes) for r in _reviews(plan, as_of)],
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


def assessments_section(s: Sources) -> list[dict[str, Any]]:
    """Per measure: baseline, latest, the change, and for age-equivalent measures the
    ratio gain (months gained over months elapsed), as the impact report reckons it."""
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
        "ratio_gain": None if gain is None else round(gain, 2),
        "results": [
            {"value": _number(r["value"]), "assessed_on": r["assessed_on"], "kind": r["kind"]}
            for r in results
        ],
    }


def _number(value: Any) -> str:
    """A score as written: 84, 7.5 (never 84.00 or 8.4E+1)."""
    return format(Decimal(str(value)).normalize(), "f")


def advice_section(s: Sources) -> list[dict[str, Any]]:
    """Outside advice and what the school did with it."""
    responses: dict[str, list[dict[str, Any]]] = {}
    for r in s.entries("advice_acted_on"):
        responses.setdefault(r["advice_id"], []).append(
            {"responded_on": r["responded_on"], "action": r["action"]}
        )
    return [
        {
            "id": a["advice_id"],
            "source": a["source"],
            "received_on": a["received_on"],
            "author": a["author"],
            "summary": a["summary"],
            "recommendations": a["recommendations"],
            "responses": responses.get(a["advice_id"], []),
        }
        for a in s.entries("advice_received")
    ]


def concerns_section(s: Sources) -> list[dict[str, Any]]:
    return [
        {
            "raised_on": c["raised_on"],
            "source": c["raised_by"],
            "raised_by": c.get("raised_by_name", ""),
            "concern": c["concern"],
        }
        for c in s.entries("concern_raised")
    ]


def ehcp_section(s: Sources) -> list[dict[str, Any]]:
    return [
        {"milestone": m["milestone"], "reached_on": m["reached_on"], "notes": m.get("notes", "")}
        for m in s.entries("ehcp_milestone")
    ]


def sessions_section(s: Sources) -> list[dict[str, Any]]:
    return [{k: x[k] for k in ("intervention", "delivered_on", "minutes", "status")} for x in s.sessions]


def disclosures_section(s: Sources) -> list[dict[str, Any]]:
    """Who the pupil's information was given to, and why (UK GDPR Article 15(1)(c))."""
    shared = [
        {
            "on": d["shared_on"],
            "to": d["shared_with"],
            "purpose": d["purpose"],
            "lawful_basis": d["lawful_basis"],
            "what": d["what"],
        }
        for d in s.entries("information_shared")
    ]
    packs = [
        {
            "on": p["issued_on"],
            "to": p["recipient"],
            "purpose": TITLES[PackKind(p["kind"])],
            "lawful_basis": p.get("lawful_basis") or "",
            "what": ", ".join(p["sections"]),
        }
        for p in s.entries("pack_issued")
        if p["pack_id"] != str(s.order.pack_id)
    ]
    return sorted(shared + packs, key=lambda d: d["on"])


def information_requests_section(s: Sources) -> list[dict[str, Any]]:
    decided = {d["request_id"]: d for d in s.entries("information_request_decided")}
    return [
        {
            "received_on": r["received_on"],
            "requester": r["requester"],
            "requester_kind": r["requester_kind"],
            "reference": r["reference"],
            "decision": decided.get(r["request_id"], {}).get("decision"),
            "decided_on": decided.get(r["request_id"], {}).get("decided_on"),
        }
        for r in s.entries("information_request_received")
    ]


SECTIONS: dict[str, Callable[[Sources], Any]] = {
    "pupil": pupil_section,
    "sen_status": sen_status_section,
    "needs": needs_section,
    "communication": communication_section,
    "current_support": current_support_section,
    "views": views_section,
    "plans": plans_section,
    "provision": provision_section,
    "sessions": sessions_section,
    "assessments": assessments_section,
    "advice": advice_section,
    "concerns": concerns_section,
    "ehcp": ehcp_section,
    "disclosures": disclosures_section,
    "information_requests": information_requests_section,
}
