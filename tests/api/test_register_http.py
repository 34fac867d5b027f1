"""The SEN register over HTTP: the shape, as-of dates, CSV, and who may see it."""

from __future__ import annotations

from typing import Any

from apdr.aggregates.codes import Role
from apdr.application import Actor
from tests.support.school import School, random_urn, spreadsheet

ROW_FIELDS = {
    "pupil_id",
    "upn",
    "name",
    "date_of_birth",
    "year_group",
    "class_name",
    "sen_status",
    "sen_status_since",
    "parents_notified_on",
    "primary_need",
    "primary_need_area",
    "secondary_need",
    "secondary_need_area",
    "ehcp_milestones",
}


def _on_support(school: School, **pupil: Any) -> str:
    pupil_id = school.pupil(**pupil)
    assert (
        school.senco.post(
            f"/pupils/{pupil_id}/sen-status",
            {"status": "K", "effective_on": "2026-09-20", "parents_notified_on": "2026-09-21"},
        ).status_code
        == 201
    )
    school.senco.create(
        f"/pupils/{pupil_id}/needs", {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"}
    )
    return pupil_id


def test_given_pupils_on_sen_support_when_the_register_is_asked_for_then_it_has_the_census_shape(
    school: School,
) -> None:
    amira = _on_support(school, given_name="Amira", family_name="Khan")
    school.pupil(given_name="Ben", family_name="Adams")

    response = school.senco.get("/register")

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-11-23"  # today, by default
    (row,) = body["pupils"]
    assert row.keys() >= ROW_FIELDS
    assert (row["pupil_id"], row["name"], row["year_group"], row["class_name"]) == (
        amira,
        "Amira Khan",
        5,
        "4B",
    )
    assert (row["sen_status"], row["sen_status_since"], row["parents_notified_on"]) == (
        "K",
        "2026-09-20",
        "2026-09-21",
    )
    assert (row["primary_need"], row["primary_need_area"]) == ("SPLD", "cognition_learning")
    assert body["totals"] == {
        "pupils": 1,
        "on_register": 1,
        "by_status": {"K": 1, "E": 0},
        "by_primary_need": {"SPLD": 1},
    }


def test_given_an_as_of_date_when_the_register_is_asked_for_then_it_is_the_register_of_that_day(
    school: School,
) -> None:
    _on_support(school)
    school.pupil(given_name="Ben", family_name="Adams")

    before = school.senco.get("/register", params={"as_of": "2026-09-19"}).json()
    between = school.senco.get("/register", params={"as_of": "2026-09-20"}).json()
    everyone = school.senco.get("/register", params={"include_no_sen": "true"}).json()

    assert before["pupils"] == [] and before["as_of"] == "2026-09-19"
    (row,) = between["pupils"]
    assert row["parents_notified_on"] is None  # told the day after
    assert [(r["name"], r["sen_status"]) for r in everyone["pupils"]] == [
        ("Ben Adams", "N"),
        ("Amira Khan", "K"),
    ]
    assert everyone["totals"]["by_status"] == {"K": 1, "E": 0, "N": 1}


def test_given_the_register_as_csv_when_downloaded_then_it_is_a_spreadsheet_file(school: School) -> None:
    _on_support(school)

    response = spreadsheet(school.senco, "/register", b"UPN,Family name,Given name", 2, as_of="2026-10-01")

    assert 'filename="sen-register-2026-10-01.csv"' in response.headers["content-disposition"]
    assert ",Khan,Amira,2017-03-14,5,4B,SEN support,K," in response.text


def test_given_the_roles_and_settings_when_they_ask_for_the_register_then_readers_of_the_setting_see_it(
    school: School,
) -> None:
    _on_support(school)
    other_setting = school.apdr.record.register_setting(Actor.system("test"), urn=random_urn(), name="Other")
    outsider = school.user(Role.senco, setting_id=other_setting)

    statuses = {
        role: school.user(role).get("/register").status_code
        for role in (Role.teacher, Role.leader, Role.ta, Role.admin)
    }

    assert statuses == {Role.teacher: 200, Role.leader: 200, Role.ta: 403, Role.admin: 403}
    assert outsider.get("/register").json()["pupils"] == []


def test_given_bad_parameters_when_the_register_is_asked_for_then_a_422_names_the_field(
    school: School,
) -> None:
    bad_date = school.senco.get("/register", params={"as_of": "2026-02-30"})
    bad_format = school.senco.get("/register", params={"format": "ods"})

    assert (bad_date.status_code, bad_format.status_code) == (422, 422)
    assert bad_date.json()["errors"][0]["field"] == "as_of"
    assert bad_format.json()["errors"][0]["field"] == "format"


def test_given_the_openapi_schema_when_read_then_it_documents_the_registers_shape(school: School) -> None:
    schema = school.http.get("/openapi.json").json()

    content = schema["paths"]["/api/v1/register"]["get"]["responses"]["200"]["content"]
    row = schema["components"]["schemas"]["RegisterRow"]

    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/RegisterOut"}
    assert "text/csv" in content
    assert set(row["required"]) >= ROW_FIELDS
