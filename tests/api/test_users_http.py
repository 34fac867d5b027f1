"""Accounts a school can see: admins are scoped to the settings they manage, and a SENCO sees
every account that can reach their pupils, who made it, when, and when it was disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.application import Actor
from apdr.config import SCHOOL_TIME
from tests.support.school import (
    NOBODY,
    PASSWORD,
    Client,
    School,
    account_body,
    invalid,
    other_setting,
    problem,
    random_urn,
)


def _urn_of(school: School, setting_id: object) -> str:
    return school.apdr.record.setting(setting_id).urn  # type: ignore[arg-type]


def test_given_an_admin_of_one_school_when_they_open_a_senco_account_in_another_then_it_is_refused(
    school: School,
) -> None:
    admin = school.user(Role.admin)
    theirs = other_setting(school)
    their_urn = _urn_of(school, theirs.setting_id)

    senco = admin.post("/users", account_body("spy@elsewhere.example", "senco", their_urn))
    widened = admin.post("/users", account_body("spy2@elsewhere.example", "admin", [school.urn, their_urn]))
    read = admin.get(f"/settings/{theirs.setting_id}")
    registered = admin.post("/settings", {"urn": random_urn(), "name": "Mine Now"})

    # Their URN is answered exactly as an unknown one: the admin does not learn it exists.
    assert invalid(senco, "setting") == f"no setting you manage has URN {their_urn}"
    invalid(widened, "settings[1]")
    problem(read, 404)
    problem(registered, 403)
    assert school.sign_in("spy@elsewhere.example").status_code == 401
    assert school.sign_in("spy2@elsewhere.example").status_code == 401


def test_given_a_trust_admin_when_they_add_users_then_only_in_their_schools_and_admins_no_wider(
    school: School,
) -> None:
    second = other_setting(school)
    outside = other_setting(school)
    second_urn, outside_urn = _urn_of(school, second.setting_id), _urn_of(school, outside.setting_id)
    school.apdr.record.add_user(
        Actor.system("test"),
        email="ops@trust.example",
        role=Role.admin,
        password=PASSWORD,
        admin_of=[school.setting_id, second.setting_id],
    )
    token = school.sign_in("ops@trust.example").json()["access_token"]
    trust = Client(school.http, "ops@trust.example", Role.admin, None, {"Authorization": f"Bearer {token}"})

    in_first = trust.post("/users", account_body("a@first.example", "teacher", school.urn))
    in_second = trust.post("/users", account_body("b@second.example", "leader", second_urn))
    elsewhere = trust.post("/users", account_body("c@outside.example", "teacher", outside_urn))
    their_admin = trust.post("/users", account_body("it@second.example", "admin", [second_urn]))
    everywhere = trust.post("/users", account_body("root@trust.example", "admin", []))

    assert (in_first.status_code, in_second.status_code, their_admin.status_code) == (201, 201, 201)
    invalid(elsewhere, "setting")
    invalid(everywhere, "settings")
    it = school.apdr.record.user(User.create_id("it@second.example"))
    assert it.admin_of == {second.setting_id}
    # Their own settings are read back to them; another is not there.
    assert trust.get(f"/settings/{second.setting_id}").json()["urn"] == second_urn
    problem(trust.get(f"/settings/{outside.setting_id}"), 404)


def test_given_an_admin_when_they_disable_an_account_then_only_within_their_settings(school: School) -> None:
    admin = school.user(Role.admin)
    teacher = school.user(Role.teacher)
    theirs = other_setting(school)
    everywhere = school.user(Role.admin, all_settings=True)

    outside = admin.post(f"/users/{User.create_id(theirs.email)}/disable", {"reason": "not mine"})
    above = admin.post(f"/users/{User.create_id(everywhere.email)}/disable", {})
    own = admin.post(f"/users/{User.create_id(teacher.email)}/disable", {"reason": "left"})

    problem(outside, 404)
    problem(above, 404)
    assert own.status_code == 204
    assert theirs.get("/me").status_code == 200 and everywhere.get("/users").status_code == 200
    problem(teacher.get("/me"), 401)


def test_given_a_setting_when_its_senco_lists_users_then_every_account_that_can_reach_it_and_no_other(
    school: School,
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    ta_staff = school.staff("Grace Okafor")
    ta = school.user(Role.ta, staff_id=UUID(ta_staff))
    admin = school.user(Role.admin)
    everywhere = school.user(Role.admin, all_settings=True)
    theirs = other_setting(school)
    their_admin = school.user(Role.admin, setting_id=theirs.setting_id)
    assert admin.post(f"/users/{User.create_id(ta.email)}/disable", {"reason": "left"}).status_code == 204

    listed = school.senco.get("/users")

    assert listed.status_code == 200
    users = {u["email"]: u for u in listed.json()["users"]}
    mine = {school.senco.email, ta.email, admin.email, everywhere.email}
    assert mine <= set(users)
    # Any other is an admin of every setting (other tests in this module make them too).
    assert {users[email]["role"] for email in set(users) - mine} <= {"admin"}
    assert theirs.email not in users and their_admin.email not in users
    grace = users[ta.email]
    assert set(grace) == {
        "id",
        "email",
        "role",
        "setting_id",
        "staff_id",
        "created_by",
        "created_at",
        "disabled_on",
    }
    assert (grace["role"], grace["setting_id"], grace["staff_id"]) == ("ta", str(school.setting_id), ta_staff)
    assert grace["id"] == str(User.create_id(ta.email)) and grace["created_by"] == "test"
    assert datetime.fromisoformat(grace["created_at"]) >= before
    assert grace["disabled_on"] == datetime.now(SCHOOL_TIME).date().isoformat()
    assert users[admin.email]["setting_id"] is None and users[admin.email]["disabled_on"] is None
    # The list is the SENCO's and the admins': a teacher has no business with it.
    problem(school.user(Role.teacher).get("/users"), 403)


def test_given_a_trust_admin_when_they_list_users_then_the_accounts_of_the_settings_they_manage(
    school: School,
) -> None:
    admin = school.user(Role.admin)
    theirs = other_setting(school)

    listed = {u["email"] for u in admin.get("/users").json()["users"]}

    assert {school.senco.email, admin.email} <= listed and theirs.email not in listed


def test_given_accounts_made_and_disabled_when_the_senco_reads_the_settings_audit_then_each_change_is_there(
    school: School,
) -> None:
    admin = school.user(Role.admin)
    made = admin.post("/users", account_body("new@school.example", "teacher", school.urn))
    assert made.status_code == 201
    assert admin.post(f"/users/{made.json()['id']}/disable", {"reason": "made in error"}).status_code == 204
    theirs = other_setting(school)

    trail = school.senco.get("/audit")

    assert trail.status_code == 200
    body = trail.json()
    assert body["pupil_id"] is None and body["total"] == len(body["entries"])
    entries = [(e["kind"], e["by"], e["what"]) for e in body["entries"]]
    assert entries[:2] == [
        ("account", admin.email, "account new@school.example: disabled: made in error"),
        ("account", admin.email, "account new@school.example added as teacher"),
    ]
    assert ("account", "test", f"account {admin.email} added as admin, managing 1 setting") in entries
    assert all(theirs.email not in e[2] for e in entries)
    assert body["entries"][0]["role"] == "admin"
    # The pupil trail is asked for as before; the setting's is the SENCO's alone.
    problem(school.user(Role.leader).get("/audit"), 403)


def test_given_an_admin_when_they_add_a_user_then_201_and_the_user_can_sign_in(school: School) -> None:
    admin = school.user(Role.admin)
    staff_id = school.staff("Grace Okafor")

    created = admin.post(
        "/users",
        {
            "email": "Grace@School.Example",
            "role": "ta",
            "setting": school.urn,
            "password": PASSWORD,
            "staff_id": staff_id,
        },
    )
    signed_in = school.sign_in("grace@school.example")

    assert created.status_code == 201 and created.json()["id"] == str(User.create_id("grace@school.example"))
    assert signed_in.status_code == 200
    user = school.apdr.record.user(User.create_id("grace@school.example"))
    assert (user.role, user.setting_id, str(user.staff_id)) == (Role.ta, school.setting_id, staff_id)


def test_given_a_user_when_the_same_email_is_added_again_then_409(school: School) -> None:
    admin = school.user(Role.admin)
    body = {
        "email": school.senco.email.upper(),
        "role": "teacher",
        "setting": school.urn,
        "password": PASSWORD,
    }

    assert "already has an account" in str(problem(admin.post("/users", body), 409)["detail"])


def test_given_an_admin_when_a_user_is_wrong_then_the_field_is_named(school: School) -> None:
    admin = school.user(Role.admin)
    theirs = other_setting(school)
    their_staff = theirs.post("/staff", {"name": "Someone Else", "role": "ta"}).json()["id"]
    user = {"email": "new@school.example", "role": "teacher", "setting": school.urn, "password": PASSWORD}

    invalid(admin.post("/users", user | {"email": "not an email"}), "email")
    invalid(admin.post("/users", user | {"role": "governor"}), "role")
    invalid(admin.post("/users", user | {"password": "short"}), "password")
    invalid(admin.post("/users", user | {"role": "admin"}), "setting")
    invalid(admin.post("/users", user | {"role": "admin", "setting": None}), "settings")
    invalid(admin.post("/users", user | {"settings": [school.urn]}), "settings")
    invalid(admin.post("/users", user | {"setting": None}), "setting")
    invalid(admin.post("/users", user | {"staff_id": their_staff}), "staff_id")
    invalid(admin.post("/users", user | {"staff_id": NOBODY}), "staff_id")
    # An unknown URN is a mistake in the request, not a missing resource.
    assert "no setting you manage has URN 000000" in invalid(
        admin.post("/users", user | {"setting": "000000"}), "setting"
    )
    assert school.sign_in("new@school.example").status_code == 401


def test_given_an_admin_when_they_add_another_admin_then_it_manages_their_setting_and_belongs_to_none(
    school: School,
) -> None:
    admin = school.user(Role.admin)

    created = admin.post("/users", account_body("it@trust.example", "admin", [school.urn]))

    assert created.status_code == 201
    it = school.apdr.record.user(User.create_id("it@trust.example"))
    assert (it.setting_id, it.admin_of, it.all_settings) == (None, {school.setting_id}, False)
