"""Evidence packs over HTTP, from a realistic history: two reviewed cycles, outside advice
acted on, assessments, sessions in three interventions, a concern and an EHCP request.

Figures are worked by hand below, never by the code under test."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

import pypdf

from apdr.aggregates.codes import Role
from apdr.aggregates.evidence_pack import is_intact
from tests.support.school import School, problem, upn


@dataclass
class Pupil:
    id: str
    name: str
    advice_id: str
    plans: list[str]


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def history(school: School) -> Pupil:
    """Amira's two years with SEN support, as a SENCO would have recorded them."""
    s = school.senco
    pupil = s.create(
        "/pupils",
        {
            "upn": upn(),
            "given_name": "Amira",
            "family_name": "Khan",
            "date_of_birth": "2017-03-14",
            "class_name": "5B",
            "admitted_on": "2025-09-01",
        },
    )
    other = school.pupil()
    profile = {"what_helps": "Instructions one step at a time", "updated_on": "2025-10-01"}
    _ok(s.put(f"/pupils/{pupil}/profile", profile))
    s.create(
        f"/pupils/{pupil}/concerns",
        {
            "raised_on": "2025-09-10",
            "raised_by": "parent",
            "raised_by_name": "Mrs Khan",
            "concern": "Struggles to read at home",
        },
    )
    s.create(
        f"/pupils/{pupil}/needs",
        {"need_type": "SPLD", "rank": 1, "identified_on": "2025-09-15", "description": "Dyslexic profile"},
    )
    s.create(
        f"/pupils/{pupil}/sen-status",
        {
            "status": "K",
            "effective_on": "2025-09-20",
            "parents_notified_on": "2025-09-20",
            "reason": "Slow progress in reading",
        },
    )
    s.create(
        f"/pupils/{pupil}/assessments",
        {
            "instrument": "Single word reading test",
            "measure": "reading age",
            "scale": "age_equivalent_months",
            "value": 84,
            "assessed_on": "2025-09-15",
            "kind": "baseline",
        },
    )
    staff = school.staff("Jo Bloggs")
    last_year = school.intervention(
        [staff],
        name="Word wasp",
        programme="Word Wasp",
        starts_on="2025-09-22",
        planned_weeks=10,
        review_due_on="2025-12-12",
        cost_per_year="900.00",
        delivery="individual",
        ratio="1:1",
    )
    school.enrol(last_year, pupil, starts_on="2025-09-22")
    _ok(
        s.post(f"/interventions/{last_year}/end", {"ended_on": "2025-12-12", "reason": "Block complete"}), 204
    )
    first = school.plan(
        pupil,
        starts_on="2025-09-22",
        review_due_on="2025-12-12",
        pupil_views="I like comics",
        parent_views="We read at bedtime",
    )
    first_outcome = _ok(s.get(f"/plans/{first}"))["outcomes"][0]["id"]
    s.create(
        f"/plans/{first}/reviews",
        {
            "reviewed_on": "2025-12-10",
            "outcomes": [
                {"outcome_id": first_outcome, "rating": "partly_met", "evidence": "62 words a minute"}
            ],
            "tried": "Precision teaching three times a week",
            "learned": "Short daily bursts work",
            "pleased": "Reads with more confidence",
            "concerned": "Spelling lags",
            "pupil_views": "Reading is less scary",
            "parent_views": "More willing at home",
            "decision": "adjust",
            "next_review_due_on": "2026-03-20",
        },
    )
    second = school.plan(
        pupil,
        starts_on="2026-01-05",
        review_due_on="2026-03-20",
        pupil_views="",
        parent_views="Worried about secondary school",
    )
    second_outcome = _ok(s.get(f"/plans/{second}"))["outcomes"][0]["id"]
    advice = s.create(
        f"/pupils/{pupil}/advice",
        {
            "source": "educational_psychologist",
            "received_on": "2026-01-20",
            "author": "Dr P. Rowe",
            "summary": "Weak phonological memory",
            "recommendations": ["Visual timetable", "Overlearning"],
        },
    )
    _ok(
        s.post(
            f"/pupils/{pupil}/advice/{advice}/responses",
            {"responded_on": "2026-02-02", "action": "Visual timetable in class from 2 February"},
        ),
        204,
    )
    s.create(
        f"/plans/{second}/reviews",
        {
            "reviewed_on": "2026-03-18",
            "outcomes": [
                {"outcome_id": second_outcome, "rating": "not_met", "evidence": "65 words a minute"}
            ],
            "tried": "Overlearning daily",
            "learned": "Gains do not hold",
            "pleased": "Attendance at sessions",
            "concerned": "Gap is widening",
            "pupil_views": "I try hard",
            "parent_views": "We want more help",
            "decision": "request_ehcp",
            "next_review_due_on": "2026-06-19",
        },
    )
    s.create(
        f"/pupils/{pupil}/assessments",
        {
            "instrument": "Single word reading test",
            "measure": "reading age",
            "scale": "age_equivalent_months",
            "value": 93,
            "assessed_on": "2026-03-16",
            "kind": "exit",
        },
    )
    _ok(
        s.post(f"/pupils/{pupil}/ehcp-milestones", {"milestone": "requested", "reached_on": "2026-03-25"}),
        204,
    )
    group = school.intervention([staff], cost_per_year="1200.00")  # from 2026-09-21, mon/wed/fri
    school.enrol(group, pupil)
    school.enrol(group, other)
    one_to_one = school.intervention(
        [staff],
        name="Toe by Toe",
        programme="Toe by Toe",
        delivery="individual",
        ratio="1:1",
        cost_per_year="5700.00",
    )
    school.enrol(one_to_one, pupil)
    for day, mark in (("2026-09-21", "present"), ("2026-09-23", "absent"), ("2026-09-25", "late")):
        response = school.session(group, staff, {pupil: mark, other: "present"}, delivered_on=day)
        assert response.status_code == 201, response.text
    return Pupil(pupil, "Amira Khan", advice, [first, second])


