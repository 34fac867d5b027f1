"""Census readiness over HTTP: the register lists what the DfE's school census would reject,
each problem raised by the event that causes it and cleared by the event that puts it right."""

from __future__ import annotations

from typing import Any

from apdr.aggregates.upn import check_letter
from tests.support.school import School, upn


def _problems(school: School, **params: Any) -> list[tuple[str, str, str]]:
    response = school.senco.get("/register", params=params)
    assert response.status_code == 200, response.text
    return [(p["pupil_id"], p["field"], p["census_rule"]) for p in response.json()["problems"]]


def _status(school: School, pupil_id: str, status: str, on: str = "2026-09-20") -> None:
    school.senco.create(f"/pupils/{pupil_id}/sen-status", {"status": status, "effective_on": on})


def _need(school: School, pupil_id: str, need_type: str = "SPLD", rank: int = 1) -> None:
    school.senco.create(
        f"/pupils/{pupil_id}/needs", {"need_type": need_type, "rank": rank, "identified_on": "2026-09-21"}
    )


def test_given_a_pupil_on_sen_support_with_no_primary_need_when_the_need_is_recorded_then_the_problem_goes(
    school: School,
) -> None:
    amira = school.pupil(given_name="Amira", family_name="Khan")
    _status(school, amira, "K")

    raised = school.senco.get("/register").json()["problems"]
    _need(school, amira)

    (problem,) = raised
    assert problem | {"problem": ""} == {
        "pupil_id": amira,
        "pupil_name": "Amira Khan",
        "upn": problem["upn"],
        "field": "primary_need",
        "problem": "",
        "census_rule": "2170",
    }
    assert "On SEN support (K) with no primary need recorded" in problem["problem"]
    assert _problems(school) == []


def test_given_a_pupil_with_an_ehc_plan_whose_only_need_ends_then_the_problem_is_raised_from_that_day(
    school: School,
) -> None:
    ben = school.pupil(given_name="Ben")
    _status(school, ben, "E")
    _need(school, ben, "ASD")
    assert school.senco.post(
        f"/pupils/{ben}/needs/ASD/end", {"ended_on": "2026-11-02", "reason": "Reassessed"}
    ).status_code in (200, 204)

    assert _problems(school, as_of="2026-11-01") == []
    assert _problems(school, as_of="2026-11-02") == [(ben, "primary_need", "2170")]
    _need(school, ben, "SLCN")
    assert _problems(school) == []


def test_given_a_pupil_with_no_sen_holding_a_need_when_the_need_ends_or_support_begins_then_it_clears(
    school: School,
) -> None:
    cara, dev = school.pupil(given_name="Cara"), school.pupil(given_name="Dev")
    _need(school, cara, "SEMH")
    _need(school, dev, "MLD")

    raised = school.senco.get("/register").json()  # the register itself lists neither: both are N
    assert school.senco.post(
        f"/pupils/{cara}/needs/SEMH/end", {"ended_on": "2026-11-20", "reason": "No longer a need"}
    ).status_code in (200, 204)
    _status(school, dev, "K", on="2026-11-20")

    assert raised["pupils"] == []
    assert sorted((p["pupil_id"], p["field"], p["census_rule"]) for p in raised["problems"]) == sorted(
        [(cara, "needs", "2125"), (dev, "needs", "2125")]
    )
    assert "(SEMH)" in next(p["problem"] for p in raised["problems"] if p["pupil_id"] == cara)
    assert _problems(school) == []


def test_given_a_pupil_taken_off_the_register_still_holding_needs_then_the_status_change_raises_it(
    school: School,
) -> None:
    eve = school.pupil(given_name="Eve")
    _status(school, eve, "K")
    _need(school, eve, "SPLD")
    _need(school, eve, "SLCN", rank=2)

    _status(school, eve, "N", on="2026-11-16")

    assert _problems(school, as_of="2026-11-13") == []
    (problem,) = school.senco.get("/register").json()["problems"]
    assert (problem["field"], problem["census_rule"]) == ("needs", "2125")
    assert "(SPLD and SLCN)" in problem["problem"]


def test_given_a_upn_with_an_unknown_la_number_then_it_is_registered_flagged_and_cleared_when_corrected(
    school: School,
) -> None:
    body = "999" + "2000" + "26" + "123"
    unknown_la = check_letter(body) + body
    finn = school.pupil(given_name="Finn", upn=unknown_la)  # registered all the same
    _status(school, finn, "K")
    _need(school, finn)

    raised = school.senco.get("/register").json()["problems"]
    corrected = school.senco.post(f"/pupils/{finn}/corrections", {"upn": upn(), "reason": "Typed wrongly"})

    assert [(p["upn"], p["field"], p["census_rule"]) for p in raised] == [(unknown_la, "upn", "1530")]
    assert "LA number 999" in raised[0]["problem"]
    assert corrected.status_code in (200, 204), corrected.text
    assert _problems(school) == []


def test_given_census_problems_when_the_register_is_downloaded_as_csv_then_the_file_keeps_its_columns(
    school: School,
) -> None:
    gus = school.pupil(given_name="Gus")
    _status(school, gus, "K")

    response = school.senco.get("/register", params={"format": "csv"})

    assert response.status_code == 200
    assert response.text.splitlines()[0].endswith("EHCP milestones")
    assert len(response.text.splitlines()) == 2
