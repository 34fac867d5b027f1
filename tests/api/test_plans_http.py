"""Support plans over HTTP: drafting, reading, changing, reviewing and closing a cycle."""

from __future__ import annotations

from typing import Any

from apdr.aggregates.codes import Role
from tests.support.school import NOBODY, School, invalid, other_setting, problem

OUTCOME = {"description": "Reads 100 high-frequency words", "measure": "words in one minute", "target": "100"}
PLAN = {
    "starts_on": "2026-09-21",
    "review_due_on": "2026-12-11",
    "outcomes": [OUTCOME],
    "strategies": [{"code": "CL5", "description": "Precision teaching"}],
    "expected_impact": "Joins guided reading",
}


def rate_all(plan: dict[str, Any], rating: str = "met") -> list[dict[str, str]]:
    return [{"outcome_id": o["id"], "rating": rating, "evidence": "Seen in class"} for o in plan["outcomes"]]


def review_body(plan: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "reviewed_on": "2026-11-20",
        "outcomes": rate_all(plan),
        "tried": "Precision teaching",
        "learned": "Daily practice works",
        "pleased": "Reads 60 words",
        "concerned": "Not yet 100",
        "pupil_views": "I like the game",
        "parent_views": "Reads at home",
        "decision": "continue",
        "next_review_due_on": "2027-03-19",
    } | overrides


def test_given_a_pupil_when_a_teacher_drafts_a_plan_then_201_and_it_reads_back_with_outcome_ids(
    school: School,
) -> None:
    pupil = school.pupil()
    teacher = school.user(Role.teacher)

    created = teacher.post(f"/pupils/{pupil}/plans", PLAN | {"pupil_views": " I like comics "})
    plan_id = created.json()["id"]
    plan = school.user(Role.leader).get(f"/plans/{plan_id}")

    assert created.status_code == 201 and set(created.json()) == {"id"}
    assert plan.status_code == 200
    body = plan.json()
    assert (body["id"], body["pupil_id"], body["status"], body["starts_on"], body["review_due_on"]) == (
        plan_id,
        pupil,
        "open",
        "2026-09-21",
        "2026-12-11",
    )
    assert [(o["description"], o["measure"], o["target"]) for o in body["outcomes"]] == [
        tuple(OUTCOME.values())
    ]
    assert body["outcomes"][0]["id"]
    assert body["strategies"] == [{"code": "CL5", "description": "Precision teaching"}]
    assert (body["pupil_views"], body["reviews"], body["follows_plan_id"]) == ("I like comics", [], None)
    assert school.senco.get(f"/pupils/{pupil}").json()["current_plan_id"] == plan_id


def test_given_a_pupil_when_a_plan_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/plans"

    invalid(school.senco.post(url, PLAN | {"outcomes": []}), "outcomes")
    invalid(
        school.senco.post(url, PLAN | {"outcomes": [OUTCOME, OUTCOME | {"target": " "}]}),
        "outcomes[1].target",
    )
    invalid(
        school.senco.post(url, PLAN | {"outcomes": [{"description": "d", "measure": "m"}]}),
        "outcomes[0].target",
    )
    invalid(school.senco.post(url, PLAN | {"review_due_on": "2026-09-21"}), "review_due_on")
    invalid(
        school.senco.post(url, PLAN | {"strategies": [{"code": "CL99", "description": "?"}]}),
        "strategies[0].code",
    )
    invalid(school.senco.post(url, PLAN | {"expected_impact": ""}), "expected_impact")
    invalid(
        school.senco.post(url, {k: v for k, v in PLAN.items() if k != "expected_impact"}), "expected_impact"
    )
    invalid(school.senco.post(url, PLAN | {"starts_on": "21/09/2026"}), "starts_on")
    assert school.senco.get(f"/pupils/{pupil}").json()["plan_ids"] == []


def test_given_an_open_plan_when_the_next_plan_is_drafted_then_the_first_closes_and_is_followed(
    school: School,
) -> None:
    pupil = school.pupil()
    first = school.plan(pupil)

    second = school.plan(pupil, starts_on="2026-11-02", review_due_on="2027-02-12")
    first_now, second_now = (school.senco.get(f"/plans/{p}").json() for p in (first, second))

    assert (first_now["status"], first_now["closed_on"], first_now["closed_reason"]) == (
        "closed",
        "2026-11-02",
        "followed by the next plan",
    )
    assert (second_now["status"], second_now["follows_plan_id"]) == ("open", first)
    assert school.senco.get(f"/pupils/{pupil}").json()["plan_ids"] == [first, second]


