"""A pupil's chronology over HTTP: the contract's shape, paging, and who may read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apdr.aggregates.codes import Role
from apdr.application import Actor
from tests.support.school import BASELINE, School, random_urn

ENTRY_FIELDS = {"occurred_on", "recorded_at", "recorded_by", "kind", "summary", "data"}


def _record(school: School) -> str:
    pupil = school.pupil()
    assert (
        school.senco.post(
            f"/pupils/{pupil}/sen-status",
            {"status": "K", "effective_on": "2026-09-20", "parents_notified_on": "2026-09-20", "reason": ""},
        ).status_code
        == 201
    )
    school.senco.create(
        f"/pupils/{pupil}/assessments",
        BASELINE,
    )
    return pupil


def _chronology(school: School, pupil: str, **params: Any) -> dict[str, Any]:
    response = school.senco.get(f"/pupils/{pupil}/chronology", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_given_a_pupils_record_when_the_chronology_is_asked_for_then_it_has_the_contract_shape_in_order(
    school: School,
) -> None:
    pupil = _record(school)

    body = _chronology(school, pupil)

    assert body["pupil_id"] == pupil
    assert all(entry.keys() >= ENTRY_FIELDS for entry in body["entries"])
    assert [(e["occurred_on"], e["summary"]) for e in body["entries"][1:]] == [
        ("2026-09-07", "Reading age 84 months (Single word reading test), baseline"),
        ("2026-09-20", "SEN support (K) began; parents notified on 20 Sep 2026"),
    ]
    # The registration is dated the day the pupil joined (admitted_on), not the day it was typed in.
    assert [e["kind"] for e in body["entries"]] == ["registered", "assessment", "sen_status_changed"]
    assert body["entries"][0]["occurred_on"] == "2024-09-02"
    first = body["entries"][1]
    assert first["recorded_by"] == school.senco.email
    assert datetime.fromisoformat(first["recorded_at"]).utcoffset() is not None
    assert first["data"]["value"] == "84" and first["data"]["scale"] == "age_equivalent_months"


def test_given_a_session_corrected_when_the_chronology_is_read_then_the_correction_stands_beside_it(
    school: School,
) -> None:
    jo, pupil, intervention = school.enrolled_pupil()
    session = school.session(intervention, jo, {pupil: "present"}).json()["id"]
    corrected = school.senco.post(
        f"/interventions/{intervention}/sessions/{session}/corrections",
        {"attendance": [{"pupil_id": pupil, "status": "absent"}], "reason": "marked on the wrong line"},
    )
    assert corrected.status_code == 204, corrected.text

    entries = _chronology(school, pupil)["entries"]

    assert [(e["occurred_on"], e["kind"]) for e in entries[2:4]] == [
        ("2026-09-21", "session"),
        ("2026-09-21", "session_corrected"),
    ]
    assert entries[2]["summary"] == "Attended 'Precision teaching: HFW' (20 minutes): present"
    assert entries[3]["data"]["corrects"] == {"kind": "session", "session_id": session}
    assert "absent, not present" in entries[3]["summary"]


def test_given_a_long_chronology_when_paged_then_limit_and_offset_pick_the_entries(school: School) -> None:
    pupil = _record(school)
    whole = _chronology(school, pupil)["entries"]

    page = _chronology(school, pupil, limit=2, offset=1)
    too_small = school.senco.get(f"/pupils/{pupil}/chronology", params={"limit": 0})
    negative = school.senco.get(f"/pupils/{pupil}/chronology", params={"offset": -1})

    assert (page["limit"], page["offset"]) == (2, 1)
    assert page["entries"] == whole[1:3]
    assert (too_small.status_code, negative.status_code) == (422, 422)
    assert too_small.json()["errors"][0]["field"] == "limit"


def test_given_the_roles_and_settings_when_they_ask_for_a_chronology_then_only_staff_of_the_setting_see_it(
    school: School,
) -> None:
    pupil = _record(school)
    other_setting = school.apdr.record.register_setting(Actor.system("test"), urn=random_urn(), name="Other")
    outsider = school.user(Role.senco, setting_id=other_setting)
    ta = school.user(Role.ta)

    statuses = {
        role: school.user(role).get(f"/pupils/{pupil}/chronology").status_code
        for role in (Role.teacher, Role.leader, Role.admin)
    }
    statuses[Role.ta] = ta.get(f"/pupils/{pupil}/chronology").status_code

    assert statuses == {Role.teacher: 200, Role.leader: 200, Role.admin: 403, Role.ta: 403}
    assert outsider.get(f"/pupils/{pupil}/chronology").status_code == 404
    assert school.senco.get(f"/pupils/{other_setting}/chronology").status_code == 404


def test_given_the_openapi_schema_when_read_then_it_documents_the_chronologys_shape(school: School) -> None:
    schema = school.http.get("/openapi.json").json()

    operation = schema["paths"]["/api/v1/pupils/{pupil_id}/chronology"]["get"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    entry = schema["components"]["schemas"]["ChronologyEntry"]

    assert response == {"$ref": "#/components/schemas/ChronologyOut"}
    assert set(entry["required"]) >= ENTRY_FIELDS
    assert {p["name"] for p in operation["parameters"]} >= {"pupil_id", "limit", "offset"}
