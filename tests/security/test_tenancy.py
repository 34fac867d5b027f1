"""One setting never learns that another setting's records exist: every query route, asked by
a user of setting B, answers 404 for setting A's ids and leaves A's records out of its lists."""

from __future__ import annotations

import json
from collections.abc import Callable

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.config import Config
from tests.support.school import Client, School, group, other_setting, problem
from tests.support.seeded import Seeded, api_routes, seed


def _text(response: object) -> str:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    return response.text  # type: ignore[attr-defined]


def _absent(a: Seeded, text: str) -> None:
    """None of setting A's ids, and not its pupil's name."""
    for name in ("pupil_id", "plan_id", "intervention_id", "staff_id", "alert_id", "setting_id"):
        assert a.ids[name] not in text, name
    assert "Amira" not in text


def _no_account_of(a: Seeded, text: str) -> None:
    """None of setting A's accounts: its SENCO, its TA, the admin who manages A alone."""
    for email in (a.school.senco.email, a.ta.email, a.admin_alone.email):
        assert email not in text, email


Check = Callable[[Seeded, Client, dict[str, str]], None]


def _not_found(route: str) -> Check:
    """B asking for A's record at ``route`` is answered 404."""
    return lambda a, b, own: problem(b.get(a.path(route)), 404)


def _requests_apart(a: Seeded, b: Client, own: dict[str, str]) -> None:
    """B's SENCO lists B's requests, never A's."""
    mine = b.create(
        f"/pupils/{own['pupil_id']}/information-requests",
        {
            "requester": "Mrs B",
            "requester_kind": "parent",
            "received_on": "2026-11-16",
            "asks_for": "x",
            "purpose": "y",
        },
    )
    text = _text(b.get("/information-requests"))
    _absent(a, text)
    assert a.ids["request_id"] not in text and mine in text


# Each query route, and how setting B's SENCO is kept out of setting A's records.
# ``b`` holds B's own records, which B's lists must show (so an empty answer cannot pass).
ISOLATION: dict[str, Check] = {
    "/pupils": lambda a, b, own: (
        _absent(a, text := _text(b.get("/pupils"))),
        _absent(a, _text(b.get("/pupils", params={"search": "Amira"}))),
        _assert(own["pupil_id"] in text),
    ),
    "/pupils/{pupil_id}": _not_found("/pupils/{pupil_id}"),
    "/pupils/{pupil_id}/chronology": _not_found("/pupils/{pupil_id}/chronology"),
    "/pupils/{pupil_id}/plans": _not_found("/pupils/{pupil_id}/plans"),
    "/pupils/{pupil_id}/assessments": _not_found("/pupils/{pupil_id}/assessments"),
    "/pupils/{pupil_id}/profile": _not_found("/pupils/{pupil_id}/profile"),
    "/pupils/{pupil_id}/advice": _not_found("/pupils/{pupil_id}/advice"),
    "/pupils/{pupil_id}/concerns": _not_found("/pupils/{pupil_id}/concerns"),
    "/plans/{plan_id}": _not_found("/plans/{plan_id}"),
    "/interventions/{intervention_id}": _not_found("/interventions/{intervention_id}"),
    "/interventions": lambda a, b, own: (
        _absent(a, text := _text(b.get("/interventions", params={"status": "all"}))),
        _assert(own["intervention_id"] in text),
    ),
    "/interventions/{intervention_id}/sessions": _not_found("/interventions/{intervention_id}/sessions"),
    "/staff/{staff_id}": _not_found("/staff/{staff_id}"),
    "/staff": lambda a, b, own: (
        _absent(a, _text(b.get("/staff"))),
        _assert(b.get("/staff").json()["staff"] != []),
    ),
    "/me": lambda a, b, own: _assert(b.get("/me").json()["setting_id"] == own["setting_id"]),
    "/audit": lambda a, b, own: (
        problem(b.get("/audit", params={"pupil_id": a.ids["pupil_id"]}), 404),
        _no_account_of(a, text := _text(b.get("/audit"))),
        _assert(b.email in text),
    ),
    "/users": lambda a, b, own: (
        _no_account_of(a, text := _text(b.get("/users"))),
        _assert(b.email in text and a.admin.email in text),  # an admin of every setting manages B too
    ),
    "/provision-map": lambda a, b, own: (
        _absent(a, text := _text(b.get("/provision-map"))),
        _absent(a, csv := _text(b.get("/provision-map", params={"format": "csv"}))),
        _assert(own["pupil_id"] in text and "Beatrix" in csv),
    ),
    "/register": lambda a, b, own: (
        _absent(a, text := _text(b.get("/register", params={"include_no_sen": True}))),
        _absent(a, _text(b.get("/register", params={"format": "csv", "include_no_sen": True}))),
        _assert(own["pupil_id"] in text),
    ),
    "/impact": lambda a, b, own: (
        _absent(a, text := _text(b.get("/impact"))),
        _assert(own["intervention_id"] in text),
    ),
    "/reports/sen-support": lambda a, b, own: (
        problem(b.get("/reports/sen-support"), 403)
        if b.role is Role.teacher  # the SENCO's and leaders' report
        else (
            _absent(a, text := _text(b.get("/reports/sen-support"))),
            _absent(a, _text(b.get("/reports/sen-support", params={"format": "html"}))),
            _assert(own["pupil_id"] in text and own["intervention_id"] in text),
        )
    ),
    # Only a SENCO sees requests and packs: the others' 403s are the roles test's to check.
    "/information-requests": lambda a, b, own: _requests_apart(a, b, own) if b.role is Role.senco else None,
    "/pupils/{pupil_id}/packs": lambda a, b, own: problem(
        b.get(a.path("/pupils/{pupil_id}/packs")), 404 if b.role is Role.senco else 403
    ),
    "/packs/{pack_id}": lambda a, b, own: problem(
        b.get(a.path("/packs/{pack_id}")), 404 if b.role is Role.senco else 403
    ),
    "/pupils/{pupil_id}/ctf": lambda a, b, own: problem(
        b.get(a.path("/pupils/{pupil_id}/ctf")), 404 if b.role is Role.senco else 403
    ),
    # The same header row for every setting: nothing of any setting's in it.
    "/imports/template.csv": lambda a, b, own: (
        _absent(a, b.get("/imports/template.csv").text) if b.role is Role.senco else None
    ),
    "/alerts": lambda a, b, own: (
        _absent(a, _text(b.get("/alerts"))),
        _assert(b.get("/alerts", params={"pupil_id": a.ids["pupil_id"]}).json()["alerts"] == []),
    ),
    "/setting": lambda a, b, own: _assert(b.get("/setting").json()["id"] == own["setting_id"]),
    # Setting A has its own term dates; B still has the default calendar.
    "/setting/calendar": lambda a, b, own: _assert(
        b.get("/setting/calendar", params={"academic_year": 2026}).json()["is_default"] is True
    ),
    # Setting A changed a threshold; B's is still the default.
    "/setting/thresholds": lambda a, b, own: _assert(
        all(t["is_default"] for t in b.get("/setting/thresholds").json()["thresholds"])
    ),
}


