"""Who may call what: the table of role and endpoint, checked against every route the app
serves (a new endpoint without a row here fails), and then called for every role over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.routing import APIRoute

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.api.deps import Allow
from apdr.config import Config
from tests.support.school import Client, School, problem
from tests.support.seeded import api_routes, seed

ADMIN, SENCO, TEACHER, TA, LEADER = Role.admin, Role.senco, Role.teacher, Role.ta, Role.leader
SETTING_ADMIN = {ADMIN}
ONLY_SENCO = {SENCO}
TEACHING = {SENCO, TEACHER}
DELIVERING = {SENCO, TEACHER, TA}
READERS = {SENCO, TEACHER, LEADER}
MEMBERS = {SENCO, TEACHER, LEADER, TA}  # a TA only within their reach: see test_ta_reach.py
SIGNED_IN = {ADMIN, SENCO, TEACHER, LEADER, TA}

ROLES: dict[tuple[str, str], set[Role]] = {
    ("GET", "/me"): SIGNED_IN,
    ("POST", "/settings"): SETTING_ADMIN,
    ("GET", "/settings/{setting_id}"): SETTING_ADMIN,
    ("GET", "/users"): {ADMIN, SENCO},
    ("POST", "/users"): SETTING_ADMIN,
    ("POST", "/users/{user_id}/disable"): SETTING_ADMIN,
    ("GET", "/setting"): MEMBERS,
    ("GET", "/setting/calendar"): MEMBERS,
    ("PUT", "/setting/term-dates"): ONLY_SENCO,
    ("GET", "/setting/thresholds"): READERS,
    ("PUT", "/setting/thresholds"): ONLY_SENCO,
    ("POST", "/pupils"): ONLY_SENCO,
    ("GET", "/pupils"): MEMBERS,
    ("GET", "/pupils/{pupil_id}"): MEMBERS,
    ("GET", "/pupils/{pupil_id}/chronology"): READERS,
    ("GET", "/pupils/{pupil_id}/plans"): MEMBERS,
    ("GET", "/pupils/{pupil_id}/assessments"): MEMBERS,
    ("GET", "/pupils/{pupil_id}/profile"): MEMBERS,
    ("GET", "/pupils/{pupil_id}/advice"): READERS,
    ("GET", "/pupils/{pupil_id}/concerns"): READERS,
    ("POST", "/pupils/{pupil_id}/corrections"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/class-moves"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/needs"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/needs/{need_type}/end"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/sen-status"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/parent-notifications"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/concerns"): TEACHING,
    ("POST", "/pupils/{pupil_id}/assessments"): TEACHING,
    ("POST", "/pupils/{pupil_id}/assessments/{assessment_id}/corrections"): TEACHING,
    ("PUT", "/pupils/{pupil_id}/profile"): TEACHING,
    ("PATCH", "/pupils/{pupil_id}/profile"): TEACHING,
    ("POST", "/pupils/{pupil_id}/advice"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/ehcp-milestones"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/disclosures"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/advice/{advice_id}/responses"): ONLY_SENCO,
    # Evidence packs: the SENCO records requests, decides and issues; nobody else sees a pack.
    ("POST", "/pupils/{pupil_id}/information-requests"): ONLY_SENCO,
    ("POST", "/information-requests/{request_id}/decision"): ONLY_SENCO,
    ("POST", "/information-requests/{request_id}/parents-informed"): ONLY_SENCO,
    ("GET", "/information-requests"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/packs"): ONLY_SENCO,
    ("GET", "/pupils/{pupil_id}/packs"): ONLY_SENCO,
    ("GET", "/packs/{pack_id}"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/leaving"): ONLY_SENCO,
    ("POST", "/pupils/{pupil_id}/plans"): TEACHING,
    ("GET", "/plans/{plan_id}"): MEMBERS,
    ("POST", "/plans/{plan_id}/reviews"): TEACHING,
    ("POST", "/plans/{plan_id}/agreement"): TEACHING,
    ("POST", "/plans/{plan_id}/outcomes"): TEACHING,
    ("POST", "/plans/{plan_id}/outcomes/{outcome_id}/revisions"): TEACHING,
    ("POST", "/plans/{plan_id}/strategies"): TEACHING,
    ("POST", "/plans/{plan_id}/review-date"): TEACHING,
    ("POST", "/plans/{plan_id}/closure"): TEACHING,
    ("POST", "/interventions"): ONLY_SENCO,
    ("GET", "/interventions"): MEMBERS,
    ("GET", "/interventions/{intervention_id}"): MEMBERS,
    ("PATCH", "/interventions/{intervention_id}"): ONLY_SENCO,
    ("GET", "/interventions/{intervention_id}/sessions"): MEMBERS,
    ("POST", "/interventions/{intervention_id}/missed-sessions/{missed_id}/void"): DELIVERING,
    ("POST", "/interventions/{intervention_id}/staff"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/staff/{staff_id}/unassign"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/enrolments"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/enrolments/{pupil_id}/withdrawal"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/sessions"): DELIVERING,
    ("POST", "/interventions/{intervention_id}/sessions/{session_id}/corrections"): DELIVERING,
    ("POST", "/interventions/{intervention_id}/sessions/{session_id}/void"): DELIVERING,
    ("POST", "/interventions/{intervention_id}/missed-sessions"): DELIVERING,
    ("POST", "/interventions/{intervention_id}/observations"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/reviews"): ONLY_SENCO,
    ("POST", "/interventions/{intervention_id}/end"): ONLY_SENCO,
    ("POST", "/staff"): ONLY_SENCO,
    ("GET", "/staff"): READERS,
    ("GET", "/staff/{staff_id}"): READERS,
    ("POST", "/staff/{staff_id}/training"): ONLY_SENCO,
    ("GET", "/provision-map"): READERS,
    ("GET", "/impact"): READERS,
    ("GET", "/reports/sen-support"): {SENCO, LEADER},
    ("GET", "/register"): READERS,
    ("GET", "/alerts"): READERS,
    ("POST", "/alerts/{alert_id}/acknowledge"): ONLY_SENCO,
    ("POST", "/alerts/{alert_id}/resolve"): ONLY_SENCO,
    ("POST", "/policies/run"): ONLY_SENCO,
    ("GET", "/audit"): ONLY_SENCO,
    ("POST", "/imports"): ONLY_SENCO,
    ("GET", "/imports/template.csv"): ONLY_SENCO,
    ("GET", "/pupils/{pupil_id}/ctf"): ONLY_SENCO,
}
"""Every route under /api/v1 but the token endpoint, and the roles that may call it."""


def declared_roles(route: APIRoute) -> set[Role]:
    def allows(dependant: object) -> Iterator[Allow]:
        for dep in getattr(dependant, "dependencies", []):
            if isinstance(dep.call, Allow):
                yield dep.call
            yield from allows(dep)

    found = list(allows(route.dependant))
    assert len(found) == 1, f"{route.path} declares {len(found)} Allow rules"
    return set(found[0].roles)


def test_given_the_app_when_its_routes_are_read_then_each_has_a_row_in_the_table_and_declares_just_those_roles() -> (
    None
):
    routes = {(method, path): route for method, path, route in api_routes(create_app(Config()))}

    assert set(routes) - set(ROLES) == set(), "a route with no row in the role table"
    assert set(ROLES) - set(routes) == set(), "a row in the role table for no route"
    assert {key: declared_roles(route) for key, route in routes.items()} == ROLES


def test_given_every_role_when_it_calls_every_route_then_403_exactly_where_the_table_says(
    school: School,
) -> None:
    seeded = seed(school)
    clients: dict[Role, Client] = {
        ADMIN: seeded.admin,
        SENCO: school.senco,
        TEACHER: school.user(TEACHER),
        LEADER: school.user(LEADER),
        TA: seeded.ta,
    }
    outcomes: dict[tuple[str, str, str], int] = {}
    for (method, path), allowed in ROLES.items():
        # The SENCO last: a command that works for it may change the records the others use.
        for role in sorted(clients, key=lambda r: r is SENCO):
            body = None if method == "GET" else {}
            params = {"pupil_id": seeded.ids["pupil_id"]} if path == "/audit" else None
            response = clients[role].request(method, seeded.path(path), json=body, params=params)
            outcomes[(method, path, role.value)] = response.status_code
            assert response.status_code < 500, (method, path, role, response.text)
            if role in allowed:
                assert response.status_code not in (401, 403), (method, path, role, response.text)
            else:
                problem(response, 403)

    assert len(outcomes) == len(ROLES) * len(Role)
    # Where the records allow it, an allowed read succeeds outright.
    for method, path in ROLES:
        if method == "GET" and "{" in path:
            for role in ROLES[(method, path)]:
                assert outcomes[(method, path, role.value)] == 200, (path, role)
