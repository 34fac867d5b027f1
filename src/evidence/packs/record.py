"""The sections about the pupil's own record: who they are, their SEN status and
needs over time, the one-page profile and views, how to communicate with them,
advice, concerns, the EHC process, and who has been told what."""

from __future__ import annotations

from datetime import date
from typing import Any

from apdr.aggregates.codes import NeedType, PackKind
from apdr.aggregates.school_year import year_group
from apdr.evidence.packs.sources import TITLES, Sources, current_plan, reviews_of


def _sen_status(s: Sources) -> dict[str, Any]:
    """The status on the date, since when, and when parents were formally told
    (Code of Practice 6.48: "the parents must be formally notified")."""
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
    recorded them (Code of Practice 6.54: impact is "evaluated, along with the views of the pupil
    and their parents")."""
    pupil: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []
    for plan in s.plans:
        _add_views(pupil, parents, plan.starts_on, "support plan", plan.pupil_views, plan.parent_views)
        for review in reviews_of(plan, s.as_of):
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
    current = current_plan(s)
    return {
        "what_helps": profile.get("what_helps", ""),
        "what_does_not_help": profile.get("what_does_not_help", ""),
        "teacher_needs_to_know": profile.get("teacher_needs_to_know", ""),
        "strategies": current.strategies if current else [],
    }


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