def test_given_a_plan_when_it_is_reviewed_and_continued_then_201_and_the_review_reads_back(
    school: School,
) -> None:
    pupil = school.pupil()
    plan_id = school.plan(pupil)
    plan = school.senco.get(f"/plans/{plan_id}").json()

    reviewed = school.user(Role.teacher).post(f"/plans/{plan_id}/reviews", review_body(plan))
    after = school.senco.get(f"/plans/{plan_id}").json()

    assert reviewed.status_code == 201
    (review,) = after["reviews"]
    assert review["id"] == reviewed.json()["id"]
    assert (review["decision"], review["next_review_due_on"], review["outcomes"][0]["rating"]) == (
        "continue",
        "2027-03-19",
        "met",
    )
    assert (after["status"], after["review_due_on"]) == ("open", "2027-03-19")


def test_given_a_plan_when_a_review_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    plan_id = school.plan(school.pupil())
    plan = school.senco.get(f"/plans/{plan_id}").json()
    url = f"/plans/{plan_id}/reviews"
    (rating,) = rate_all(plan)

    invalid(school.senco.post(url, review_body(plan, outcomes=[])), "outcomes")
    invalid(school.senco.post(url, review_body(plan, outcomes=[rating, rating])), "outcomes[1].outcome_id")
    invalid(
        school.senco.post(url, review_body(plan, outcomes=[rating | {"outcome_id": NOBODY}])),
        "outcomes[0].outcome_id",
    )
    invalid(
        school.senco.post(url, review_body(plan, outcomes=[rating | {"rating": "great"}])),
        "outcomes[0].rating",
    )
    invalid(school.senco.post(url, review_body(plan, next_review_due_on=None)), "next_review_due_on")
    invalid(school.senco.post(url, review_body(plan, next_review_due_on="2026-11-20")), "next_review_due_on")
    invalid(school.senco.post(url, review_body(plan, reviewed_on="2026-11-24")), "reviewed_on")
    invalid(school.senco.post(url, review_body(plan, decision="carry_on")), "decision")
    assert school.senco.get(f"/plans/{plan_id}").json()["reviews"] == []


def test_given_a_plan_when_the_review_ends_support_then_it_closes_and_refuses_changes(school: School) -> None:
    pupil = school.pupil()
    plan_id = school.plan(pupil)
    plan = school.senco.get(f"/plans/{plan_id}").json()

    ended = school.senco.post(f"/plans/{plan_id}/reviews", review_body(plan, decision="end_support"))
    after = school.senco.get(f"/plans/{plan_id}").json()

    assert ended.status_code == 201
    assert (after["status"], after["closed_on"], after["reviews"][0]["next_review_due_on"]) == (
        "closed",
        "2026-11-20",
        None,
    )
    assert school.senco.get(f"/pupils/{pupil}").json()["current_plan_id"] is None
    message = invalid(
        school.senco.post(f"/plans/{plan_id}/strategies", {"code": "CL1", "description": "d"}), "plan_id"
    )
    assert "draft the next plan" in message
    invalid(
        school.senco.post(f"/plans/{plan_id}/reviews", review_body(plan, reviewed_on="2026-11-21")), "plan_id"
    )


def test_given_a_plan_when_it_is_agreed_and_changed_then_each_change_is_recorded(school: School) -> None:
    plan_id = school.plan(school.pupil())
    teacher = school.user(Role.teacher)
    outcome_id = school.senco.get(f"/plans/{plan_id}").json()["outcomes"][0]["id"]
    new_outcome = {"description": "Spells CVC words", "measure": "words of 10", "target": "8"}

    agreed = teacher.post(
        f"/plans/{plan_id}/agreement", {"agreed_on": "2026-09-25", "agreed_with": "Mrs Khan"}
    )
    added = teacher.post(f"/plans/{plan_id}/outcomes", {"outcome": new_outcome, "reason": "New target"})
    revised = teacher.post(
        f"/plans/{plan_id}/outcomes/{outcome_id}/revisions", {"target": "80", "reason": "Too far"}
    )
    strategy = teacher.post(f"/plans/{plan_id}/strategies", {"code": "cl3", "description": "Overlearning"})
    moved = teacher.post(
        f"/plans/{plan_id}/review-date", {"review_due_on": "2026-12-18", "reason": "Parents away"}
    )
    plan = school.senco.get(f"/plans/{plan_id}").json()

    assert [r.status_code for r in (agreed, revised, strategy, moved)] == [204] * 4
    assert added.status_code == 201
    assert plan["agreed_on"] == "2026-09-25" and plan["review_due_on"] == "2026-12-18"
    assert [(o["id"], o["target"]) for o in plan["outcomes"]] == [
        (outcome_id, "80"),
        (added.json()["id"], "8"),
    ]
    assert plan["strategies"][-1] == {"code": "CL3", "description": "Overlearning"}


