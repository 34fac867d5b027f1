"""Staff and their training over HTTP."""

from __future__ import annotations

from apdr.aggregates.codes import Role
from tests.support.school import NOBODY, School, invalid, other_setting, problem


def test_given_a_senco_when_staff_are_registered_and_trained_then_201s_and_it_reads_back(
    school: School,
) -> None:
    created = school.senco.post(
        "/staff", {"name": "Grace Okafor", "role": "hlta", "email": "Grace@School.Example"}
    )
    staff_id = created.json()["id"]

    trained = school.senco.post(
        f"/staff/{staff_id}/training",
        {"programme": "Precision teaching", "completed_on": "2026-09-01", "expires_on": "2028-08-31"},
    )
    again = school.senco.post(
        f"/staff/{staff_id}/training", {"programme": "ELSA", "completed_on": "2025-01-06"}
    )
    read = school.user(Role.leader).get(f"/staff/{staff_id}")

    assert created.status_code == 201 and set(created.json()) == {"id"}
    assert (trained.status_code, again.status_code) == (201, 201)
    assert trained.json()["id"] != again.json()["id"]
    assert read.status_code == 200
    assert read.json() == {
        "id": staff_id,
        "name": "Grace Okafor",
        "role": "hlta",
        "email": "grace@school.example",
        "training": [
            {"programme": "Precision teaching", "completed_on": "2026-09-01", "expires_on": "2028-08-31"},
            {"programme": "ELSA", "completed_on": "2025-01-06", "expires_on": None},
        ],
    }


def test_given_a_senco_when_staff_or_training_break_a_rule_then_422_names_the_field(school: School) -> None:
    staff_id = school.staff()
    url = f"/staff/{staff_id}/training"
    school.senco.post(url, {"programme": "ELSA", "completed_on": "2026-09-01"})

    invalid(school.senco.post("/staff", {"name": "Jo", "role": "caretaker"}), "role")
    invalid(school.senco.post("/staff", {"name": "", "role": "ta"}), "name")
    invalid(school.senco.post("/staff", {"name": "Jo", "role": "ta", "email": "jo"}), "email")
    invalid(school.senco.post(url, {"programme": "elsa", "completed_on": "2026-09-01"}), "completed_on")
    invalid(school.senco.post(url, {"programme": "ELSA", "completed_on": "2026-11-24"}), "completed_on")
    invalid(
        school.senco.post(
            url, {"programme": "ELSA", "completed_on": "2026-10-01", "expires_on": "2026-10-01"}
        ),
        "expires_on",
    )
    invalid(school.senco.post(url, {"programme": " ", "completed_on": "2026-10-01"}), "programme")
    assert len(school.senco.get(f"/staff/{staff_id}").json()["training"]) == 1


def test_given_staff_when_asked_for_unknown_or_from_another_setting_then_404(school: School) -> None:
    staff_id = school.staff()
    theirs = other_setting(school)

    problem(school.senco.get(f"/staff/{NOBODY}"), 404)
    problem(theirs.get(f"/staff/{staff_id}"), 404)
    problem(
        theirs.post(f"/staff/{staff_id}/training", {"programme": "ELSA", "completed_on": "2026-09-01"}), 404
    )
    problem(school.user(Role.teacher).post("/staff", {"name": "Jo", "role": "ta"}), 403)
    problem(school.user(Role.ta).get(f"/staff/{staff_id}"), 403)
