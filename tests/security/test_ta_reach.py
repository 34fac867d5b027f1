"""A teaching assistant reads the plans and records of the pupils in the interventions they are
assigned to, and nothing else; another setting's records are not there at all."""

from __future__ import annotations

from apdr.aggregates.codes import Role
from tests.support.school import School, group, outsider_pupil, problem


def test_given_a_ta_when_they_read_pupils_plans_and_interventions_then_only_those_of_their_interventions(
    school: School,
) -> None:
    theirs = group(school)
    others = group(school)  # another intervention, another TA's
    zara = school.pupil(given_name="Zara", family_name="Ahmed")  # in no intervention
    ta_staff, ta = school.ta_of(theirs.intervention)
    plan_in_reach, plan_out_of_reach = school.plan(theirs.amira), school.plan(others.amira)
    _, outsider = outsider_pupil(school)

    listed = ta.get("/pupils").json()
    searched = ta.get("/pupils", params={"search": "Amira"}).json()

    assert {p["id"] for p in listed["pupils"]} == {theirs.amira, theirs.oliver}
    assert listed["total"] == 2
    assert [p["id"] for p in searched["pupils"]] == [theirs.amira]
    assert ta.get(f"/pupils/{theirs.amira}").status_code == 200
    assert ta.get(f"/plans/{plan_in_reach}").status_code == 200
    assert ta.get(f"/interventions/{theirs.intervention}").status_code == 200
    assert "none of the interventions" in problem(ta.get(f"/pupils/{zara}"), 403)["detail"]
    assert "none of the interventions" in problem(ta.get(f"/pupils/{others.amira}"), 403)["detail"]
    problem(ta.get(f"/plans/{plan_out_of_reach}"), 403)
    assert "not assigned" in problem(ta.get(f"/interventions/{others.intervention}"), 403)["detail"]
    problem(ta.get(f"/pupils/{theirs.amira}/chronology"), 403)
    for path in (
        "/provision-map",
        "/register",
        "/impact",
        "/alerts",
        "/setting/thresholds",
        f"/staff/{ta_staff}",
    ):
        problem(ta.get(path), 403)
    # Another setting's pupil is not there at all, in or out of reach.
    problem(ta.get(f"/pupils/{outsider}"), 404)


def test_given_a_ta_when_a_pupil_is_withdrawn_or_they_are_unassigned_then_their_reach_shrinks_at_once(
    school: School,
) -> None:
    running = group(school)
    ta_staff, ta = school.ta_of(running.intervention)
    assert ta.get(f"/pupils/{running.oliver}").status_code == 200

    withdrawn = school.senco.post(
        f"/interventions/{running.intervention}/enrolments/{running.oliver}/withdrawal",
        {"withdrawn_on": "2026-11-02", "reason": "Moved to another group"},
    )

    assert withdrawn.status_code == 204
    problem(ta.get(f"/pupils/{running.oliver}"), 403)
    assert [p["id"] for p in ta.get("/pupils").json()["pupils"]] == [running.amira]

    unassigned = school.senco.post(f"/interventions/{running.intervention}/staff/{ta_staff}/unassign")

    assert unassigned.status_code == 204
    problem(ta.get(f"/pupils/{running.amira}"), 403)
    problem(ta.get(f"/interventions/{running.intervention}"), 403)
    assert ta.get("/pupils").json()["pupils"] == []


def test_given_a_ta_with_no_staff_record_when_they_list_pupils_then_none(school: School) -> None:
    running = group(school)
    ta = school.user(Role.ta)

    assert ta.get("/pupils").json() == {"total": 0, "limit": 100, "offset": 0, "pupils": []}
    problem(ta.get(f"/pupils/{running.amira}"), 403)
    problem(ta.get(f"/interventions/{running.intervention}"), 403)
