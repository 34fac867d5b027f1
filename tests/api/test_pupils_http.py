"""A pupil's record over HTTP: registration and the UPN, needs, status, assessments, profile, advice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from apdr.aggregates.codes import Role
from apdr.application import Actor
from tests.support.school import BASELINE, NOBODY, School, invalid, other_setting, problem, upn

AMIRA = {
    "given_name": "Amira",
    "family_name": "Khan",
    "date_of_birth": "2017-03-14",
    "class_name": "4B",
}


def on_sen_support(school: School, pupil: str) -> None:
    assert (
        school.senco.post(
            f"/pupils/{pupil}/sen-status", {"status": "K", "effective_on": "2026-09-20"}
        ).status_code
        == 201
    )


# -- registering and reading -------------------------------------------------------------


def test_given_a_senco_when_a_pupil_is_registered_then_201_and_the_record_reads_back(school: School) -> None:
    the_upn = upn()

    created = school.senco.post("/pupils", AMIRA | {"upn": the_upn.lower()})
    pupil_id = created.json()["id"]
    read = school.senco.get(f"/pupils/{pupil_id}")
    listed = school.senco.get("/pupils")

    assert created.status_code == 201 and set(created.json()) == {"id"}
    assert read.status_code == 200
    body = read.json()
    assert {
        k: body[k] for k in ("id", "upn", "given_name", "family_name", "date_of_birth", "class_name")
    } == {
        "id": pupil_id,
        "upn": the_upn,
        **AMIRA,
    }
    # 23 Nov 2026: aged 9, in Year 5 (born March 2017: 9 on 31 August 2026).
    assert (body["age"], body["year_group"], body["sen_status"], body["needs"]) == (9, 5, "N", [])
    assert (body["current_plan_id"], body["profile"], body["left_on"], body["version"]) == (
        None,
        None,
        None,
        1,
    )
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    assert [(p["id"], p["upn"], p["year_group"]) for p in listed.json()["pupils"]] == [(pupil_id, the_upn, 5)]


def test_given_a_senco_when_a_pupil_is_registered_with_bad_input_then_422_names_the_field(
    school: School,
) -> None:
    def register(**changes: Any) -> Any:
        return school.senco.post("/pupils", AMIRA | {"upn": upn()} | changes)

    invalid(register(upn="B80120000500"), "upn")  # pydantic: 12 characters
    invalid(register(upn="A801200005001"), "upn")  # the domain: wrong check letter
    invalid(register(date_of_birth="2017-02-30"), "date_of_birth")
    invalid(register(date_of_birth="2025-01-01"), "date_of_birth")  # aged 1
    invalid(register(given_name=""), "given_name")
    invalid(register(family_name=" "), "family_name")
    invalid(register(nickname="Ami"), "nickname")
    invalid(school.senco.post("/pupils", {"upn": upn()}), "given_name")
    not_json = school.http.post(
        "/api/v1/pupils",
        content=b"{not json",
        headers=school.senco.headers | {"Content-Type": "application/json"},
    )
    invalid(not_json, "body")
    assert school.senco.get("/pupils").json()["total"] == 0


def test_given_a_pupil_when_the_same_upn_is_registered_in_the_setting_then_409_but_not_in_another(
    school: School,
) -> None:
    the_upn = upn()
    school.pupil(upn=the_upn)
    theirs = other_setting(school)

    again = school.senco.post("/pupils", AMIRA | {"upn": the_upn, "given_name": "Someone"})
    elsewhere = theirs.post("/pupils", AMIRA | {"upn": the_upn})

    assert the_upn in str(problem(again, 409)["detail"])
    assert elsewhere.status_code == 201
    assert school.senco.get("/pupils").json()["total"] == 1
    assert theirs.get("/pupils").json()["total"] == 1


def test_given_a_pupil_when_asked_for_by_an_unknown_id_or_from_another_setting_then_404(
    school: School,
) -> None:
    pupil = school.pupil()
    theirs = other_setting(school)

    problem(school.senco.get(f"/pupils/{NOBODY}"), 404)
    problem(theirs.get(f"/pupils/{pupil}"), 404)
    problem(
        theirs.post(
            f"/pupils/{pupil}/needs", {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"}
        ),
        404,
    )
    problem(theirs.post(f"/pupils/{pupil}/corrections", {"class_name": "5C", "reason": "x"}), 404)
    assert theirs.get("/pupils").json()["pupils"] == []
    invalid(school.senco.get("/pupils/42"), "pupil_id")


def test_given_pupils_when_listed_with_filters_then_only_those_asked_for(school: School) -> None:
    amira = school.pupil()
    school.pupil(given_name="Oliver", family_name="Smith", class_name="5C")
    on_sen_support(school, amira)

    def ids(**params: Any) -> list[str]:
        response = school.senco.get("/pupils", params=params)
        assert response.status_code == 200, response.text
        return [p["given_name"] for p in response.json()["pupils"]]

    assert ids(sen_status="K") == ["Amira"]
    assert ids(class_name="5C") == ["Oliver"]
    assert ids(search="smi") == ["Oliver"]
    assert sorted(ids()) == ["Amira", "Oliver"]
    assert len(ids(limit=1)) == 1
    invalid(school.senco.get("/pupils", params={"limit": 0}), "limit")
    invalid(school.senco.get("/pupils", params={"sen_status": "X"}), "sen_status")


# -- corrections and the UPN --------------------------------------------------------------


def test_given_a_mistyped_upn_when_it_is_corrected_then_the_old_upn_is_free_and_the_new_one_taken(
    school: School,
) -> None:
    old_upn, new_upn = upn(), upn()
    pupil = school.pupil(upn=old_upn)

    corrected = school.senco.post(f"/pupils/{pupil}/corrections", {"upn": new_upn, "reason": "Mistyped"})
    reused = school.senco.post("/pupils", AMIRA | {"upn": old_upn, "given_name": "Zainab"})
    taken = school.senco.post("/pupils", AMIRA | {"upn": new_upn, "given_name": "Harry"})

    assert corrected.status_code == 204
    assert school.senco.get(f"/pupils/{pupil}").json()["upn"] == new_upn
    assert reused.status_code == 201
    problem(taken, 409)


def test_given_a_corrected_upn_when_it_is_corrected_back_then_the_pupil_holds_the_first_again(
    school: School,
) -> None:
    first_upn, second_upn = upn(), upn()
    pupil = school.pupil(upn=first_upn)
    url = f"/pupils/{pupil}/corrections"

    there = school.senco.post(url, {"upn": second_upn, "reason": "Mistyped"})
    back = school.senco.post(url, {"upn": first_upn, "reason": "The first was right"})
    first_again = school.senco.post("/pupils", AMIRA | {"upn": first_upn})
    second_free = school.senco.post("/pupils", AMIRA | {"upn": second_upn})

    assert (there.status_code, back.status_code) == (204, 204)
    assert school.senco.get(f"/pupils/{pupil}").json()["upn"] == first_upn
    problem(first_again, 409)
    assert second_free.status_code == 201


def test_given_two_pupils_when_one_is_corrected_to_the_others_upn_then_409_and_nothing_changes(
    school: School,
) -> None:
    first_upn, second_upn = upn(), upn()
    first = school.pupil(upn=first_upn)
    school.pupil(upn=second_upn, given_name="Oliver")

    clash = school.senco.post(f"/pupils/{first}/corrections", {"upn": second_upn, "reason": "Mistyped"})
    back = school.senco.post("/pupils", AMIRA | {"upn": first_upn})

    problem(clash, 409)
    assert school.senco.get(f"/pupils/{first}").json()["upn"] == first_upn
    problem(back, 409)  # the first pupil's UPN is still theirs


def test_given_a_pupil_when_a_correction_is_wrong_then_422_names_the_field(school: School) -> None:
    pupil = school.pupil(upn=upn())

    def correct(**body: Any) -> Any:
        return school.senco.post(f"/pupils/{pupil}/corrections", {"reason": "Mistyped"} | body)

    invalid(correct(given_name="Amira"), "body")
    invalid(correct(upn="A801200005001"), "upn")
    invalid(correct(date_of_birth="2026-01-01"), "date_of_birth")
    invalid(correct(class_name="5C", reason=""), "reason")
    invalid(school.senco.post(f"/pupils/{pupil}/corrections", {"class_name": "5C"}), "reason")
    assert correct(given_name="Amirah", date_of_birth="2017-03-15").status_code == 204
    assert school.senco.get(f"/pupils/{pupil}").json()["given_name"] == "Amirah"


def test_given_a_pupil_when_they_move_class_then_204_and_not_to_their_own(school: School) -> None:
    pupil = school.pupil()

    moved = school.senco.post(f"/pupils/{pupil}/class-moves", {"class_name": "5C", "moved_on": "2026-09-01"})

    assert moved.status_code == 204
    assert school.senco.get(f"/pupils/{pupil}").json()["class_name"] == "5C"
    invalid(
        school.senco.post(f"/pupils/{pupil}/class-moves", {"class_name": "5C", "moved_on": "2026-09-02"}),
        "class_name",
    )


# -- needs and SEN status ------------------------------------------------------------------


def test_given_a_pupil_when_needs_are_identified_and_ended_then_the_secondary_is_promoted(
    school: School,
) -> None:
    pupil = school.pupil()

    primary = school.senco.post(
        f"/pupils/{pupil}/needs", {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"}
    )
    secondary = school.senco.post(
        f"/pupils/{pupil}/needs", {"need_type": "SLCN", "rank": 2, "identified_on": "2026-09-16"}
    )
    needs = school.senco.get(f"/pupils/{pupil}").json()["needs"]
    ended = school.senco.post(
        f"/pupils/{pupil}/needs/SPLD/end", {"ended_on": "2026-11-01", "reason": "Caught up"}
    )
    after = school.senco.get(f"/pupils/{pupil}").json()["needs"]

    assert (primary.status_code, secondary.status_code) == (201, 201)
    assert primary.json()["id"] != secondary.json()["id"]
    assert [(n["rank"], n["need_type"], n["area_of_need"]) for n in needs] == [
        (1, "SPLD", "cognition_learning"),
        (2, "SLCN", "communication_interaction"),
    ]
    assert ended.status_code == 204
    assert [(n["rank"], n["need_type"]) for n in after] == [(1, "SLCN")]


def test_given_a_pupil_when_a_need_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/needs"

    invalid(school.senco.post(url, {"need_type": "SLCN", "rank": 2, "identified_on": "2026-09-15"}), "rank")
    invalid(school.senco.post(url, {"need_type": "SLCN", "rank": 3, "identified_on": "2026-09-15"}), "rank")
    invalid(
        school.senco.post(url, {"need_type": "DYSLEXIA", "rank": 1, "identified_on": "2026-09-15"}),
        "need_type",
    )
    invalid(
        school.senco.post(url, {"need_type": "NSA", "rank": 1, "identified_on": "2026-09-15"}), "need_type"
    )
    invalid(
        school.senco.post(url, {"need_type": "SPLD", "rank": 1, "identified_on": "2026-11-24"}),
        "identified_on",
    )
    invalid(school.senco.post(f"/pupils/{pupil}/needs/SPLD/end", {"ended_on": "2026-11-01"}), "need_type")
    invalid(school.senco.post(f"/pupils/{pupil}/needs/XYZ/end", {"ended_on": "2026-11-01"}), "need_type")


def test_given_a_pupil_when_their_sen_status_changes_then_201_and_the_same_status_again_is_422(
    school: School,
) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/sen-status"
    change = {
        "status": "K",
        "effective_on": "2026-09-20",
        "parents_notified_on": "2026-09-21",
        "reason": "APDR",
    }

    changed = school.senco.post(url, change)
    record = school.senco.get(f"/pupils/{pupil}").json()

    assert changed.status_code == 201 and changed.json()["id"]
    assert (record["sen_status"], record["sen_status_since"], record["parents_notified_on"]) == (
        "K",
        "2026-09-20",
        "2026-09-21",
    )
    invalid(school.senco.post(url, change | {"effective_on": "2026-10-01"}), "status")
    invalid(school.senco.post(url, change | {"status": "E", "effective_on": "2026-09-01"}), "effective_on")
    invalid(school.senco.post(url, change | {"status": "S"}), "status")
    invalid(
        school.senco.post(url, change | {"status": "E", "parents_notified_on": "2026-11-24"}),
        "parents_notified_on",
    )


def test_given_sen_support_when_parents_are_notified_then_204_and_without_a_status_422(
    school: School,
) -> None:
    pupil, unlisted = school.pupil(), school.pupil(given_name="Oliver")
    school.senco.post(f"/pupils/{pupil}/sen-status", {"status": "K", "effective_on": "2026-09-20"})

    notified = school.senco.post(
        f"/pupils/{pupil}/parent-notifications", {"notified_on": "2026-09-22", "how": "Letter"}
    )

    assert notified.status_code == 204
    assert school.senco.get(f"/pupils/{pupil}").json()["parents_notified_on"] == "2026-09-22"
    invalid(
        school.senco.post(f"/pupils/{unlisted}/parent-notifications", {"notified_on": "2026-09-22"}),
        "notified_on",
    )


# -- concerns, assessments, profile, advice, the EHC process, disclosures, leaving ----------


def test_given_a_pupil_when_a_teacher_raises_a_concern_then_201_and_an_empty_one_is_422(
    school: School,
) -> None:
    pupil = school.pupil()
    teacher = school.user(Role.teacher)
    concern = {
        "raised_on": "2026-09-10",
        "raised_by": "parent",
        "raised_by_name": "Mrs Khan",
        "concern": "Reading",
    }

    raised = teacher.post(f"/pupils/{pupil}/concerns", concern)

    assert raised.status_code == 201 and raised.json()["id"]
    invalid(teacher.post(f"/pupils/{pupil}/concerns", concern | {"concern": ""}), "concern")
    invalid(teacher.post(f"/pupils/{pupil}/concerns", concern | {"raised_by": "neighbour"}), "raised_by")


def test_given_a_pupil_when_assessments_are_recorded_then_baseline_then_exit_and_a_correction(
    school: School,
) -> None:
    pupil = school.pupil()
    intervention = school.intervention([school.staff()])
    school.enrol(intervention, pupil)
    url = f"/pupils/{pupil}/assessments"

    baseline = school.senco.post(url, BASELINE | {"intervention_id": intervention, "value": "84.5"})
    exit_ = school.senco.post(
        url,
        BASELINE
        | {"intervention_id": intervention, "kind": "exit", "value": 91, "assessed_on": "2026-11-20"},
    )
    corrected = school.senco.post(
        f"{url}/{baseline.json()['id']}/corrections", {"value": "85", "reason": "Misread the table"}
    )

    assert (baseline.status_code, exit_.status_code, corrected.status_code) == (201, 201, 204)
    assert baseline.json()["id"] != exit_.json()["id"]
    recorded = school.apdr.record.pupil(Actor("test", Role.senco, school.setting_id), UUID(pupil)).assessments
    assert {(a["kind"].value, a["value"], str(a["intervention_id"])) for a in recorded.values()} == {
        ("baseline", Decimal(85), intervention),
        ("exit", Decimal(91), intervention),
    }


def test_given_a_pupil_when_an_assessment_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/assessments"

    invalid(school.senco.post(url, BASELINE | {"kind": "exit", "assessed_on": "2026-11-20"}), "kind")
    invalid(school.senco.post(url, BASELINE | {"value": 301}), "value")
    invalid(school.senco.post(url, BASELINE | {"scale": "percent", "value": 101}), "value")
    invalid(school.senco.post(url, BASELINE | {"value": "84.123"}), "value")
    invalid(school.senco.post(url, BASELINE | {"value": "NaN"}), "value")
    invalid(school.senco.post(url, BASELINE | {"scale": "stanine"}), "scale")
    invalid(school.senco.post(url, BASELINE | {"assessed_on": "2026-11-24"}), "assessed_on")
    invalid(school.senco.post(url, BASELINE | {"intervention_id": NOBODY}), "intervention_id")
    invalid(school.senco.post(f"{url}/{NOBODY}/corrections", {"value": 85, "reason": "x"}), "assessment_id")


def test_given_a_pupil_when_their_profile_is_put_then_200_with_the_profile_and_it_reads_back(
    school: School,
) -> None:
    pupil = school.pupil()

    put = school.user(Role.teacher).put(
        f"/pupils/{pupil}/profile", {"like_and_admire": "Kind to others", "what_helps": "Visual timetable"}
    )
    profile = school.senco.get(f"/pupils/{pupil}").json()["profile"]

    assert put.status_code == 200 and put.json() == school.senco.get(f"/pupils/{pupil}/profile").json()
    assert put.json()["what_helps"] == "Visual timetable" and put.json()["likes"] == ""
    assert profile["like_and_admire"] == "Kind to others" and profile["updated_on"] == "2026-11-23"
    invalid(school.senco.put(f"/pupils/{pupil}/profile", {}), "body")
    invalid(school.senco.put(f"/pupils/{pupil}/profile", {"favourite_colour": "red"}), "favourite_colour")


def test_given_a_pupil_when_outside_advice_arrives_then_201_and_without_a_summary_422(school: School) -> None:
    pupil = school.pupil()
    advice = {
        "source": "educational_psychologist",
        "received_on": "2026-10-03",
        "author": "Dr Patel",
        "summary": "Working memory difficulties",
        "recommendations": ["Precision teaching", "Overlearning"],
    }

    received = school.senco.post(f"/pupils/{pupil}/advice", advice)

    assert received.status_code == 201 and received.json()["id"]
    invalid(school.senco.post(f"/pupils/{pupil}/advice", advice | {"summary": " "}), "summary")
    invalid(school.senco.post(f"/pupils/{pupil}/advice", advice | {"source": "astrologer"}), "source")


def test_given_a_pupil_when_ehcp_milestones_are_recorded_then_in_order_only(school: School) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/ehcp-milestones"

    requested = school.senco.post(url, {"milestone": "requested", "reached_on": "2026-09-01"})
    out_of_order = school.senco.post(url, {"milestone": "plan_issued", "reached_on": "2026-10-01"})
    decided = school.senco.post(url, {"milestone": "decision_to_assess", "reached_on": "2026-10-09"})

    assert (requested.status_code, decided.status_code) == (204, 204)
    invalid(out_of_order, "milestone")
    assert [m["milestone"] for m in school.senco.get(f"/pupils/{pupil}").json()["ehcp_milestones"]] == [
        "requested",
        "decision_to_assess",
    ]
    invalid(school.senco.post(url, {"milestone": "plan_issued", "reached_on": "2026-10-08"}), "reached_on")


def test_given_a_pupil_when_information_is_shared_then_204_and_the_lawful_basis_is_checked(
    school: School,
) -> None:
    pupil = school.pupil()
    shared = {
        "shared_on": "2026-10-03",
        "shared_with": "Essex SEND team",
        "purpose": "EHC needs assessment request",
        "lawful_basis": "public_task",
        "what": "Plans and reviews",
    }

    assert school.senco.post(f"/pupils/{pupil}/disclosures", shared).status_code == 204
    invalid(
        school.senco.post(f"/pupils/{pupil}/disclosures", shared | {"lawful_basis": "curiosity"}),
        "lawful_basis",
    )
    invalid(school.senco.post(f"/pupils/{pupil}/disclosures", shared | {"shared_with": ""}), "shared_with")


def test_given_a_pupil_who_leaves_when_a_plan_is_drafted_then_422_and_they_leave_once(school: School) -> None:
    pupil = school.pupil()

    left = school.senco.post(
        f"/pupils/{pupil}/leaving", {"left_on": "2026-10-23", "destination": "Moved away"}
    )

    assert left.status_code == 204
    assert school.senco.get(f"/pupils/{pupil}").json()["left_on"] == "2026-10-23"
    invalid(school.senco.post(f"/pupils/{pupil}/leaving", {"left_on": "2026-10-24"}), "left_on")
    school_plan = school.senco.post(
        f"/pupils/{pupil}/plans",
        {
            "starts_on": "2026-11-02",
            "review_due_on": "2026-12-11",
            "outcomes": [{"description": "d", "measure": "m", "target": "t"}],
            "expected_impact": "e",
        },
    )
    invalid(school_plan, "pupil_id")
    assert school.senco.get("/pupils").json()["total"] == 0
    assert school.senco.get("/pupils", params={"include_left": True}).json()["total"] == 1