def _assert(condition: bool) -> None:
    assert condition


def test_given_the_app_when_its_query_routes_are_read_then_each_has_an_isolation_check() -> None:
    queries = {path for method, path, _ in api_routes(create_app(Config())) if method == "GET"}

    # /settings/{setting_id} is the admin's, who belongs to no setting.
    assert queries - {"/settings/{setting_id}"} == set(ISOLATION)


def test_given_two_settings_when_b_asks_every_query_route_then_it_never_sees_a(school: School) -> None:
    a = seed(school)
    assert school.senco.put("/setting/thresholds", {"missed_sessions_min": 4}).status_code == 200
    terms = {
        "academic_year": 2026,
        "terms": [
            {"name": "autumn", "starts_on": "2026-09-03", "ends_on": "2026-12-18"},
            {"name": "spring", "starts_on": "2027-01-05", "ends_on": "2027-03-26"},
            {"name": "summer", "starts_on": "2027-04-12", "ends_on": "2027-07-21"},
        ],
    }
    assert school.senco.put("/setting/term-dates", terms).status_code == 200
    assert school.senco.get("/setting/calendar", params={"academic_year": 2026}).json()["is_default"] is False
    b = other_setting(school)
    b_school = School(school.apdr, school.http, b.setting_id, "", b)  # type: ignore[arg-type]
    b_group = group(b_school)
    own = {
        "pupil_id": b_group.amira,
        "intervention_id": b_group.intervention,
        "setting_id": str(b.setting_id),
    }
    # B's pupil has another name, so "Amira" anywhere in B's answers would be A's.
    b.post(f"/pupils/{b_group.amira}/corrections", {"given_name": "Beatrix", "reason": "typo"})
    b.post(f"/pupils/{b_group.oliver}/corrections", {"given_name": "Bram", "reason": "typo"})
    b.post(f"/pupils/{b_group.amira}/sen-status", {"status": "K", "effective_on": "2026-09-20"})

    for role in (Role.senco, Role.teacher, Role.leader):
        user = b if role is Role.senco else b_school.user(role)
        for path, check in ISOLATION.items():
            if path in ("/audit", "/users") and role is not Role.senco:
                continue  # only a SENCO reads the audit trail and the accounts
            check(a, user, own)

    # And A still sees its own, so the checks above were asked of real records.
    assert json.loads(_text(school.senco.get(a.path("/pupils/{pupil_id}"))))["given_name"] == "Amira"
