"""Every UK GDPR Article 6(1) basis (a) to (f) can be recorded, end to end, on both paths
where a school names one: information shared about a pupil, and a decision to disclose in
answer to a request. Each then reads back in the chronology, the audit trail and the pupil's
educational record."""

from __future__ import annotations

from typing import Any

import pytest

from apdr.aggregates.codes import LawfulBasis
from tests.support.school import School

# UK GDPR Article 6(1)(a)-(f), in the order the Article lists them.
SIX = ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"]


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _request(school: School, pupil: str, requester: str, kind: str) -> str:
    body = {
        "requester": requester,
        "requester_kind": kind,
        "received_on": "2026-11-16",
        "asks_for": "SEN support",
        "purpose": "To plan support",
    }
    return _ok(school.senco.post(f"/pupils/{pupil}/information-requests", body), 201)["id"]


def test_the_codes_hold_the_six_bases_of_article_6() -> None:
    assert [b.value for b in LawfulBasis] == SIX


@pytest.mark.parametrize("basis", SIX)
def test_given_a_basis_when_information_is_shared_and_a_request_is_answered_then_it_reads_back_everywhere(
    school: School, basis: str
) -> None:
    s, pupil = school.senco, school.pupil()
    shared = {
        "shared_on": "2026-11-10",
        "shared_with": "Anytown speech and language therapy",
        "purpose": "Referral",
        "lawful_basis": basis,
        "what": "Needs and current support",
    }
    _ok(s.post(f"/pupils/{pupil}/disclosures", shared), 204)
    request = _request(school, pupil, "Anytown CAMHS", "health")
    decided = _ok(
        s.post(
            f"/information-requests/{request}/decision",
            {
                "decision": "disclose_in_part",
                "reason": "What the assessment needs",
                "lawful_basis": basis,
                "special_category_condition": "Article 9(2)(h)",
                "sections": ["pupil", "needs"],
            },
        )
    )
    parents = _request(school, pupil, "Mrs Khan", "parent")
    record = _ok(
        s.post(
            f"/information-requests/{parents}/decision",
            {
                "decision": "disclose",
                "reason": "Her right to the educational record",
                "lawful_basis": "legal_obligation",
                "special_category_condition": "Article 9(2)(g)",
            },
        )
    )

    said = basis.replace("_", " ")
    chronology = _ok(s.get(f"/pupils/{pupil}/chronology"))["entries"]
    by_kind = {e["kind"]: e["summary"] for e in chronology}
    assert f"({said})" in by_kind["information_shared"]
    assert f"({said})" in next(
        e["summary"]
        for e in chronology
        if e["data"].get("request_id") == request and "answered" in e["summary"]
    )
    audit = _ok(s.get("/audit", params={"pupil_id": pupil}))["entries"]
    assert [
        e["details"]["lawful_basis"] for e in audit if e["details"] and "lawful_basis" in e["details"]
    ] == [basis]
    assert decided["pack_id"] is not None
    pack = _ok(s.get(f"/packs/{record['pack_id']}"))
    listed = [d for d in pack["sections"]["disclosures"] if d["to"] == shared["shared_with"]]
    assert [d["lawful_basis"] for d in listed] == [basis]
    html = s.get(f"/packs/{record['pack_id']}", params={"format": "html"}).text
    assert f"<td>{said.capitalize()}</td>" in html
