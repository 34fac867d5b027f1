"""Evidence documents rendered from their JSON: the HTML page, and the PDF WeasyPrint prints from it.

No database: the documents are built here by hand, as the pack builder would hand them over.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from apdr.evidence import render
from tests.support.database import REQUIRE_POSTGRES

NAME = "Zoë O'Brien & co"
SCHOOL = "St Æthelred's C of E Primary"
MARKING = "OFFICIAL-SENSITIVE: special category personal data"
HEADINGS = {
    "pupil": "Pupil",
    "sen_status": "SEN status",
    "needs": "Needs",
    "communication": "Communication",
    "current_support": "Current support",
    "views": "Views of the pupil and parents",
    "plans": "Plans",
    "provision": "Provision and its cost",
    "assessments": "Assessments",
    "advice": "Advice from professionals",
    "concerns": "Concerns raised",
    "ehcp": "EHC needs assessment and plan",
    "sessions": "Sessions",
    "disclosures": "Disclosures",
    "information_requests": "Information requests",
}


def provision_row(intervention: str, area: str, cost: str, *, in_year: bool = True, **extra: object) -> dict:
    return {
        "intervention": intervention,
        "programme": "Toe by Toe",
        "area_of_need": area,
        "aim": "Decode CVC and CCVC words fluently",
        "delivery": "small_group",
        "ratio": "1:3",
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "enrolled_on": "2026-09-14",
        "left_on": None,
        "starts_on": "2026-09-14",
        "ends_on": "2027-07-16",
        "sessions_expected": 30,
        "sessions_delivered": 27,
        "sessions_attended": 25,
        "attendance_percent": 92.6,
        "minutes_attended": 500,
        "cost_per_pupil_per_year": cost,
        "in_year": in_year,
        **extra,
    }


def plan(
    starts_on: str, review_due_on: str, *, reviewed_on: str, closed_on: str | None, decision: str
) -> dict:
    outcome = {
        "id": f"o-{starts_on}",
        "description": "Zoë will read 40 high-frequency words",
        "measure": "Weekly word check",
        "target": "40 of 45 words",
    }
    return {
        "id": f"plan-{starts_on}",
        "starts_on": starts_on,
        "review_due_on": review_due_on,
        "agreed_on": starts_on,
        "closed_on": closed_on,
        "status": "closed" if closed_on else "active",
        "outcomes": [outcome, {**outcome, "id": "o2", "description": "Spell CVC words", "target": "8 of 10"}],
        "strategies": [{"code": "SPLD3", "description": "Multisensory phonics, little and often"}],
        "expected_impact": "Reading age up by six months over the term.",
        "pupil_views": "I like the word games.\nI don't like reading aloud.",
        "parent_views": "Reading at home most evenings.",
        "home_actions": "Ten minutes of shared reading a day",
        "reviews": [
            {
                "reviewed_on": reviewed_on,
                "outcomes": [
                    {
                        "outcome_id": outcome["id"],
                        "outcome": outcome["description"],
                        "rating": "partly_met",
                        "evidence": "32 of 45 words at the last check",
                    },
                    {
                        "outcome_id": "o2",
                        "outcome": "Spell CVC words",
                        "rating": "met",
                        "evidence": "9 of 10",
                    },
                ],
                "tried": "Toe by Toe three times a week",
                "learned": "Short daily sessions work better than long ones",
                "pleased": "Confidence reading aloud in group",
                "concerned": "Blending longer words",
                "pupil_views": "It is getting easier",
                "parent_views": None,
                "decision": decision,
                "next_review_due_on": None if closed_on is None else "2027-03-26",
            }
        ],
    }


def sessions(count: int) -> list[dict]:
    days = (date(2026, 9, 14) + timedelta(days=n) for n in range(count * 2))
    weekdays = [day for day in days if day.weekday() < 5][:count]
    return [
        {
            "intervention": "Toe by Toe (Y4 group)",
            "delivered_on": day.isoformat(),
            "minutes": 20,
            "status": "present" if n % 7 else "absent",
        }
        for n, day in enumerate(weekdays)
    ]


def pack(**sections: object) -> dict:
    return {
        "title": "Evidence for an EHC needs assessment request",
        "setting": {"urn": "100001", "name": SCHOOL},
        "marking": MARKING,
        "issued_by": "senco@st-aethelreds.example.org",
        "issued_at": "2026-11-27T14:05:00+00:00",
        "as_of": "2026-11-27",
        "id": "0b6f1c2e-4f0a-4d55-9a7d-2f5ad1a9c0e1",
        "kind": "ehc_request",
        "pupil_id": "7c1d3f4e-0000-4000-8000-000000000001",
        "pupil_name": NAME,
        "recipient": "Anyshire County Council SEND team",
        "request_id": None,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "sections": sections,
    }


def full_pack() -> dict:
    return pack(
        pupil={
            "name": NAME,
            "upn": "A123456789012",
            "date_of_birth": "2017-03-04",
            "year_group": 4,
            "class_name": "Oak",
            "admitted_on": "2021-09-01",
            "left_on": None,
            "sen_status": "K",
            "sen_status_since": "2025-10-01",
            "parents_notified_on": "2025-10-03",
        },
        sen_status={
            "sen_status": "K",
            "sen_status_since": "2025-10-01",
            "parents_notified_on": "2025-10-03",
            "ehcp": [{"milestone": "requested", "reached_on": "2026-11-20"}],
        },
        needs=[
            {
                "need_type": "SPLD",
                "area_of_need": "cognition_learning",
                "rank": 1,
                "identified_on": "2025-10-01",
                "ended_on": None,
                "description": "Dyslexic profile: phonological processing",
            },
            {
                "need_type": "SEMH",
                "area_of_need": "semh",
                "rank": 2,
                "identified_on": "2026-01-10",
                "ended_on": None,
                "description": "Anxiety around reading aloud",
            },
        ],
        communication={
            "what_helps": "Instructions one at a time; a visual timetable",
            "what_does_not_help": "Being asked to read aloud without warning",
            "teacher_needs_to_know": "Gets tired after lunch",
            "strategies": [
                {"code": "SPLD3", "description": "Multisensory phonics"},
                {"code": "SEMH2", "description": None},
            ],
        },
        current_support={
            "plan": {
                "starts_on": "2026-09-21",
                "review_due_on": "2026-12-10",
                "outcomes": [{"description": "Read 40 words", "measure": "Word check", "target": "40"}],
                "strategies": [{"code": "SPLD3", "description": "Multisensory phonics"}],
            },
            "provision": [provision_row("Toe by Toe", "cognition_learning", "1234.00")],
        },
        views={
            "profile": {
                "like_and_admire": "Kind, funny, great at football",
                "important_to_me": "My dog & my nan",
                "likes": "Drawing",
                "dislikes": "Loud rooms",
                "finds_hard": "Reading long words",
                "what_helps": "Time to think",
                "what_does_not_help": "Being rushed",
                "aspirations": "To be a vet",
                "teacher_needs_to_know": "Wears glasses for reading",
                "updated_on": "2026-09-20",
            },
            "pupil": [
                {"on": "2026-09-21", "where": "plan starting 21 September 2026", "views": "I like word games"}
            ],
            "parents": [
                {"on": "2026-11-19", "where": "review of 19 November 2026", "views": "Happier at school"}
            ],
        },
        plans=[
            plan(
                "2026-04-20",
                "2026-07-10",
                reviewed_on="2026-07-10",
                closed_on="2026-07-10",
                decision="adjust",
            ),
            plan(
                "2026-09-21", "2026-12-10", reviewed_on="2026-11-19", closed_on=None, decision="request_ehcp"
            ),
        ],
        provision={
            "from": "2026-09-01",
            "to": "2027-08-31",
            "rows": [
                provision_row("Toe by Toe", "cognition_learning", "1234.00"),
                provision_row("Lego therapy", "communication_interaction", "2450.50", ratio="1:4"),
                provision_row(
                    "Nurture group",
                    "semh",
                    "3100.00",
                    in_year=False,
                    left_on="2026-10-23",
                    attendance_percent=None,
                ),
            ],
            "total_cost_per_year": "6784.50",
            "notional_threshold": "6000.00",
            "above_threshold": True,
        },
        assessments=[
            {
                "instrument": "York Assessment of Reading for Comprehension",
                "measure": "Reading accuracy",
                "scale": "age_equivalent_months",
                "baseline": {"value": "84", "assessed_on": "2026-04-20"},
                "latest": {"value": "93", "assessed_on": "2026-11-20", "kind": "interim"},
                "change": "9",
                "months_elapsed": 7,
                "ratio_gain": 1.3,
                "results": [
                    {"value": "84", "assessed_on": "2026-04-20", "kind": "baseline"},
                    {"value": "93", "assessed_on": "2026-11-20", "kind": "interim"},
                ],
            },
            {
                "instrument": "Single Word Spelling Test",
                "measure": "Spelling",
                "scale": "standard_score",
                "baseline": None,
                "latest": None,
                "change": None,
                "months_elapsed": None,
                "ratio_gain": None,
                "results": [],
            },
        ],
        advice=[
            {
                "source": "educational_psychologist",
                "received_on": "2026-06-02",
                "author": "Dr A. Patel, Anyshire EPS",
                "summary": "Phonological difficulties consistent with dyslexia.",
                "recommendations": ["Daily precision teaching", "Coloured overlays for trial"],
                "responses": [
                    {
                        "responded_on": "2026-06-15",
                        "action": "Precision teaching started, five 10-minute sessions a week",
                    }
                ],
            }
        ],
        concerns=[
            {
                "raised_on": "2025-09-18",
                "source": "parent",
                "concern": "Struggling with reading homework",
                "raised_by": "Mrs O'Brien",
            },
            {
                "raised_on": "2025-09-25",
                "source": "staff",
                "concern": "Avoids reading aloud",
                "raised_by": None,
            },
        ],
        ehcp=[
            {"milestone": "requested", "reached_on": "2026-11-20", "notes": "Sent with this pack"},
        ],
        sessions=sessions(40),
        disclosures=[
            {
                "on": "2026-11-27",
                "to": "Anyshire County Council",
                "purpose": "EHC needs assessment request",
                "lawful_basis": "public_task",
                "what": "This pack",
            },
        ],
        information_requests=[
            {
                "received_on": "2026-11-01",
                "requester": "Mrs O'Brien",
                "requester_kind": "parent",
                "reference": "EDR-0042",
                "decision": "granted",
                "decided_on": "2026-11-05",
            },
        ],
    )


def yot_pack() -> dict:
    full = full_pack()["sections"]
    document = pack(**{key: full[key] for key in ("sen_status", "needs", "communication", "current_support")})
    return {**document, "kind": "yot", "title": "SEN information for the Youth Offending Team"}


def headings(page: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", page)


@pytest.fixture(scope="module")
def full() -> dict:
    return full_pack()


@pytest.fixture(scope="module")
def printed(full: dict) -> bytes:
    return render.pdf(full, "pack.html")


# -- HTML ----------------------------------------------------------------------------


def test_given_a_full_pack_when_rendered_as_html_then_every_section_has_its_heading_in_order(
    full: dict,
) -> None:
    page = render.html(full, "pack.html")

    assert page.startswith("<!doctype html>")
    assert '<html lang="en-GB">' in page
    assert headings(page) == list(HEADINGS.values())
    assert "Document fingerprint (SHA-256)" in page
    assert full["sha256"] in page


def test_given_a_name_with_an_apostrophe_an_ampersand_and_an_accent_when_rendered_then_it_is_escaped(
    full: dict,
) -> None:
    page = render.html(full, "pack.html")

    assert "Zoë O&#39;Brien &amp; co" in page
    # Nowhere raw: not in the text, and not in the running heads of the stylesheet.
    assert NAME not in page
    assert "Zo\\eb" not in page  # non-ASCII letters are kept as themselves


def test_given_hostile_names_when_rendered_then_the_stylesheet_strings_hold_them_safely() -> None:
    document = pack(pupil={"name": "x"})
    document["setting"]["name"] = 'Evil "School" \\ </style><script>alert(1)</script>'
    document["pupil_name"] = "Line\nbreak"

    page = render.html(document, "pack.html")

    assert "<script" not in page
    assert page.count("</style>") == 1
    assert (
        'content: "Evil \\22 School\\22  \\5c  \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e ";'
        in page
    )
    assert 'content: "Line\\a break";' in page


def test_given_a_full_pack_when_rendered_then_dates_money_and_codes_are_in_words(full: dict) -> None:
    page = render.html(full, "pack.html")

    assert "27 November 2026" in page
    assert "4 March 2017" in page
    assert "£1,234.00" in page
    assert "Cost of SEN support this year: £6,784.50 against the notional\n£6,000.00 the school funds" in page
    assert "above the notional threshold" in page
    assert "Cognition and learning" in page
    assert "Specific learning difficulty (SPLD)" in page
    assert "SEN support" in page
    assert "Year 4" in page
    assert "Cycle 1: from 20 April 2026 to 10 July 2026" in page
    assert "Cycle 2: from 21 September 2026 to review due 10 December 2026" in page
    for question in (
        "What have we tried?",
        "What have we learned?",
        "What are we pleased about?",
        "What are we concerned about?",
    ):
        assert page.count(question) == 2
    assert "Request an EHC needs assessment" in page
    assert "Partly met" in page
    assert "cognition_learning" not in page


def test_given_a_yot_pack_when_rendered_then_only_its_sections_have_headings() -> None:
    page = render.html(yot_pack(), "pack.html")

    assert headings(page) == ["SEN status", "Needs", "Communication", "Current support"]
    assert "<h2>Assessments</h2>" not in page
    assert "<h2>Plans</h2>" not in page


def test_given_missing_optional_values_when_rendered_then_none_never_shows(full: dict) -> None:
    page = render.html(full, "pack.html")
    text = re.sub(r"<[^>]+>", " ", page)

    assert not re.search(r"\bNone\b", text)
    assert "—" in text


def test_given_a_section_the_template_does_not_know_when_rendered_then_it_is_laid_out_generically() -> None:
    document = pack(
        attendance={
            "overall_percent": 94.5,
            "persistent_absence": False,
            "since": "2026-09-01",
            "note": None,
        },
        exclusions=[{"on": "2026-10-02", "days": 1, "reason": "Fighting"}, {"on": "2026-11-12", "days": 2}],
        note="Compiled at the parent's request",
    )

    page = render.html(document, "pack.html")

    assert headings(page) == ["Attendance", "Exclusions", "Note"]
    assert "<dt>Overall percent</dt><dd>94.5</dd>" in page
    assert "<dt>Persistent absence</dt><dd>No</dd>" in page
    assert "<th>On</th><th>Days</th><th>Reason</th>" in page
    assert "2 October 2026" in page
    assert "Compiled at the parent&#39;s request" in page
    assert "None" not in page


# -- PDF -----------------------------------------------------------------------------


def test_given_a_long_pack_when_printed_then_every_page_carries_the_running_heads(printed: bytes) -> None:
    pages = PdfReader(io.BytesIO(printed)).pages
    total = len(pages)

    assert total >= 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert MARKING.upper() in text.upper(), number
        assert SCHOOL in text, number
        assert NAME in text, number
        assert f"Page {number} of {total}" in text
        assert "as of 27 November 2026 · issued by senco@st-aethelreds.example.org" in text, number


def test_given_a_pack_when_printed_then_page_one_is_not_blank(printed: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        reason = "pdftoppm (poppler-utils) is not installed: apt-get install -y poppler-utils"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}; APDR_REQUIRE_POSTGRES is set (CI), so this is a failure, not a skip")
        pytest.skip(reason)
    source = tmp_path / "pack.pdf"
    source.write_bytes(printed)

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )

    width, height, pixels = png_pixels((tmp_path / "page.png").read_bytes())
    assert abs(width - 413) <= 1 and abs(height - 585) <= 1  # A4 at 50 dpi
    dark = sum(1 for byte in pixels if byte < 128)
    assert dark > 0.01 * len(pixels), "page 1 is (nearly) blank"
    assert len(set(pixels)) > 16


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines (filter bytes included) of a PNG, with the stdlib."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    return width, height, zlib.decompress(idat)


def test_given_a_ratio_gain_with_its_band_when_rendered_then_the_band_and_brooks_scale_are_shown(
    full: dict,
) -> None:
    banded = full_pack()
    banded["sections"]["assessments"][0]["ratio_gain_band"] = "doubtful"

    page = render.html(banded, "pack.html")

    assert '<td class="number">1.3 (doubtful)</td>' in page
    assert "Ratio gain (Brooks band)" in page
    assert "below 1.4 doubtful (of doubtful\neducational significance), 1.4 modest, 2.0 useful" in page