def parents_request(school: School, pupil: Pupil) -> dict[str, Any]:
    """Mrs Khan asks for Amira's educational record on Monday 16 November 2026."""
    body = {
        "requester": "Mrs Khan",
        "requester_kind": "parent",
        "received_on": "2026-11-16",
        "asks_for": "Amira's educational record",
        "purpose": "To see her records",
    }
    return _ok(school.senco.post(f"/pupils/{pupil.id}/information-requests", body), 201)


def issue(school: School, pupil: Pupil, **body: Any) -> str:
    return school.senco.create(
        f"/pupils/{pupil.id}/packs",
        {"kind": "ehc_request", "as_of": "2026-11-20", "recipient": "Anytown SEND assessment team"} | body,
    )


def test_given_two_reviewed_cycles_when_an_ehc_request_pack_is_issued_then_it_holds_the_whole_graduated_approach(
    school: School,
) -> None:
    amira = history(school)
    pack_id = issue(school, amira)

    pack = _ok(school.senco.get(f"/packs/{pack_id}"))
    assert pack["kind"] == "ehc_request"
    assert pack["as_of"] == "2026-11-20"
    assert pack["recipient"] == "Anytown SEND assessment team"
    assert pack["issued_by"] == school.senco.email
    assert pack["issued_at"].startswith("2026-11-23")  # the day the service takes as today
    assert pack["pupil_name"] == "Amira Khan"
    sections = pack["sections"]
    assert set(sections) == {
        "pupil",
        "needs",
        "views",
        "plans",
        "provision",
        "assessments",
        "advice",
        "concerns",
        "ehcp",
    }

    # Born 14 March 2017: 9 on 31 August 2026, so year 5 in 2026/27.
    assert sections["pupil"]["year_group"] == 5
    assert sections["pupil"]["sen_status"] == "K"
    assert sections["pupil"]["parents_notified_on"] == "2025-09-20"
    assert sections["needs"] == [
        {
            "need_type": "SPLD",
            "area_of_need": "cognition_learning",
            "rank": 1,
            "identified_on": "2025-09-15",
            "ended_on": None,
            "description": "Dyslexic profile",
        }
    ]

    first, second = sections["plans"]
    assert (first["starts_on"], second["starts_on"]) == ("2025-09-22", "2026-01-05")
    assert [r["decision"] for r in first["reviews"] + second["reviews"]] == ["adjust", "request_ehcp"]
    review = first["reviews"][0]
    assert review["outcomes"][0] | {"outcome_id": None} == {
        "outcome_id": None,
        "outcome": "Reads 100 high-frequency words",
        "rating": "partly_met",
        "evidence": "62 words a minute",
    }
    assert (review["tried"], review["learned"], review["pleased"], review["concerned"]) == (
        "Precision teaching three times a week",
        "Short daily bursts work",
        "Reads with more confidence",
        "Spelling lags",
    )
    assert sections["views"]["profile"]["what_helps"] == "Instructions one step at a time"
    assert sections["views"]["profile"]["updated_on"] == "2025-10-01"
    assert [(v["on"], v["where"]) for v in sections["views"]["pupil"]][:2] == [
        ("2025-09-22", "support plan"),
        ("2025-12-10", "plan review"),
    ]
    assert [v["views"] for v in sections["views"]["parents"]] == [
        "We read at bedtime",
        "More willing at home",
        "Worried about secondary school",
        "We want more help",
    ]
    assert [v["views"] for v in sections["views"]["pupil"]] == [
        "I like comics",
        "Reading is less scary",
        "I try hard",
    ]

    # Provision: Word wasp last year (£900, alone: not this year's cost); this year the group of
    # two (£1,200 / 2 = £600) and Toe by Toe one to one (£5,700): £6,300, over the £6,000.
    provision = sections["provision"]
    rows = {r["intervention"]: r for r in provision["rows"]}
    assert {name: (r["cost_per_pupil_per_year"], r["in_year"]) for name, r in rows.items()} == {
        "Word wasp": ("900.00", False),
        "Precision teaching: HFW": ("600.00", True),
        "Toe by Toe": ("5700.00", True),
    }
    assert provision["total_cost_per_year"] == "6300.00"
    assert provision["notional_threshold"] == "6000.00"
    assert provision["above_threshold"] is True
    group = rows["Precision teaching: HFW"]
    # Three sessions: present, absent, late (late counts as attended): 2 of 3, 40 minutes.
    assert (group["sessions_delivered"], group["sessions_attended"], group["minutes_attended"]) == (3, 2, 40)
    assert group["attendance_percent"] == 66.7

    # Reading age 84 months on 15 Sep 2025, 93 on 16 Mar 2026: 9 months gained in 182 days
    # (5.98 months of 365.25/12 days): a ratio gain of 9 / 5.98 = 1.51, modest (Brooks 2016: 1.4 up to 2.0).
    (reading,) = sections["assessments"]
    assert reading["baseline"] == {"value": "84", "assessed_on": "2025-09-15"}
    assert reading["latest"] == {"value": "93", "assessed_on": "2026-03-16", "kind": "exit"}
    assert (reading["change"], reading["months_elapsed"], reading["ratio_gain"]) == ("9", 6.0, 1.51)
    assert reading["ratio_gain_band"] == "modest"

    (advice,) = sections["advice"]
    assert advice["responses"] == [
        {"responded_on": "2026-02-02", "action": "Visual timetable in class from 2 February"}
    ]
    assert sections["concerns"][0]["concern"] == "Struggles to read at home"
    assert sections["ehcp"] == [{"milestone": "requested", "reached_on": "2026-03-25", "notes": ""}]


