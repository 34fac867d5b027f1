"""The SEN support report over HTTP (JSON, HTML, PDF; who may ask; the window's 422s; the audit
entry), and the provision map for one pupil."""

from __future__ import annotations

import io

import pypdf

from apdr.aggregates.codes import Role
from tests.support.school import BASELINE, NOBODY, School, group, invalid, outsider_pupil, problem

SECTIONS = {"register", "interventions", "impact", "observations", "training", "reviews", "sample"}
HEADINGS = (
    "The SEN register",
    "Interventions",
    "Impact",
    "Monitoring of delivery",
    "Staff training",
    "Support plan reviews",
    "Pupils to sample",
)
WINDOW = {"from": "2026-09-01", "to": "2026-11-23"}


def _term(school: School) -> tuple[str, str]:
    """A group with a session, its first pupil on SEN support with SPLD, an observation and a
    reviewed plan: (pupil on the register, intervention)."""
    running = group(school)
    marks = {running.amira: "present", running.oliver: "absent"}
    assert school.session(running.intervention, running.staff, marks).status_code == 201
    status = {"status": "K", "effective_on": "2026-09-20"}
    assert school.senco.post(f"/pupils/{running.amira}/sen-status", status).status_code < 300
    need = {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-20", "description": ""}
    assert school.senco.post(f"/pupils/{running.amira}/needs", need).status_code < 300
    observation = {
        "observed_on": "2026-10-05",
        "observer": "Head of inclusion",
        "fidelity": 3,
        "notes": "",
        "actions": "Model the error correction",
    }
    school.senco.create(f"/interventions/{running.intervention}/observations", observation)
    return running.amira, running.intervention


def test_given_a_term_when_the_senco_and_a_leader_ask_then_the_report_has_its_shape(school: School) -> None:
    pupil, intervention = _term(school)

    for client in (school.senco, school.user(Role.leader)):
        response = client.get("/reports/sen-support", params=WINDOW)

        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["title"] == "SEN support report"
        assert body["setting"] == {"urn": school.urn, "name": "Test Primary"}
        assert (body["from"], body["to"], body["as_of"]) == ("2026-09-01", "2026-11-23", "2026-11-23")
        assert body["issued_by"] == client.email and body["issued_at"]
        assert body["marking"].startswith("OFFICIAL-SENSITIVE")
        sections = body["sections"]
        assert set(sections) == SECTIONS
        assert sections["register"]["sen_support"] == {"count": 1, "percent": 50.0}  # one of two on roll
        assert sections["register"]["national"]["sen_support_percent"] == 14.2
        (row,) = sections["interventions"]["rows"]
        assert (row["intervention_id"], row["pupils"], row["sessions_delivered"]) == (intervention, 2, 2)
        assert sections["observations"]["count"] == 1
        assert sections["observations"]["rows"][0]["actions"] == "Model the error correction"
        assert sections["training"]["untrained"][0]["intervention_id"] == intervention
        (sampled,) = sections["sample"]
        assert sampled["pupil_id"] == pupil and sampled["why"] == "the only pupil with SPLD in year 5"


def test_given_no_window_when_asked_then_it_is_the_academic_year_to_today(school: School) -> None:
    body = school.senco.get("/reports/sen-support").json()

    assert (body["from"], body["to"]) == ("2026-09-01", "2026-11-23")


def test_given_the_report_when_asked_then_the_sampled_pupils_have_it_in_their_audit_trail(
    school: School,
) -> None:
    pupil, _ = _term(school)

    assert school.user(Role.leader).get("/reports/sen-support", params=WINDOW).status_code == 200

    trail = school.senco.get("/audit", params={"pupil_id": pupil}).json()
    assert [(e["role"], e["kind"], e["what"]) for e in trail["entries"]][:1] == [
        ("leader", "export", "SEN support report 2026-09-01 to 2026-11-23 (json)")
    ]


def test_given_format_html_when_asked_then_a_page_with_every_section(school: School) -> None:
    pupil, intervention = _term(school)
    for kind, value, on in (("baseline", 84, "2026-09-21"), ("exit", 90, "2026-11-20")):
        assessment = {"value": value, "assessed_on": on, "kind": kind, "intervention_id": intervention}
        school.senco.create(f"/pupils/{pupil}/assessments", BASELINE | assessment)

    response = school.senco.get("/reports/sen-support", params=WINDOW | {"format": "html"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.lstrip().lower().startswith("<!doctype html>")
    for heading in HEADINGS:
        assert f">{heading}</h2>" in page, heading
    assert "Test Primary" in page and "Amira Khan" in page
    assert "<td><strong>Small sample</strong></td>" in page  # one pupil behind the reading age figure
    assert "None" not in page


def test_given_format_pdf_when_asked_then_a_pdf_naming_the_school(school: School) -> None:
    _term(school)

    response = school.senco.get("/reports/sen-support", params=WINDOW | {"format": "pdf"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="sen-support-2026-09-01-to-2026-11-23.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Test Primary" in text and "SEN support report" in text


def test_given_a_bad_window_when_asked_then_a_422_names_from(school: School) -> None:
    reversed_window = school.senco.get(
        "/reports/sen-support", params={"from": "2026-10-01", "to": "2026-09-01"}
    )
    too_long = school.senco.get("/reports/sen-support", params={"from": "2010-09-01", "to": "2026-09-01"})
    bad_date = school.senco.get("/reports/sen-support", params={"to": "2026-02-30"})
    bad_format = school.senco.get("/reports/sen-support", params={"format": "docx"})

    assert "after to" in invalid(reversed_window, "from")
    assert "ten years" in invalid(too_long, "from")
    invalid(bad_date, "to")
    invalid(bad_format, "format")


def test_given_a_teacher_or_a_ta_when_they_ask_then_403(school: School) -> None:
    for role in (Role.teacher, Role.ta):
        problem(school.user(role).get("/reports/sen-support"), 403)


def test_given_a_pupil_id_when_the_provision_map_is_asked_for_then_only_that_pupils_rows(
    school: School,
) -> None:
    running = group(school)

    body = school.senco.get("/provision-map", params={"pupil_id": running.oliver}).json()
    csv = school.senco.get("/provision-map", params={"pupil_id": running.oliver, "format": "csv"})
    everyone = school.senco.get("/provision-map").json()

    assert [r["pupil_id"] for r in body["rows"]] == [running.oliver]
    assert body["totals"]["pupils"] == 1
    # The group's cost is still shared by the whole group.
    assert body["rows"][0]["cost_per_pupil_per_year"] == "600.00"
    assert "Oliver Smith" in csv.text and "Amira" not in csv.text
    assert {r["pupil_id"] for r in everyone["rows"]} == {running.amira, running.oliver}


def test_given_an_unknown_or_another_settings_pupil_when_the_map_is_filtered_then_404(school: School) -> None:
    _, theirs = outsider_pupil(school)

    problem(school.senco.get("/provision-map", params={"pupil_id": theirs}), 404)
    problem(school.senco.get("/provision-map", params={"pupil_id": NOBODY}), 404)
    invalid(school.senco.get("/provision-map", params={"pupil_id": "not-an-id"}), "pupil_id")
