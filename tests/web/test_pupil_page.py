"""The pupils: search by name or UPN (with and without JavaScript), a teaching assistant's
reach, another setting's pupil never shown; and a pupil's page, section by section, with its
chart of assessments, its read entered in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from apdr.projections.audit import audit_entries
from apdr.projections.impact import pupil_assessments
from apdr.projections.provision_map import setting_staff
from apdr.projections.pupils import find_pupils
from apdr.projections.reach import pupils_in_reach
from tests.support.web import LEADER, SENCO, TA, TEACHER, Site, assert_accessible

OAKFIELD_USERS = (SENCO, TEACHER, TA, LEADER)


def oakfield_pupils(site: Site) -> list[dict[str, Any]]:
    rows, _ = site.apdr.read_models.ask(find_pupils, site.setting_id, limit=500)
    return rows


@pytest.fixture(scope="module")
def assessed(site: Site) -> dict[str, Any]:
    """A demo pupil with assessments on more than one occasion: their page draws a chart."""
    for pupil in oakfield_pupils(site):
        taken = site.apdr.read_models.ask(pupil_assessments, pupil["pupil_id"])
        if len({a["assessed_on"] for a in taken}) > 1:
            return pupil | {"assessments": taken}
    raise AssertionError("the demo school has no pupil assessed twice")


def ta_reach(site: Site) -> frozenset[UUID]:
    staff = site.apdr.read_models.ask(setting_staff, site.setting_id)
    grace = next(s["staff_id"] for s in staff if s["name"] == "Grace Okafor")
    return site.apdr.read_models.ask(pupils_in_reach, grace, site.today)


def test_given_the_pupils_page_when_a_name_is_typed_then_htmx_narrows_the_results(
    sign_in: Callable[[str], Page], site: Site, assessed: dict[str, Any]
) -> None:
    page = sign_in(SENCO)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{site.url}/pupils")
    every = len(oakfield_pupils(site))
    expect(page.get_by_role("status")).to_have_text(f"{every} pupils")
    assert_accessible(page)
    name = f"{assessed['given_name']} {assessed['family_name']}"
    page.get_by_label("Search by name or UPN").fill(name)
    expect(page.get_by_role("status")).to_contain_text(f"matching “{name}”")
    results = page.locator("#pupil-results")
    expect(
        results.get_by_role("link", name=f"{assessed['family_name']}, {assessed['given_name']}")
    ).to_be_visible()
    assert results.locator("tbody tr").count() < every
    # The search is in the address, so a reload or a shared link shows the same.
    assert parse_qs(urlsplit(page.url).query)["q"] == [name]
    page.get_by_label("Search by name or UPN").fill(assessed["upn"].lower())
    expect(page.get_by_role("status")).to_have_text(f"1 pupil matching “{assessed['upn'].lower()}”")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_without_javascript_the_search_is_a_get_form_by_name_or_upn(
    site: Site, assessed: dict[str, Any]
) -> None:
    senco = site.client(SENCO)
    for typed in (assessed["family_name"], assessed["upn"]):
        found = senco.get("/pupils", params={"q": typed})
        assert found.status_code == 200 and "<h1>Pupils</h1>" in found.text
        assert f'href="/pupils/{assessed["pupil_id"]}"' in found.text
    nothing = senco.get("/pupils", params={"q": "Nobody-by-this-name"})
    assert (
        "No pupil matches" in nothing.text
        and 'href="/pupils/' + str(assessed["pupil_id"]) not in nothing.text
    )


def test_what_a_person_types_in_the_search_never_gives_a_server_error(site: Site) -> None:
    senco = site.client(SENCO)
    too_long = senco.get("/pupils", params={"q": "x" * 101})
    assert too_long.status_code == 422 and "at most 100 characters" in too_long.text
    control = senco.get("/pupils", params={"q": "a\x00b"})
    assert control.status_code == 422
    literal = senco.get("/pupils", params={"q": "%", "sen_status": "Q", "page": "9999"})
    assert literal.status_code == 200 and "No pupil matches" in literal.text


def test_another_settings_pupil_is_never_listed_found_or_shown_to_an_oakfield_user(site: Site) -> None:
    for email in OAKFIELD_USERS:
        client = site.client(email)
        for params in ({}, {"q": "Zebedee"}, {"q": "Quartermaine"}):
            listed = client.get("/pupils", params=params)
            assert listed.status_code == 200 and site.other_pupil_name not in listed.text
            assert str(site.other_pupil_id) not in listed.text
        shown = client.get(f"/pupils/{site.other_pupil_id}")
        assert shown.status_code == 404 and site.other_pupil_name not in shown.text
    assert site.client(SENCO).get("/pupils/not-a-pupil").status_code == 404


def test_a_teaching_assistant_sees_only_the_pupils_of_their_interventions(site: Site) -> None:
    reach = ta_reach(site)
    assert reach, "the demo TA delivers interventions"
    ta = site.client(TA)
    listed = ta.get("/pupils")
    assert f"{len(reach)} pupil" in listed.text
    everyone = oakfield_pupils(site)
    for pupil in everyone:
        link = f'href="/pupils/{pupil["pupil_id"]}"'
        assert (link in listed.text) == (pupil["pupil_id"] in reach)
    outside = next(p for p in everyone if p["pupil_id"] not in reach)
    assert ta.get(f"/pupils/{outside['pupil_id']}").status_code == 403
    inside = ta.get(f"/pupils/{next(iter(reach))}")
    assert inside.status_code == 200
    # As the API: no chronology, provision map or audit trail for a teaching assistant.
    for hidden in ('id="chronology"', 'id="interventions"', 'id="audit"', 'id="sen-status"'):
        assert hidden not in inside.text
    assert 'id="plans"' in inside.text and 'id="assessments"' in inside.text


def test_given_a_pupil_when_the_senco_opens_their_page_then_every_section_and_the_chart_are_there(
    sign_in: Callable[[str], Page], site: Site, assessed: dict[str, Any]
) -> None:
    page = sign_in(SENCO)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{site.url}/pupils/{assessed['pupil_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{assessed['given_name']} {assessed['family_name']}"
    )
    contents = page.get_by_role("navigation", name="On this page")
    for section in (
        "Profile",
        "Needs",
        "SEN status history",
        "Support plans and reviews",
        "Interventions and attendance",
        "Assessments",
        "Chronology",
        "Who has seen this record",
    ):
        expect(contents.get_by_role("link", name=section, exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name=section, exact=True, level=2)).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text(assessed["upn"])
    first = assessed["assessments"][0]
    chart = page.get_by_role("img", name=first["measure"].capitalize())
    expect(chart.first).to_be_visible()
    assert chart.first.evaluate("e => e.tagName") == "svg"
    data = page.get_by_role("table", name=f"{first['measure'].capitalize()} ({first['instrument']})")
    expect(data).to_contain_text(f"{first['assessed_on'].day} {first['assessed_on']:%b %Y}")
    expect(page.get_by_role("link", name="Write a plan")).to_be_visible()
    expect(page.get_by_role("link", name="Record a need")).to_be_visible()
    attendance = page.locator("#interventions ~ .table-scroll table")
    expect(attendance.get_by_role("columnheader", name="Expected")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_opening_a_pupils_page_is_a_read_in_their_audit_trail(site: Site, assessed: dict[str, Any]) -> None:
    pupil_id = assessed["pupil_id"]
    _, before = site.apdr.read_models.ask(audit_entries, pupil_id, limit=1, offset=0)
    teacher = site.client(TEACHER).get(f"/pupils/{pupil_id}")
    assert teacher.status_code == 200
    assert 'id="audit"' not in teacher.text  # GET /audit is the SENCO's alone
    assert 'id="chronology"' in teacher.text
    newest, after = site.apdr.read_models.ask(audit_entries, pupil_id, limit=1, offset=0)
    assert after == before + 1
    assert (newest[0]["by"], newest[0]["kind"], newest[0]["what"]) == (TEACHER, "read", "pupil page")
    shown = site.client(SENCO).get(f"/pupils/{pupil_id}")
    assert "Read: pupil page" in shown.text and TEACHER in shown.text


def test_a_leader_reads_a_pupils_page_without_the_links_to_change_it(
    sign_in: Callable[[str], Page], site: Site, assessed: dict[str, Any]
) -> None:
    page = sign_in(LEADER)
    page.goto(f"{site.url}/pupils/{assessed['pupil_id']}")
    expect(page.get_by_role("heading", name="Support plans and reviews")).to_be_visible()
    for link in ("Write a plan", "Record a need", "Hold the review", "Register a pupil"):
        expect(page.get_by_role("link", name=link)).to_have_count(0)
    expect(page.get_by_role("heading", name="Who has seen this record")).to_have_count(0)
    assert_accessible(page)
