"""The SENCO's forms, without a browser: each error beside the field it names with what was
typed kept, nothing half-written, and who may use which form."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

import httpx

from apdr.aggregates.codes import NeedType, Role
from apdr.application import Actor
from apdr.projections.pupils import find_pupils
from tests.support.school import upn
from tests.support.web import LEADER, SENCO, TA, Site

PLAN: dict[str, Any] = {
    "starts_on": "2026-11-23",
    "review_due_on": "2027-02-12",
    "outcomes[0].description": "Reads 100 high-frequency words",
    "outcomes[0].measure": "words read correctly in one minute",
    "outcomes[0].target": "100",
    "expected_impact": "Reads the class texts with fewer prompts",
}


def senco(site: Site) -> Actor:
    return Actor(SENCO, Role.senco, site.setting_id)


def new_pupil(site: Site, given_name: str = "Nell") -> UUID:
    """A pupil of their own for a test that changes a record (the site is shared by the module)."""
    return site.apdr.record.register_pupil(
        senco(site),
        today=site.today,
        upn=upn(la="938"),
        given_name=given_name,
        family_name="Form-Test",
        date_of_birth=date(2018, 1, 9),
        class_name="3C",
        admitted_on=date(2022, 9, 1),
    )


def error_beside(response: httpx.Response, field_id: str) -> str:
    """The message shown beside the field whose input has ``id=field_id``."""
    found = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', response.text, re.S
    )
    assert found, f"no error beside {field_id} in: " + re.sub(r"\s+", " ", response.text)[-2000:]
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


def value_of(response: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" type="[a-z]+" value="([^"]*)"', response.text)
    assert found, f"no input named {name}"
    return found.group(1)


def test_given_a_upn_with_the_wrong_check_letter_then_the_error_is_beside_upn_and_nothing_is_registered(
    site: Site,
) -> None:
    response = site.client(SENCO).post(
        "/pupils/new",
        {
            "upn": "A801200005001",
            "given_name": "Amira",
            "family_name": "Khan-Test",
            "date_of_birth": "2017-03-14",
            "class_name": "4B",
        },
    )
    assert response.status_code == 422
    assert "check letter" in error_beside(response, "f-upn")
    assert value_of(response, "upn") == "A801200005001"
    assert value_of(response, "given_name") == "Amira"
    assert value_of(response, "class_name") == "4B"
    assert 'id="f-given_name-error"' not in response.text
    assert _no_pupil_named(site, "Khan-Test")


def _no_pupil_named(site: Site, family_name: str) -> bool:
    site.apdr.read_models.catch_up()
    _, total = site.apdr.read_models.ask(find_pupils, site.setting_id, search=family_name)
    return total == 0


def test_given_a_good_pupil_when_registered_then_the_browser_goes_to_the_pupils_page(site: Site) -> None:
    client = site.client(SENCO)
    response = client.post(
        "/pupils/new",
        {
            "upn": upn(la="938"),
            "given_name": "Ola",
            "family_name": "Registered-Here",
            "date_of_birth": "2017-03-14",
            "class_name": "4B",
        },
    )
    assert response.status_code == 303
    pupil_id = UUID(response.headers["location"].removeprefix("/pupils/"))
    pupil = site.apdr.record.pupil(senco(site), pupil_id)
    assert (pupil.name, pupil.class_name, pupil.admitted_on) == ("Ola Registered-Here", "4B", site.today)


def test_given_a_upn_already_on_roll_then_the_conflict_is_said_at_the_top_in_plain_words(site: Site) -> None:
    taken = site.apdr.record.pupil(senco(site), new_pupil(site)).upn
    fields = {"upn": taken, "given_name": "Second", "family_name": "Copy", "date_of_birth": "2017-03-14"}
    response = site.client(SENCO).post("/pupils/new", {**fields, "class_name": "4B"})
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert summary and taken in summary.group(0)
    assert value_of(response, "given_name") == "Second"
    assert _no_pupil_named(site, "Copy")


def test_given_a_plan_whose_outcome_has_no_target_then_the_error_is_beside_that_target_and_no_plan_is_drafted(
    site: Site,
) -> None:
    pupil_id = new_pupil(site)
    client = site.client(SENCO)
    response = client.post(
        f"/pupils/{pupil_id}/plans/new",
        {
            **PLAN,
            "outcomes[0].target": "",
            "outcomes[1].description": "",  # a blank row is left out
            "outcomes[1].measure": "",
            "outcomes[1].target": "",
        },
    )
    assert response.status_code == 422
    assert error_beside(response, "f-outcomes-0-target") == "Fill this in"
    assert value_of(response, "outcomes[0].measure") == "words read correctly in one minute"
    assert "Reads 100 high-frequency words" in response.text
    assert site.apdr.record.pupil(senco(site), pupil_id).plan_ids == []


def test_given_a_plan_form_when_add_another_outcome_is_pressed_then_it_comes_back_with_one_more_row(
    site: Site,
) -> None:
    pupil_id = new_pupil(site)
    client = site.client(SENCO)
    assert client.get(f"/pupils/{pupil_id}/plans/new").text.count("<legend>Outcome ") == 3
    response = client.post(f"/pupils/{pupil_id}/plans/new", {**PLAN, "add": "outcomes"})
    assert response.status_code == 200
    assert response.text.count("<legend>Outcome ") == 4
    assert value_of(response, "outcomes[0].target") == "100"
    assert site.apdr.record.pupil(senco(site), pupil_id).plan_ids == []


def test_given_a_good_plan_when_saved_then_it_is_the_pupils_current_plan(site: Site) -> None:
    pupil_id = new_pupil(site)
    second = {
        "outcomes[1].description": "Writes",
        "outcomes[1].measure": "sentences",
        "outcomes[1].target": "5",
    }
    response = site.client(SENCO).post(
        f"/pupils/{pupil_id}/plans/new",
        {**PLAN, **second, "strategies[0].code": "CL5", "strategies[0].description": "Precision teaching"},
    )
    assert response.status_code == 303 and response.headers["location"] == f"/pupils/{pupil_id}"
    pupil = site.apdr.record.pupil(senco(site), pupil_id)
    plan = site.apdr.record.plan(senco(site), pupil.current_plan_id)
    assert [o["target"] for o in plan.outcomes.values()] == ["100", "5"]
    assert plan.strategies[0]["code"] == "CL5"


def test_given_a_review_with_an_outcome_unrated_then_the_error_is_beside_its_rating_and_no_review_is_held(
    site: Site,
) -> None:
    pupil_id = new_pupil(site)
    plan_id = _drafted(site, pupil_id)
    client = site.client(SENCO)
    page = client.get(f"/plans/{plan_id}/review")
    assert page.status_code == 200
    outcome_id = re.search(r'name="outcomes\[0\]\.outcome_id" value="([^"]+)"', page.text).group(1)
    response = client.post(
        f"/plans/{plan_id}/review",
        {
            "reviewed_on": "2026-11-23",
            "outcomes[0].outcome_id": outcome_id,
            "outcomes[0].evidence": "Reads 80 words",
            "tried": "Daily precision teaching",
            "decision": "continue",
            "next_review_due_on": "2027-03-19",
        },
    )
    assert response.status_code == 422
    assert error_beside(response, "f-outcomes-0-rating") == "Fill this in"
    assert "Daily precision teaching" in response.text and "Reads 80 words" in response.text
    assert site.apdr.record.plan(senco(site), plan_id).reviews == []


def _drafted(site: Site, pupil_id: UUID) -> UUID:
    return site.apdr.record.draft_plan(
        senco(site),
        pupil_id,
        today=site.today,
        starts_on=site.today,
        review_due_on=date(2027, 2, 12),
        outcomes=[{"description": "Reads 100 words", "measure": "words a minute", "target": "100"}],
        strategies=[],
        expected_impact="Reads more",
        pupil_views="",
        parent_views="",
        home_actions="",
    )


def test_given_a_need_form_when_a_need_is_recorded_then_the_pupil_has_it_and_a_second_at_rank_one_is_refused(
    site: Site,
) -> None:
    pupil_id = new_pupil(site)
    client = site.client(SENCO)
    need = {"need_type": "SPLD", "rank": "1", "identified_on": "2026-11-02", "description": "Dyslexia"}
    assert client.post(f"/pupils/{pupil_id}/needs/new", need).status_code == 303
    response = client.post(f"/pupils/{pupil_id}/needs/new", {**need, "need_type": "SLCN"})
    assert response.status_code == 422
    assert "already" in error_beside(response, "f-rank")
    assert '<option value="SLCN" selected>' in response.text
    needs = site.apdr.record.pupil(senco(site), pupil_id).needs
    assert [n["need_type"] for n in needs.values()] == [NeedType.SPLD]


def test_given_a_leader_then_no_form_opens_and_a_post_is_refused(site: Site) -> None:
    pupil_id = new_pupil(site)
    leader = site.client(LEADER)
    for path in ("/pupils/new", f"/pupils/{pupil_id}/needs/new", f"/pupils/{pupil_id}/plans/new"):
        page = leader.get(path)
        assert page.status_code == 403 and '<form method="post" action="/pupils' not in page.text
    refused = leader.post(f"/pupils/{pupil_id}/plans/new", PLAN)
    assert refused.status_code == 403
    assert site.apdr.record.pupil(senco(site), pupil_id).plan_ids == []
    listed = leader.get("/interventions")
    assert listed.status_code == 200 and "Plan an intervention" not in listed.text
    assert leader.get("/interventions/new").status_code == 403


def test_given_a_teaching_assistant_then_the_register_a_pupil_form_is_closed(site: Site) -> None:
    ta = site.client(TA)
    assert ta.get("/pupils/new").status_code == 403
    assert ta.post("/pupils/new", {"upn": upn(la="938"), "given_name": "No"}).status_code == 403


def test_given_another_settings_pupil_then_the_plan_form_is_not_found(site: Site) -> None:
    client = site.client(SENCO)
    page = client.get(f"/pupils/{site.other_pupil_id}/plans/new")
    assert page.status_code == 404 and site.other_pupil_name not in page.text
    assert client.post(f"/pupils/{site.other_pupil_id}/plans/new", PLAN).status_code == 404
    assert client.get(f"/pupils/{site.other_pupil_id}/needs/new").status_code == 404


def test_given_no_csrf_token_when_a_plan_is_posted_then_nothing_happens(site: Site) -> None:
    pupil_id = new_pupil(site)
    client = site.client(SENCO)
    assert client.http.post(f"/pupils/{pupil_id}/plans/new", data=PLAN).status_code == 403
    assert site.apdr.record.pupil(senco(site), pupil_id).plan_ids == []


INTERVENTION = {
    "name": "Form test: word wizards",
    "area_of_need": "cognition_learning",
    "aim": "Reads more high-frequency words",
    "delivery": "small_group",
    "ratio": "1:3",
    "weekdays": ["mon", "wed"],
    "minutes_per_session": "20",
    "starts_on": "2026-11-23",
    "planned_weeks": "10",
    "review_due_on": "2027-01-29",
    "cost_per_year": "900.00",
    "strategy_codes": "CL5, CL7",
}


def test_given_an_intervention_planned_and_two_pupils_enrolled_then_its_page_shows_them(site: Site) -> None:
    client = site.client(SENCO)
    planned = client.post("/interventions/new", INTERVENTION)
    assert planned.status_code == 303, planned.text
    path = planned.headers["location"]
    intervention = site.apdr.record.intervention(senco(site), UUID(path.removeprefix("/interventions/")))
    assert intervention.strategy_codes == ["CL5", "CL7"]
    first, second = new_pupil(site, "Ada"), new_pupil(site, "Bea")
    enrolled = client.post(
        f"{path}/enrolments", {"pupil_ids": [str(first), str(second)], "starts_on": "2026-11-23"}
    )
    assert enrolled.status_code == 303
    page = client.get(path)
    pupils = re.search(r'<table aria-labelledby="pupils-heading">.*?</table>', page.text, re.S).group(0)
    assert "Ada Form-Test" in pupils and "Bea Form-Test" in pupils
    assert "Monday, Wednesday" in page.text
    leader = site.client(LEADER)
    seen = leader.get(path)
    assert (
        seen.status_code == 200
        and "Ada Form-Test" in seen.text
        and "Enrol the pupils chosen" not in seen.text
    )
    third = new_pupil(site, "Cy")
    assert (
        leader.post(f"{path}/enrolments", {"pupil_ids": [str(third)], "starts_on": "2026-11-23"}).status_code
        == 403
    )
    assert third not in site.apdr.record.intervention(senco(site), intervention.id).enrolments


def test_given_an_intervention_with_no_day_and_text_for_weeks_then_each_error_is_beside_its_field(
    site: Site,
) -> None:
    response = site.client(SENCO).post(
        "/interventions/new",
        {**INTERVENTION, "weekdays": [], "planned_weeks": "ten", "name": "Never planned"},
    )
    assert response.status_code == 422
    assert error_beside(response, "f-weekdays") == "Choose at least one"
    assert error_beside(response, "f-planned_weeks") == "Enter a whole number"
    assert value_of(response, "name") == "Never planned"
    assert value_of(response, "strategy_codes") == "CL5, CL7"
    assert "Never planned" not in site.client(SENCO).get("/interventions?status=all").text


def test_given_a_full_group_when_more_are_enrolled_then_the_one_refused_is_named_and_the_others_stay(
    site: Site,
) -> None:
    client = site.client(SENCO)
    path = client.post("/interventions/new", {**INTERVENTION, "ratio": "1:2"}).headers["location"]
    pupils = [new_pupil(site, name) for name in ("Cai", "Dot", "Eli")]
    response = client.post(
        f"{path}/enrolments", {"pupil_ids": [str(p) for p in pupils], "starts_on": "2026-11-23"}
    )
    assert response.status_code == 422
    assert "Eli Form-Test" in error_beside(response, "f-pupil_ids") and "full" in error_beside(
        response, "f-pupil_ids"
    )
    intervention = site.apdr.record.intervention(senco(site), UUID(path.removeprefix("/interventions/")))
    assert set(intervention.enrolments) == set(pupils[:2])
