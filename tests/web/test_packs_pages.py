"""Requests for a pupil's information and the evidence packs, as pages: the SENCO's alone,
as in the API. Packs are issued through ``site.apdr.record``, as the API issues them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pypdf
from playwright.sync_api import Page, expect

from apdr.aggregates.codes import DisclosureDecision, LawfulBasis, RequesterKind, Role
from apdr.aggregates.record_access import READ
from apdr.application import Actor
from apdr.evidence.packs import composer
from apdr.projections.audit import audit_entries
from apdr.projections.disclosures import information_requests
from apdr.projections.pupils import find_pupils
from tests.support.web import LEADER, OTHER_SENCO, SENCO, TA, Site, assert_accessible

YOT = "Anytown Youth Justice Service"


def senco(site: Site) -> Actor:
    return site.senco


def a_pupil(site: Site, n: int = 0) -> dict[str, Any]:
    rows, _ = site.apdr.read_models.ask(find_pupils, site.setting_id, sen_status="K", limit=10)
    return rows[n]


def test_given_the_demo_when_the_senco_opens_requests_then_the_open_yot_request_shows_when_it_is_due(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    demo = next(
        r
        for r in site.apdr.read_models.ask(information_requests, site.setting_id, "open")
        if r["requester"] == YOT
    )
    days = (demo["due_on"] - site.today).days
    page = sign_in(SENCO)
    page.get_by_role("link", name="Requests and packs").click()
    expect(page.get_by_role("heading", name="Requests and packs", level=1)).to_be_visible()
    row = page.get_by_role("table", name="Open requests").locator("tr", has_text=YOT)
    expect(row).to_contain_text(f"{demo['due_on'].day} {demo['due_on']:%b %Y}")
    expect(row).to_contain_text(f"Due in {days} days")
    expect(row).to_contain_text("YJS-114")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_given_a_request_past_its_due_date_when_the_list_shows_it_then_it_says_overdue_in_words(
    site: Site,
) -> None:
    pupil = a_pupil(site, 1)
    requester = f"Overdue Council {uuid4().hex[:6]}"
    request = site.apdr.record.receive_information_request(
        senco(site),
        pupil["pupil_id"],
        today=site.today,
        requester=requester,
        requester_kind=RequesterKind.other,
        reference="",
        received_on=site.today - timedelta(days=60),
        asks_for="Attendance at interventions",
        purpose="A review",
    )
    site.apdr.read_models.catch_up()
    late = (site.today - request.due_on).days
    text = site.client(SENCO).get("/requests").text
    row = text.split(requester)[1].split("</tr>")[0]
    assert f"Overdue by {late} days" in row
    assert 'class="is-overdue"' in text.split(requester)[0].rsplit("<tr", 1)[1]


def test_given_a_pack_issued_when_the_senco_opens_it_then_it_reads_as_the_api_lays_it_out_and_the_pdf_downloads(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    pupil = a_pupil(site)
    recipient = f"Brookside Academy {uuid4().hex[:6]}"
    pack_id = site.issue_pack(senco(site), pupil["pupil_id"], recipient)
    page = sign_in(SENCO)
    page.goto(f"{site.url}/requests")
    row = page.get_by_role("table", name="Evidence packs").locator("tr", has_text=recipient)
    expect(row).to_contain_text(f"{pupil['given_name']} {pupil['family_name']}")
    expect(row).to_contain_text("Educational record")
    assert_accessible(page)

    row.get_by_role("link", name="View").click()
    page.wait_for_url(f"{site.url}/packs/{pack_id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).to_contain_text(recipient)
    expect(page.locator("body")).to_contain_text(pupil["family_name"])
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)

    page.goto(f"{site.url}/requests")
    with page.expect_download() as download:
        page.get_by_role("table", name="Evidence packs").locator("tr", has_text=recipient).get_by_role(
            "link", name="PDF"
        ).click()
    with open(download.value.path(), "rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert pupil["family_name"] in text

    site.apdr.read_models.catch_up()
    trail, _ = site.apdr.read_models.ask(audit_entries, pupil["pupil_id"], limit=50, offset=0)
    reads = {e["what"] for e in trail if e["kind"] == READ}
    assert {f"evidence pack {pack_id} (html)", f"evidence pack {pack_id} (pdf)"} <= reads


def test_given_a_decided_request_then_its_decision_and_pack_are_listed(site: Site) -> None:
    pupil = a_pupil(site, 2)
    actor = senco(site)
    reference = f"YJS-{uuid4().hex[:6]}"
    request = site.apdr.record.receive_information_request(
        actor,
        pupil["pupil_id"],
        today=site.today,
        requester=YOT,
        requester_kind=RequesterKind.yot,
        reference=reference,
        received_on=site.today - timedelta(days=3),
        asks_for="SEN status and how to communicate",
        purpose="AssetPlus",
    )
    site.apdr.read_models.catch_up()
    pack_id = site.apdr.record.decide_information_request(
        actor,
        request.id,
        today=site.today,
        now=datetime.combine(site.today, datetime.min.time(), UTC),
        compose=composer(site.apdr.record, site.apdr.read_models, actor),
        decision=DisclosureDecision.disclose_in_part,
        reason="Only what the assessment needs",
        lawful_basis=LawfulBasis.public_task,
        special_category_condition="Article 9(2)(g); DPA 2018 Sch. 1 para 6",
        sections=["sen_status", "communication"],
    )
    site.apdr.read_models.catch_up()
    client = site.client(SENCO)
    text = client.get("/requests").text
    decided = text.split('id="decided-requests"')[1].split("</table>")[0]
    row = decided.split(reference)[1].split("</tr>")[0]
    assert "Disclose in part" in row and f'href="/packs/{pack_id}"' in row
    assert reference not in text.split('id="open-requests"')[1].split("</table>")[0]
    assert client.get(f"/packs/{pack_id}").status_code == 200


def test_another_settings_pack_is_not_found_and_never_listed(site: Site) -> None:
    other_senco = Actor(OTHER_SENCO, Role.senco, site.other_setting_id)
    pack_id = site.issue_pack(other_senco, site.other_pupil_id, "Elm Tree's own recipient")
    client = site.client(SENCO)
    for path in (f"/packs/{pack_id}", f"/packs/{pack_id}.pdf"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert site.other_pupil_name not in response.text
    listed = client.get("/requests").text
    assert site.other_pupil_name not in listed and str(pack_id) not in listed
    theirs = site.client(OTHER_SENCO).get(f"/packs/{pack_id}")
    assert theirs.status_code == 200 and "Elm Tree" in theirs.text
    assert client.get(f"/packs/{uuid4()}").status_code == 404
    assert client.get("/packs/not-a-pack").status_code == 404


def test_requests_and_packs_are_refused_to_a_leader_and_a_ta_as_the_api_refuses_them(site: Site) -> None:
    pack_id = site.issue_pack(senco(site), a_pupil(site)["pupil_id"], "Refusal check")
    for email in (LEADER, TA):
        client = site.client(email)
        for path in ("/requests", f"/packs/{pack_id}", f"/packs/{pack_id}.pdf"):
            response = client.get(path)
            assert response.status_code == 403, (email, path)
            assert "You cannot do this" in response.text


def test_when_the_senco_records_a_request_and_discloses_it_then_its_pack_is_issued_and_opens(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    pupil = a_pupil(site, 3)
    requester = f"Mrs {pupil['family_name']} {uuid4().hex[:4]}"
    page = sign_in(SENCO)
    page.goto(f"{site.url}/requests")
    page.get_by_role("link", name="Record a request received").click()
    expect(page.get_by_role("heading", name="Record a request for information")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Pupil").select_option(str(pupil["pupil_id"]))
    page.get_by_label("Who is asking").fill(requester)
    page.get_by_label("Kind of requester").select_option(label="Parent")
    page.get_by_label("Received on").fill((site.today - timedelta(days=2)).isoformat())
    page.get_by_label("What they ask for").fill("Her child's educational record")
    page.get_by_label("What for").fill("To prepare for a transfer review")
    page.get_by_role("button", name="Record the request").click()
    page.wait_for_url(f"{site.url}/requests")

    site.apdr.read_models.catch_up()
    recorded = next(
        r
        for r in site.apdr.read_models.ask(information_requests, site.setting_id, "open")
        if r["requester"] == requester
    )
    assert recorded["request_type"] == "educational_record" and recorded["pupil_id"] == pupil["pupil_id"]
    row = page.get_by_role("table", name="Open requests").locator("tr", has_text=requester)
    expect(row).to_contain_text(f"{recorded['due_on'].day} {recorded['due_on']:%b %Y}")

    row.get_by_role("link", name="Decide").click()
    expect(page.get_by_role("heading", name=f"Decide a request from {requester}")).to_be_visible()
    page.get_by_label("Decision", exact=True).select_option("disclose")
    page.get_by_label("Why").fill("A parent's right to the educational record")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Article 6")  # a disclosure needs its lawful basis
    expect(page.get_by_label("Why")).to_have_value("A parent's right to the educational record")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)

    page.get_by_label("Lawful basis").select_option("legal_obligation")
    page.get_by_label("Special category condition").fill("Article 9(2)(g); DPA 2018 Sch. 1 para 6")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{site.url}/requests")
    site.apdr.read_models.catch_up()
    decided = next(
        r
        for r in site.apdr.read_models.ask(information_requests, site.setting_id, "decided")
        if r["requester"] == requester
    )
    assert decided["decision"] == "disclose" and decided["pack_id"] is not None
    page.get_by_role("table", name="Decided requests").locator("tr", has_text=requester).get_by_role(
        "link", name="View the pack"
    ).click()
    page.wait_for_url(f"{site.url}/packs/{decided['pack_id']}")
    expect(page.locator("body")).to_contain_text(requester)


def test_a_request_form_with_gaps_says_what_is_missing_beside_each_field(site: Site) -> None:
    client = site.client(SENCO)
    client.get("/requests/new")
    response = client.post("/requests/new", {"pupil_id": str(a_pupil(site)["pupil_id"]), "requester": "X"})
    assert response.status_code == 422
    for field in ("requester_kind", "received_on", "asks_for", "purpose"):
        assert f'id="f-{field}-error"' in response.text, field
    response = client.post(
        "/requests/new",
        {
            "pupil_id": str(site.other_pupil_id),
            "requester": "Nosy Council",
            "requester_kind": "other",
            "received_on": site.today.isoformat(),
            "asks_for": "Everything",
            "purpose": "Curiosity",
        },
    )
    assert response.status_code == 422 and 'id="f-pupil_id-error"' in response.text
    site.apdr.read_models.catch_up()
    assert not any(
        r["requester"] == "Nosy Council"
        for r in site.apdr.read_models.ask(information_requests, site.setting_id, None)
    )
    assert client.http.post("/requests/new", data={"requester": "No token"}).status_code == 403


def test_the_request_forms_are_the_senco_s_alone(site: Site) -> None:
    demo = site.apdr.read_models.ask(information_requests, site.setting_id, None)[0]
    for email in (LEADER, TA):
        client = site.client(email)
        for path in ("/requests/new", f"/requests/{demo['request_id']}/decide"):
            assert client.get(path).status_code == 403, (email, path)
        assert (
            client.post(f"/requests/{demo['request_id']}/decide", {"decision": "refuse"}).status_code == 403
        )
    other = site.client(OTHER_SENCO)
    assert other.get(f"/requests/{demo['request_id']}/decide").status_code == 404
