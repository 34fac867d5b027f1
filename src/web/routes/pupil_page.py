"""What a pupil's page shows, read in one pass: the pupil and their plans from the
record, and everything else from the read models caught up once and read on one
connection (as an evidence pack reads them), so that each section agrees with the others
and the page stays quick for a pupil with seven years of history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.aggregates.codes import EhcpMilestone, NeedType, Role, Scale, SenProvision
from apdr.aggregates.pupil import PROFILE_SECTIONS
from apdr.aggregates.school_year import SchoolCalendar, academic_year_of, age_in_years, year_group
from apdr.application import Actor, SenRecord
from apdr.projections.audit import audit_entries
from apdr.projections.chronology import pupil_chronology, pupil_chronology_length, pupil_entries_of_kinds

# The parts of the chronology's own query, to count its entries without reading them all.
from apdr.projections.chronology.wording import DECISIONS, MILESTONES, NEED_NAMES, PROVISION_NAMES, year_name
from apdr.projections.impact import pupil_assessments
from apdr.projections.projection import reads
from apdr.projections.provision_map import Window, provision_rows
from apdr.projections.runner import ReadModels
from apdr.web import charts

LATEST = 50  # chronology entries shown unless all are asked for
AUDIT_SHOWN = 25
HISTORY = ("sen_status_changed", "parents_notified", "need_identified", "need_ended")
# Who may read each section: the role lists of the API routes that answer the same question.
READERS = {Role.senco, Role.teacher, Role.leader}  # chronology, provision map
AUDITORS = {Role.senco}  # GET /audit?pupil_id=

PROFILE_HEADINGS = {
    "like_and_admire": "What people like and admire about me",
    "important_to_me": "What is important to me",
    "likes": "What I like",
    "dislikes": "What I do not like",
    "finds_hard": "What I find hard",
    "what_helps": "What helps me",
    "what_does_not_help": "What does not help me",
    "aspirations": "My hopes for the future",
    "teacher_needs_to_know": "What my teacher needs to know",
}
RATINGS = {"not_met": "Not met", "partly_met": "Partly met", "met": "Met", "exceeded": "Exceeded"}
RATING_TAGS = {"not_met": "bad", "partly_met": "warn", "met": "good", "exceeded": "good"}
SCALES = {
    Scale.standard_score.value: "standard score",
    Scale.age_equivalent_months.value: "age equivalent, in months",
    Scale.raw.value: "raw score",
    Scale.percent.value: "per cent",
    Scale.scaled_score.value: "scaled score",
}


@dataclass(frozen=True)
class Recorded:
    """What the read models hold about the pupil that the page shows."""

    history: list[dict[str, Any]]
    provision: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    chronology: list[dict[str, Any]]
    chronology_total: int
    audit: list[dict[str, Any]]
    audit_total: int


@reads("chronology", "provision_map", "pupils", "impact", "audit")
def recorded_about(
    conn: sa.Connection,
    pupil: Pupil,
    window: Window,
    calendar: SchoolCalendar | None,
    *,
    audit: bool,
    whole_chronology: bool,
) -> Recorded:
    """Every read model the page draws on, on one connection; without a ``calendar`` (a reader
    who may not see the provision map or the chronology) neither is read."""
    history, provision, chronology, total = [], [], [], 0
    if calendar is not None:
        history = pupil_entries_of_kinds(conn, pupil.id, HISTORY)
        provision = list(provision_rows(conn, pupil.setting_id, window, calendar, pupil.id))
        total = pupil_chronology_length(conn, pupil.id)
        # Only the latest entries are read (unless all are asked for): seven years of sessions are many.
        first = 0 if whole_chronology else max(0, total - LATEST)
        chronology = list(pupil_chronology(conn, pupil.id, offset=first))[::-1]
    trail, trail_total = audit_entries(conn, pupil.id, limit=AUDIT_SHOWN, offset=0) if audit else ([], 0)
    return Recorded(
        history=history,
        provision=provision,
        assessments=pupil_assessments(conn, pupil.id),
        chronology=chronology,
        chronology_total=total,
        audit=trail,
        audit_total=trail_total,
    )


def read(
    record: SenRecord,
    read_models: ReadModels,
    actor: Actor,
    pupil: Pupil,
    today: date,
    *,
    whole_chronology: bool = False,
    every_intervention: bool = False,
) -> dict[str, Any]:
    """The page's context: each section's rows, shaped for the template."""
    reader = actor.role in READERS
    # Provision this school year, as the provision map shows it by default; or since the pupil joined.
    first = (
        pupil.admitted_on
        if every_intervention
        else max(pupil.admitted_on, date(academic_year_of(today), 9, 1))
    )
    window = Window(first, today)
    calendar = record.calendar(pupil.setting_id, window.first, window.as_of) if reader else None
    found = read_models.ask(
        recorded_about,
        pupil,
        window,
        calendar,
        audit=actor.role in AUDITORS,
        whole_chronology=whole_chronology,
    )
    plans = sorted(
        (record.plan(actor, plan_id) for plan_id in pupil.plan_ids),
        key=lambda p: (p.starts_on, p.id == pupil.current_plan_id),
        reverse=True,
    )
    return {
        "pupil": pupil,
        "name": pupil.name,
        "facts": _facts(pupil, today),
        "profile": _profile(pupil),
        "needs": _needs(pupil),
        "history": _history(found.history),
        "plans": [_plan(p, pupil) for p in plans],
        "provision": found.provision,
        "provision_since": window.first,
        "every_intervention": every_intervention or window.first == pupil.admitted_on,
        "measures": _measures(found.assessments),
        "chronology": found.chronology,
        "chronology_total": found.chronology_total,
        "whole_chronology": whole_chronology,
        "audit": found.audit,
        "audit_total": found.audit_total,
        "shows_record": reader,
        "shows_audit": actor.role in AUDITORS,
    }


def _facts(pupil: Pupil, today: date) -> list[tuple[str, str]]:
    since = f" since {_day(pupil.sen_status_since)}" if pupil.sen_status_since else ""
    facts = [
        ("UPN", pupil.upn),
        ("Date of birth", f"{_day(pupil.date_of_birth)} (aged {age_in_years(pupil.date_of_birth, today)})"),
        ("Year group", year_name(year_group(pupil.date_of_birth, today))),
        ("Class", pupil.class_name),
        ("Joined the school", _day(pupil.admitted_on)),
        ("SEN provision", _capital(PROVISION_NAMES[pupil.sen_status]) + since),
    ]
    if pupil.sen_status is not SenProvision.no_sen:
        notified = pupil.parents_notified_on
        facts.append(("Parents formally told", _day(notified) if notified else "Not recorded"))
    for milestone in pupil.ehcp:
        facts.append(
            (MILESTONES[EhcpMilestone(_value(milestone["milestone"]))], _day(milestone["reached_on"]))
        )
    if pupil.left_on:
        facts.append(("Left the school", _day(pupil.left_on)))
    return facts


def _profile(pupil: Pupil) -> dict[str, Any]:
    profile = pupil.profile or {}
    sections = [(PROFILE_HEADINGS[s], profile.get(s) or "") for s in PROFILE_SECTIONS]
    return {"updated_on": profile.get("updated_on"), "sections": [s for s in sections if s[1]]}


def _needs(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "rank": "Primary" if rank == 1 else "Secondary",
            "code": need["need_type"].value,
            "words": _capital(NEED_NAMES[need["need_type"]]),
            "area": _area(need["need_type"]),
            "identified_on": need["identified_on"],
            "description": need["description"],
        }
        for rank, need in sorted(pupil.needs.items())
    ]


def _area(need: NeedType) -> str:
    area = need.area
    return {
        "communication_interaction": "Communication and interaction",
        "cognition_learning": "Cognition and learning",
        "semh": "Social, emotional and mental health",
        "sensory_physical": "Sensory and/or physical",
    }.get(area.value if area else "", "Other")


def _history(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """SEN status changes (with when parents were told), and needs as identified and ended, oldest first."""
    statuses = [
        {
            "effective_on": date.fromisoformat(e["data"]["effective_on"]),
            "status": _capital(PROVISION_NAMES[SenProvision(e["data"]["status"])]),
            "previous": _capital(PROVISION_NAMES[SenProvision(e["data"]["previous"])])
            if e["data"].get("previous")
            else "",
            "notified": _optional_day(e["data"].get("parents_notified_on")),
            "reason": e["data"].get("reason") or "",
            "recorded_by": e["recorded_by"],
        }
        for e in entries
        if e["kind"] == "sen_status_changed"
    ]
    needs = [
        {
            "on": e["occurred_on"],
            "what": ("Identified: " if e["kind"] == "need_identified" else "Ended: ")
            + _capital(NEED_NAMES[NeedType(e["data"]["need_type"])])
            + f" ({e['data']['need_type']})",
            "detail": e["data"].get("description") or e["data"].get("reason") or "",
        }
        for e in entries
        if e["kind"] in ("need_identified", "need_ended")
    ]
    return {"statuses": statuses, "needs": needs}


def _plan(plan: Any, pupil: Pupil) -> dict[str, Any]:
    outcomes = plan.outcomes
    return {
        "id": plan.id,
        "current": plan.id == pupil.current_plan_id,
        "open": plan.closed_on is None,
        "starts_on": plan.starts_on,
        "review_due_on": plan.review_due_on,
        "agreed_on": plan.agreed_on,
        "closed_on": plan.closed_on,
        "closed_reason": plan.closed_reason,
        "outcomes": list(outcomes.values()),
        "strategies": plan.strategies,
        "expected_impact": plan.expected_impact,
        "pupil_views": plan.pupil_views,
        "parent_views": plan.parent_views,
        "home_actions": plan.home_actions,
        "reviews": [
            review
            | {
                "decision_words": _capital(DECISIONS[review["decision"]]),
                "ratings": [
                    {
                        "outcome": outcomes[r["outcome_id"]]["description"]
                        if r["outcome_id"] in outcomes
                        else "",
                        "rating": RATINGS[_value(r["rating"])],
                        "tag": RATING_TAGS[_value(r["rating"])],
                        "evidence": r["evidence"],
                    }
                    for r in review["outcomes"]
                ],
            }
            for review in reversed(plan.reviews)
        ],
    }


def _measures(assessments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One chart per instrument, measure and scale, its points in the order they were taken."""
    by_measure: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for a in assessments:
        shown = a | {"value_text": _number(a["value"]), "kind_words": _capital(_value(a["kind"]))}
        by_measure.setdefault((a["instrument"], a["measure"], _value(a["scale"])), []).append(shown)
    measures = []
    for (instrument, measure, scale), taken in by_measure.items():
        taken.sort(key=lambda a: a["assessed_on"])
        scale_words = SCALES.get(scale, scale)
        title = f"{_capital(measure)} ({instrument}), {scale_words}, over time"
        values = ", ".join(
            f"{_day(a['assessed_on'])} {_value(a['kind'])} {_number(a['value'])}" for a in taken
        )
        points = [
            charts.Point(a["assessed_on"], a["value"], f"{_value(a['kind'])}: {_number(a['value'])}")
            for a in taken
        ]
        measures.append(
            {
                "instrument": instrument,
                "measure": measure,
                "scale": scale_words,
                "assessments": taken,
                "chart": charts.line_chart(
                    points,
                    title=title,
                    description=f"{len(taken)} assessment{'s' if len(taken) != 1 else ''}: {values}.",
                    value_label=scale_words,
                ),
            }
        )
    return measures


def _number(value: Decimal) -> str:
    """84, 84.5: a score as written, without the stored trailing zeros."""
    return format(value.normalize(), "f")


def _value(v: Any) -> str:
    return getattr(v, "value", v)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _optional_day(text: str | None) -> str:
    return _day(date.fromisoformat(text)) if text else "Not recorded"