def test_given_a_plan_when_a_change_breaks_a_rule_then_422_names_the_field_as_the_request_does(
    school: School,
) -> None:
    plan_id = school.plan(school.pupil())
    outcome_id = school.senco.get(f"/plans/{plan_id}").json()["outcomes"][0]["id"]
    url = f"/plans/{plan_id}"
    school.senco.post(f"{url}/agreement", {"agreed_on": "2026-09-25"})

    invalid(school.senco.post(f"{url}/agreement", {"agreed_on": "2026-09-26"}), "agreed_on")
    invalid(school.senco.post(f"{url}/outcomes", {"outcome": OUTCOME | {"target": ""}}), "outcome.target")
    invalid(
        school.senco.post(f"{url}/outcomes", {"outcome": {"description": "d", "measure": "m"}}),
        "outcome.target",
    )
    invalid(
        school.senco.post(f"{url}/outcomes/{NOBODY}/revisions", {"target": "1", "reason": "x"}), "outcome_id"
    )
    invalid(
        school.senco.post(f"{url}/outcomes/{outcome_id}/revisions", {"target": "100", "reason": "x"}), "body"
    )
    invalid(school.senco.post(f"{url}/strategies", {"code": "XX1", "description": "?"}), "code")
    invalid(school.senco.post(f"{url}/strategies", {"code": "CL1", "description": ""}), "description")
    invalid(
        school.senco.post(f"{url}/review-date", {"review_due_on": "2026-12-11", "reason": "x"}),
        "review_due_on",
    )
    invalid(
        school.senco.post(f"{url}/review-date", {"review_due_on": "2026-09-01", "reason": "x"}),
        "review_due_on",
    )
    invalid(school.senco.post(f"{url}/closure", {"closed_on": "2026-11-24", "reason": "x"}), "closed_on")


def test_given_a_plan_when_it_is_closed_then_204_and_the_pupil_has_no_current_plan(school: School) -> None:
    pupil = school.pupil()
    plan_id = school.plan(pupil)

    closed = school.senco.post(f"/plans/{plan_id}/closure", {"closed_on": "2026-11-20", "reason": "Moved on"})

    assert closed.status_code == 204
    assert school.senco.get(f"/plans/{plan_id}").json()["closed_reason"] == "Moved on"
    assert school.senco.get(f"/pupils/{pupil}").json()["current_plan_id"] is None
    invalid(
        school.senco.post(f"/plans/{plan_id}/closure", {"closed_on": "2026-11-20", "reason": "x"}), "plan_id"
    )


def test_given_a_plan_when_asked_for_unknown_or_from_another_setting_then_404(school: School) -> None:
    pupil = school.pupil()
    plan_id = school.plan(pupil)
    theirs = other_setting(school)

    problem(school.senco.get(f"/plans/{NOBODY}"), 404)
    problem(school.senco.get(f"/plans/{pupil}"), 404)  # a pupil's id is not a plan's
    problem(theirs.get(f"/plans/{plan_id}"), 404)
    problem(theirs.post(f"/plans/{plan_id}/closure", {"closed_on": "2026-11-20", "reason": "x"}), 404)
    problem(theirs.post(f"/pupils/{pupil}/plans", PLAN), 404)
    problem(school.senco.post(f"/pupils/{NOBODY}/plans", PLAN), 404)
    problem(
        school.user(Role.leader).post(
            f"/plans/{plan_id}/closure", {"closed_on": "2026-11-20", "reason": "x"}
        ),
        403,
    )
