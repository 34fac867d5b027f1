"""The admin's settings, and a setting's own calendar."""

from __future__ import annotations

from apdr.aggregates import Setting
from apdr.aggregates.codes import Role
from tests.support.school import (
    NOBODY,
    School,
    invalid,
    problem,
    random_urn,
)


def test_given_an_admin_of_every_setting_when_they_register_a_setting_then_201_and_it_can_be_read_back(
    school: School,
) -> None:
    admin = school.user(Role.admin, all_settings=True)
    urn = random_urn()

    created = admin.post("/settings", {"urn": urn, "name": " Hillside Infants "})
    setting_id = created.json()["id"]
    read = admin.get(f"/settings/{setting_id}")

    assert created.status_code == 201 and setting_id == str(Setting.create_id(urn))
    assert read.status_code == 200
    assert read.json() == {"id": setting_id, "urn": urn, "name": "Hillside Infants"}


def test_given_a_registered_urn_when_it_is_registered_again_then_409(school: School) -> None:
    admin = school.user(Role.admin, all_settings=True)

    again = admin.post("/settings", {"urn": school.urn, "name": "Another"})

    assert school.urn in str(problem(again, 409)["detail"])


def test_given_an_admin_when_a_setting_is_wrong_or_unknown_then_422_or_404(school: School) -> None:
    admin = school.user(Role.admin, all_settings=True)

    invalid(admin.post("/settings", {"urn": "12345", "name": "X"}), "urn")
    invalid(admin.post("/settings", {"urn": "123456"}), "name")
    invalid(admin.post("/settings", {"urn": "123456", "name": "X", "phase": "primary"}), "phase")
    invalid(admin.get("/settings/not-an-id"), "setting_id")
    problem(admin.get(f"/settings/{NOBODY}"), 404)


def test_given_users_of_a_setting_when_they_ask_for_it_then_they_see_their_own(school: School) -> None:
    for role in (Role.senco, Role.teacher, Role.ta, Role.leader):
        mine = school.user(role).get("/setting")
        assert mine.status_code == 200, role
        assert mine.json() == {"id": str(school.setting_id), "urn": school.urn, "name": "Test Primary"}
    problem(school.user(Role.admin).get("/setting"), 403)


def test_given_no_term_dates_when_the_calendar_is_asked_for_then_the_default_says_so(school: School) -> None:
    calendar = school.senco.get("/setting/calendar")

    assert calendar.status_code == 200
    body = calendar.json()
    assert (body["academic_year"], body["is_default"]) == (2026, True)
    assert "default" in body["note"] and "term-dates" in body["note"]
    assert [t["name"] for t in body["terms"]] == ["autumn", "spring", "summer"]
    assert 185 <= body["teaching_days"] <= 200


def test_given_term_dates_when_a_senco_sets_them_then_the_calendar_follows_them(school: School) -> None:
    terms = {
        "academic_year": 2026,
        "terms": [
            {
                "name": "autumn",
                "starts_on": "2026-09-03",
                "ends_on": "2026-12-18",
                "half_term_starts_on": "2026-10-26",
                "half_term_ends_on": "2026-10-30",
            },
            {"name": "spring", "starts_on": "2027-01-05", "ends_on": "2027-03-26"},
            {"name": "summer", "starts_on": "2027-04-12", "ends_on": "2027-07-21"},
        ],
        "closures": ["2026-11-02", "2027-05-03"],
    }

    saved = school.senco.put("/setting/term-dates", terms)
    calendar = school.user(Role.teacher).get("/setting/calendar", params={"academic_year": 2026}).json()
    next_year = school.senco.get("/setting/calendar", params={"academic_year": 2027}).json()

    assert saved.status_code == 200 and saved.json() == calendar
    assert (calendar["is_default"], calendar["note"]) == (False, "the setting's own term dates")
    assert calendar["terms"][0]["starts_on"] == "2026-09-03"
    # The typed closure, and England's bank holidays that fall in the typed terms (Good Friday,
    # the spring term's last day; the early May and spring bank holidays).
    assert calendar["closures"] == ["2026-11-02", "2027-03-26", "2027-05-03", "2027-05-31"]
    # Autumn: 2 days, then 15 weeks, less half-term and the closure. Spring: 4 days and 11 weeks, less
    # Good Friday. Summer: 14 weeks and 3 days, less the early May and spring bank holidays.
    assert calendar["teaching_days"] == (2 + 75 - 5 - 1) + (4 + 55 - 1) + (70 + 3 - 2)
    assert next_year["is_default"] is True


def test_given_a_senco_when_term_dates_are_wrong_then_the_field_is_named(school: School) -> None:
    autumn = {"name": "autumn", "starts_on": "2026-09-03", "ends_on": "2026-12-18"}

    def put(**body: object) -> object:
        return school.senco.put("/setting/term-dates", {"academic_year": 2026, "terms": [autumn]} | body)

    invalid(put(terms=[autumn, autumn | {"name": "spring"}]), "terms")  # overlap
    invalid(put(terms=[autumn | {"ends_on": "2026-09-01"}]), "terms[0].ends_on")
    invalid(put(terms=[autumn | {"starts_on": "3 September"}]), "terms[0].starts_on")
    invalid(put(closures=["2025-12-25"]), "closures[0]")
    invalid(put(academic_year=1999), "academic_year")
    invalid(put(terms=[]), "terms")
    invalid(school.senco.get("/setting/calendar", params={"academic_year": 3000}), "academic_year")
    problem(
        school.user(Role.teacher).put("/setting/term-dates", {"academic_year": 2026, "terms": [autumn]}), 403
    )
