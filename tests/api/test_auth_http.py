"""Who may do what: signing in, tokens, disabled accounts, roles, and bodies too large to take."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.api import create_app, tokens
from apdr.api.deps import Allow
from apdr.config import Config
from tests.support.routes import routes_of
from tests.support.school import BASELINE, School, group, invalid, problem, upn


def test_given_a_user_when_they_sign_in_then_a_bearer_token_lets_them_in(school: School) -> None:
    teacher = school.user(Role.teacher)

    response = school.sign_in(teacher.email.upper())

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 480 * 60
    mine = school.http.get("/api/v1/setting", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert mine.status_code == 200 and mine.json()["urn"] == school.urn


def test_given_a_wrong_password_or_an_unknown_email_when_signing_in_then_401_says_nothing_more(
    school: School,
) -> None:
    wrong_password = school.sign_in(school.senco.email, "not the password")
    unknown = school.sign_in("nobody@school.example")
    nothing = school.http.post("/api/v1/auth/token", data={})

    assert (
        problem(wrong_password, 401)["detail"] == problem(unknown, 401)["detail"] == "wrong email or password"
    )
    assert wrong_password.headers["www-authenticate"] == "Bearer"
    invalid(nothing, "username")


def test_given_no_token_or_a_bad_one_when_asking_for_pupils_then_401(school: School) -> None:
    claims = {"sub": str(User.create_id(school.senco.email)), "exp": datetime.now(UTC) + timedelta(hours=1)}
    forged = jwt.encode(claims, "not the signing key, though long enough", algorithm="HS256")

    def pupils(headers: dict[str, str]) -> dict[str, object]:
        return problem(school.http.get("/api/v1/pupils", headers=headers), 401)

    assert "sign in first" in str(pupils({})["detail"])
    assert "not valid" in str(pupils({"Authorization": "Bearer nonsense"})["detail"])
    assert "not valid" in str(pupils({"Authorization": f"Bearer {forged}"})["detail"])
    assert school.senco.get("/pupils").status_code == 200


def test_given_an_expired_token_when_it_is_used_then_401_asks_to_sign_in_again(school: School) -> None:
    user = school.apdr.record.user(User.create_id(school.senco.email))
    token = tokens.issue(school.apdr.record, user, datetime.now(UTC) - timedelta(hours=9), minutes=480)

    response = school.http.get("/api/v1/pupils", headers={"Authorization": f"Bearer {token}"})

    assert "expired" in str(problem(response, 401)["detail"])


def test_given_a_disabled_user_when_they_use_their_token_or_sign_in_then_401(school: School) -> None:
    teacher = school.user(Role.teacher)
    admin = school.user(Role.admin)
    teacher_id = User.create_id(teacher.email)

    disabled = admin.post(f"/users/{teacher_id}/disable", {"reason": "Left the school"})
    again = admin.post(f"/users/{teacher_id}/disable", {"reason": "Left the school"})

    assert disabled.status_code == 204
    assert "disabled" in str(problem(teacher.get("/pupils"), 401)["detail"])
    assert "disabled" in str(problem(school.sign_in(teacher.email), 401)["detail"])
    invalid(again, "disabled")
    problem(admin.post(f"/users/{school.setting_id}/disable", {}), 404)


def test_given_roles_when_they_do_what_their_role_does_not_allow_then_403(school: School) -> None:
    pupil = school.pupil()
    teacher, leader, admin, ta = (school.user(r) for r in (Role.teacher, Role.leader, Role.admin, Role.ta))
    body = {
        "upn": upn(),
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": "2017-03-14",
        "class_name": "4B",
    }
    need = {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"}
    assessment = BASELINE | {"instrument": "Reading test"}

    forbidden = {
        "teacher registers a pupil": teacher.post("/pupils", body),
        "teacher identifies a need": teacher.post(f"/pupils/{pupil}/needs", need),
        "leader registers a pupil": leader.post("/pupils", body),
        "leader records an assessment": leader.post(f"/pupils/{pupil}/assessments", assessment),
        "leader registers staff": leader.post("/staff", {"name": "Jo", "role": "ta"}),
        "leader drafts a plan": leader.post(f"/pupils/{pupil}/plans", {}),
        "admin lists pupils": admin.get("/pupils"),
        "admin reads a pupil": admin.get(f"/pupils/{pupil}"),
        "admin registers a pupil": admin.post("/pupils", body),
        "ta registers a pupil": ta.post("/pupils", body),
        "ta reads a pupil outside their interventions": ta.get(f"/pupils/{pupil}"),
        "senco registers a setting": school.senco.post("/settings", {"urn": "123456", "name": "X"}),
        "senco adds a user": school.senco.post("/users", {}),
    }

    for what, response in forbidden.items():
        assert response.status_code == 403, what
        problem(response, 403)
    assert leader.get("/pupils").status_code == 200
    assert teacher.get(f"/pupils/{pupil}").status_code == 200
    assert teacher.post(f"/pupils/{pupil}/assessments", assessment).status_code == 201


def test_given_a_ta_when_they_record_sessions_then_only_for_interventions_they_are_assigned_to(
    school: School,
) -> None:
    running = group(school)
    their_staff = school.staff("Grace Okafor")
    ta = school.user(Role.ta, staff_id=UUID(their_staff))
    marks = {running.amira: "present", running.oliver: "absent"}

    not_theirs = school.session(running.intervention, their_staff, marks, client=ta)
    assigned = school.senco.post(f"/interventions/{running.intervention}/staff", {"staff_id": their_staff})
    theirs = school.session(running.intervention, their_staff, marks, client=ta)
    missed = ta.post(
        f"/interventions/{running.intervention}/missed-sessions",
        {"scheduled_on": "2026-09-23", "reason": "staff_absence"},
    )

    assert "not assigned" in str(problem(not_theirs, 403)["detail"])
    assert assigned.status_code == 204
    assert theirs.status_code == 201 and missed.status_code == 201
    problem(ta.post("/interventions", {}), 403)
    problem(ta.post(f"/interventions/{running.intervention}/enrolments", {}), 403)


def test_given_a_body_larger_than_allowed_when_posted_then_413_before_it_is_read(school: School) -> None:
    huge = "x" * (school.apdr.settings.max_request_bytes + 1)

    def chunks() -> Iterator[bytes]:
        yield b'{"upn": "'
        for _ in range(len(huge) // 10_000 + 1):
            yield b"x" * 10_000
        yield b'"}'

    declared = school.senco.post("/pupils", {"upn": huge})
    streamed = school.http.post(
        "/api/v1/pupils",
        content=chunks(),
        headers=school.senco.headers | {"Content-Type": "application/json"},
    )

    assert "larger than" in str(problem(declared, 413)["detail"])
    assert "transfer-encoding" not in declared.request.headers
    assert streamed.request.headers["transfer-encoding"] == "chunked"
    problem(streamed, 413)


def test_given_every_route_when_its_dependencies_are_read_then_each_declares_the_roles_it_allows() -> None:
    app = create_app(Config())

    def allows(dependant: object) -> list[Allow]:
        found = []
        for dep in getattr(dependant, "dependencies", []):
            if isinstance(dep.call, Allow):
                found.append(dep.call)
            found += allows(dep)
        return found

    routes = [(path, r) for path, r in routes_of(app) if path.startswith("/api/v1/")]
    undeclared = [path for path, r in routes if path != "/api/v1/auth/token" and not allows(r.dependant)]

    assert len(routes) > 40
    assert undeclared == []