def test_given_an_issued_pack_when_it_is_fetched_again_after_later_records_then_the_bytes_are_the_same(
    school: School,
) -> None:
    amira = history(school)
    pack_id = issue(school, amira)
    first = school.senco.get(f"/packs/{pack_id}")

    # A back-dated assessment and a correction later change what a new pack would say ...
    school.senco.create(
        f"/pupils/{amira.id}/assessments",
        {
            "instrument": "Single word reading test",
            "measure": "reading age",
            "scale": "age_equivalent_months",
            "value": 95,
            "assessed_on": "2026-06-15",
            "kind": "interim",
        },
    )
    again = school.senco.get(f"/packs/{pack_id}")
    assert again.content == first.content
    # ... and the SHA-256 recorded is that of the JSON sent, without its own field.
    document = first.json()
    unsealed = json.dumps(
        {k: v for k, v in document.items() if k != "sha256"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert hashlib.sha256(unsealed.encode()).hexdigest() == document["sha256"]
    assert is_intact(first.text)
    tampered = first.text.replace('"6300.00"', '"5300.00"')
    assert not is_intact(tampered)

    newer = _ok(school.senco.get(f"/packs/{issue(school, amira)}"))
    assert newer["sections"]["assessments"][0]["latest"]["value"] == "95"


def test_given_a_yot_request_when_it_is_disclosed_in_part_then_the_pack_holds_only_the_sections_granted(
    school: School,
) -> None:
    amira = history(school)
    created = _ok(
        school.senco.post(
            f"/pupils/{amira.id}/information-requests",
            {
                "requester": "Anytown Youth Justice Service",
                "requester_kind": "yot",
                "reference": "YJS-114",
                "received_on": "2026-11-02",
                "asks_for": "SEN support and how to communicate",
                "purpose": "AssetPlus",
            },
        ),
        201,
    )
    assert created["due_on"] == "2026-12-02"  # one month
    decided = _ok(
        school.senco.post(
            f"/information-requests/{created['id']}/decision",
            {
                "decision": "disclose_in_part",
                "reason": "Only what the assessment needs",
                "lawful_basis": "public_task",
                "special_category_condition": "Article 9(2)(g); DPA 2018 Sch. 1 para 6",
                "sections": ["current_support", "sen_status", "communication", "needs"],
                "parents_informed_on": "2026-11-03",
            },
        )
    )
    assert decided["decision"] == "disclose_in_part"
    pack = _ok(school.senco.get(f"/packs/{decided['pack_id']}"))
    assert pack["kind"] == "yot"
    assert pack["recipient"] == "Anytown Youth Justice Service"
    assert pack["request_id"] == created["id"]
    assert set(pack["sections"]) == {"sen_status", "needs", "communication", "current_support"}
    text = json.dumps(pack)
    for withheld in (
        "We read at bedtime",
        "62 words a minute",
        "Dr P. Rowe",
        "Struggles to read at home",
        "upn",
    ):
        assert withheld not in text
    current = pack["sections"]["current_support"]
    assert {r["intervention"] for r in current["provision"]} == {"Precision teaching: HFW", "Toe by Toe"}
    html = school.senco.get(f"/packs/{decided['pack_id']}", params={"format": "html"}).text
    assert "Assessments" not in html and "Plans" not in html

    told = {"informed_on": "2026-11-05", "how": "Phone call to Mrs Khan"}
    path = f"/information-requests/{created['id']}/parents-informed"
    _ok(school.senco.post(path, told), 204)
    problem(school.senco.post(path, {"informed_on": "2026-12-25"}), 422, "informed_on")
    entries = _ok(school.senco.get(f"/pupils/{amira.id}/chronology"))["entries"]
    assert [e["summary"] for e in entries if e["kind"] == "information_request_parents_informed"] == [
        "Parents told of a request for information (Phone call to Mrs Khan)"
    ]
    listed = _ok(school.senco.get("/information-requests", params={"status": "decided"}))[
        "information_requests"
    ]
    assert listed[0]["parents_informed_on"] == "2026-11-05"
    assert [(r["id"], r["status"], r["pack_id"]) for r in listed] == [
        (created["id"], "decided", decided["pack_id"])
    ]
    again = school.senco.post(
        f"/information-requests/{created['id']}/decision", {"decision": "refuse", "reason": "x"}
    )
    problem(again, 409)


def test_given_a_request_when_it_is_refused_then_nothing_is_issued_and_the_refusal_is_in_the_chronology(
    school: School,
) -> None:
    amira = history(school)
    request = _ok(
        school.senco.post(
            f"/pupils/{amira.id}/information-requests",
            {
                "requester": "A. Journalist",
                "requester_kind": "other",
                "received_on": "2026-11-10",
                "asks_for": "Everything",
                "purpose": "A story",
            },
        ),
        201,
    )
    decided = _ok(
        school.senco.post(
            f"/information-requests/{request['id']}/decision",
            {"decision": "refuse", "reason": "No lawful basis to share"},
        )
    )
    assert decided == {"id": request["id"], "decision": "refuse", "pack_id": None}
    assert _ok(school.senco.get(f"/pupils/{amira.id}/packs")) == {"packs": []}
    entries = _ok(school.senco.get(f"/pupils/{amira.id}/chronology"))["entries"]
    refused = [e for e in entries if e["kind"] == "information_request_decided"]
    assert refused[0]["summary"] == "Request from A. Journalist refused: No lawful basis to share"


def test_given_an_issued_pack_then_the_audit_trail_and_chronology_show_it_and_its_pdf_reads_back(
    school: School,
) -> None:
    amira = history(school)
    pack_id = issue(school, amira)
    pack = _ok(school.senco.get(f"/packs/{pack_id}"))

    audit = _ok(school.senco.get("/audit", params={"pupil_id": amira.id}))["entries"]
    disclosed = [e for e in audit if e["kind"] == "disclosure"]
    assert disclosed[0]["details"]["sha256"] == pack["sha256"]
    assert disclosed[0]["details"]["recipient"] == "Anytown SEND assessment team"
    chronology = _ok(school.senco.get(f"/pupils/{amira.id}/chronology"))["entries"]
    issued = [e for e in chronology if e["kind"] == "pack_issued"]
    assert issued[0]["data"]["pack_id"] == pack_id
    assert "document" not in issued[0]["data"]

    pdf = school.senco.get(f"/packs/{pack_id}", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    first_page = reader.pages[0].extract_text()
    for shown in ("Test Primary", "Amira Khan", "OFFICIAL-SENSITIVE", f"Page 1 of {len(reader.pages)}"):
        assert shown in first_page


def test_given_wrong_input_then_each_is_a_422_naming_its_field_and_nothing_is_issued(school: School) -> None:
    amira = history(school)
    s = school.senco
    problem(
        s.post(f"/pupils/{amira.id}/packs", {"kind": "yot", "as_of": "2026-11-20", "recipient": "X"}),
        422,
        "kind",
    )
    problem(
        s.post(f"/pupils/{amira.id}/packs", {"kind": "ehc_request", "as_of": "2026-12-20", "recipient": "X"}),
        422,
        "as_of",
    )
    problem(
        s.post(f"/pupils/{amira.id}/packs", {"kind": "ehc_request", "as_of": "2026-11-20", "recipient": " "}),
        422,
        "recipient",
    )
    request = parents_request(school, amira)
    decide = f"/information-requests/{request['id']}/decision"
    problem(
        s.post(decide, {"decision": "disclose", "reason": "Her right", "special_category_condition": "x"}),
        422,
        "lawful_basis",
    )
    problem(
        s.post(decide, {"decision": "disclose", "reason": "Her right", "lawful_basis": "legal_obligation"}),
        422,
        "special_category_condition",
    )
    problem(
        s.post(
            decide,
            {
                "decision": "disclose_in_part",
                "reason": "r",
                "lawful_basis": "legal_obligation",
                "special_category_condition": "x",
                "sections": ["gossip"],
            },
        ),
        422,
        "sections",
    )
    problem(
        s.post(
            decide,
            {
                "decision": "disclose",
                "reason": "r",
                "lawful_basis": "legal_obligation",
                "special_category_condition": "x",
                "sections": ["needs"],
            },
        ),
        422,
        "sections",
    )
    assert _ok(s.get(f"/pupils/{amira.id}/packs")) == {"packs": []}
    assert (
        _ok(s.get("/information-requests", params={"status": "open"}))["information_requests"][0]["id"]
        == request["id"]
    )


def test_given_a_parents_request_then_it_is_due_in_15_school_days_and_a_full_disclosure_is_the_educational_record(
    school: School,
) -> None:
    amira = history(school)
    s = school.senco
    # Received Monday 16 November 2026: 15 school days later, with no closure, is Monday 7 December.
    request = parents_request(school, amira)
    assert request["due_on"] == "2026-12-07"
    decided = _ok(
        s.post(
            f"/information-requests/{request['id']}/decision",
            {
                "decision": "disclose",
                "reason": "Education (Pupil Information) Regulations 2005",
                "lawful_basis": "legal_obligation",
                "special_category_condition": "Article 9(2)(g)",
            },
        )
    )
    pack = _ok(s.get(f"/packs/{decided['pack_id']}"))
    assert pack["kind"] == "educational_record"
    sessions = pack["sections"]["sessions"]
    assert [(x["delivered_on"], x["status"]) for x in sessions] == [
        ("2026-09-21", "present"),
        ("2026-09-23", "absent"),
        ("2026-09-25", "late"),
    ]


def test_given_packs_then_only_a_senco_of_the_setting_sees_them(school: School) -> None:
    amira = history(school)
    pack_id = issue(school, amira)
    for role in (Role.teacher, Role.leader, Role.ta, Role.admin):
        problem(school.user(role).get(f"/packs/{pack_id}"), 403)
