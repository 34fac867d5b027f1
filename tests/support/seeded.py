"""A school with one of everything, and every route of the API, for tests that go through them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import uuid4

from fastapi import FastAPI
from fastapi.routing import APIRoute

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from tests.support.routes import routes_of
from tests.support.school import BASELINE, Client, School, group


@dataclass
class Seeded:
    """Records of every kind in one setting, and a TA assigned to its intervention."""

    school: School
    ids: dict[str, str]
    ta: Client
    admin: Client
    """An admin of every setting."""
    admin_alone: Client
    """An admin of this setting alone."""

    def path(self, template: str) -> str:
        """A route's path with each {name} filled by a record of that kind."""
        return template.format(**self.ids)


def seed(school: School) -> Seeded:
    running = group(school)
    ta_staff, ta = school.ta_of(running.intervention)
    plan = school.plan(running.amira)
    plan_body = school.senco.get(f"/plans/{plan}").json()
    session_id = str(uuid4())
    marks = {running.amira: "present", running.oliver: "present"}
    assert school.session(running.intervention, ta_staff, marks, session_id=session_id).status_code == 201
    missed = school.senco.create(
        f"/interventions/{running.intervention}/missed-sessions",
        {"scheduled_on": "2026-09-23", "reason": "staff_absence"},
    )
    assessment = school.senco.create(
        f"/pupils/{running.amira}/assessments",
        BASELINE | {"instrument": "Reading test"},
    )
    # An overdue review gives the setting an alert.
    school.senco.post(
        f"/plans/{plan}/review-date", {"review_due_on": "2026-10-01", "reason": "brought forward"}
    )
    run = school.senco.post("/policies/run", {"as_of": "2026-11-16"}).json()
    alert = next(a["id"] for a in run["raised"] if a["kind"] == "overdue_review")
    spare = school.user(Role.teacher)
    advice = school.senco.create(
        f"/pupils/{running.amira}/advice",
        {"source": "educational_psychologist", "received_on": "2026-11-02", "summary": "Weak working memory"},
    )
    request = school.senco.create(
        f"/pupils/{running.amira}/information-requests",
        {
            "requester": "Anytown Youth Justice Service",
            "requester_kind": "yot",
            "received_on": "2026-11-02",
            "asks_for": "SEN status",
            "purpose": "AssetPlus",
        },
    )
    pack = school.senco.create(
        f"/pupils/{running.amira}/packs",
        {"kind": "ehc_request", "as_of": "2026-11-23", "recipient": "Anytown SEND assessment team"},
    )
    ids = {
        "pupil_id": running.amira,
        "plan_id": plan,
        "intervention_id": running.intervention,
        "staff_id": running.staff,
        "session_id": session_id,
        "missed_id": missed,
        "assessment_id": assessment,
        "outcome_id": plan_body["outcomes"][0]["id"],
        "alert_id": alert,
        "setting_id": str(school.setting_id),
        "user_id": str(User.create_id(spare.email)),
        "need_type": "SPLD",
        "advice_id": advice,
        "request_id": request,
        "pack_id": pack,
    }
    # An admin of every setting, so that registering a setting is theirs to do.
    return Seeded(school, ids, ta, school.user(Role.admin, all_settings=True), school.user(Role.admin))


def api_routes(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    """(method, path under /api/v1, route) for every route of the API (not the pages)."""
    for full_path, route in routes_of(app):
        if not full_path.startswith("/api/v1/"):
            continue
        path = full_path.removeprefix("/api/v1")
        if path == "/auth/token":
            continue
        for method in sorted(route.methods):
            yield method, path, route
