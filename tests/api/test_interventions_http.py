"""Interventions over HTTP: planning, staff, enrolments, sessions (and their retries), the rest of a run."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from apdr.aggregates.codes import Role
from tests.support.school import NOBODY, Group, School, group, invalid, other_setting, problem


def session_body(g: Group, **overrides: Any) -> dict[str, Any]:
    return {
        "session_id": str(uuid4()),
        "delivered_on": "2026-09-21",
        "minutes": 20,
        "delivered_by": g.staff,
        "focus": "HFW set 1",
        "notes": "",
        "attendance": [
            {"pupil_id": g.amira, "status": "present"},
            {"pupil_id": g.oliver, "status": "absent"},
        ],
    } | overrides


def version(school: School, intervention: str) -> int:
    return int(school.senco.get(f"/interventions/{intervention}").json()["version"])


def _events(school: School, intervention: str) -> list[str]:
    """The names of the events recorded on the intervention, in order."""
    return [type(e).__name__ for e in school.apdr.record.events.get(UUID(intervention))]


# -- planning and reading -------------------------------------------------------------------


def test_given_staff_when_a_senco_plans_an_intervention_then_201_and_it_reads_back(school: School) -> None:
    staff = school.staff()

    created = school.intervention(
        [staff], ratio=" 1 : 3 ", weekdays=["fri", "mon", "wed"], cost_per_year="1200.50"
    )
    read = school.user(Role.teacher).get(f"/interventions/{created}")

    assert read.status_code == 200
    body = read.json()
    assert (body["id"], body["name"], body["delivery"], body["ratio"]) == (
        created,
        "Precision teaching: HFW",
        "small_group",
        "1:3",
    )
    assert (body["weekdays"], body["minutes_per_session"], body["cost_per_year"]) == (
        ["mon", "wed", "fri"],
        20,
        "1200.50",
    )
    assert (body["starts_on"], body["planned_weeks"], body["planned_end"]) == ("2026-09-21", 10, "2026-11-29")
    assert (body["staff_ids"], body["enrolments"], body["sessions_recorded"]) == ([staff], [], 0)


def test_given_a_senco_when_an_intervention_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    staff = school.staff()
    theirs = other_setting(school)
    their_staff = theirs.post("/staff", {"name": "Someone Else", "role": "ta"}).json()["id"]

    def plan(**overrides: Any) -> Any:
        body = {
            "name": "Precision teaching: HFW",
            "area_of_need": "cognition_learning",
            "aim": "Read 100 words",
            "delivery": "small_group",
            "ratio": "1:3",
            "weekdays": ["mon"],
            "minutes_per_session": 20,
            "starts_on": "2026-09-21",
            "planned_weeks": 10,
            "review_due_on": "2026-11-30",
            "cost_per_year": "1200.00",
            "staff_ids": [staff],
        }
        return school.senco.post("/interventions", body | overrides)

    invalid(plan(delivery="pairs"), "delivery")
    invalid(plan(area_of_need="reading"), "area_of_need")
    invalid(plan(weekdays=[]), "weekdays")
    invalid(plan(weekdays=["sat"]), "weekdays[0]")
    invalid(plan(cost_per_year="-1"), "cost_per_year")
    invalid(plan(cost_per_year="12.345"), "cost_per_year")
    invalid(plan(ratio="three"), "ratio")
    invalid(plan(delivery="individual", ratio="1:2"), "ratio")
    invalid(plan(minutes_per_session=181), "minutes_per_session")
    invalid(plan(planned_weeks=0), "planned_weeks")
    invalid(plan(review_due_on="2026-09-21"), "review_due_on")
    invalid(plan(strategy_codes=["CL5", "ZZ9"]), "strategy_codes[1]")
    invalid(plan(staff_ids=[staff, their_staff]), "staff_ids[1]")
    invalid(plan(staff_ids=[NOBODY]), "staff_ids[0]")
    assert plan().status_code == 201


def test_given_an_intervention_when_asked_for_unknown_or_from_another_setting_then_404(
    school: School,
) -> None:
    g = group(school)
    theirs = other_setting(school)

    problem(school.senco.get(f"/interventions/{NOBODY}"), 404)
    problem(school.senco.get(f"/interventions/{g.amira}"), 404)
    problem(theirs.get(f"/interventions/{g.intervention}"), 404)
    # The intervention in the address is not theirs: 404, whatever the body names.
    problem(
        theirs.post(
            f"/interventions/{g.intervention}/enrolments", {"pupil_id": g.amira, "starts_on": "2026-09-21"}
        ),
        404,
    )
    problem(theirs.post(f"/interventions/{g.intervention}/staff", {"staff_id": g.staff}), 404)
    problem(
        theirs.post(
            f"/interventions/{g.intervention}/sessions/{NOBODY}/corrections",
            {"delivered_by": g.staff, "reason": "x"},
        ),
        404,
    )
    problem(
        theirs.post(
            f"/pupils/{g.amira}/assessments",
            {
                "instrument": "Reading test",
                "measure": "reading age",
                "scale": "raw",
                "value": 3,
                "assessed_on": "2026-09-07",
                "kind": "baseline",
                "intervention_id": g.intervention,
            },
        ),
        404,
    )
    problem(theirs.post(f"/interventions/{g.intervention}/sessions", session_body(g)), 404)
    problem(
        theirs.post(
            f"/interventions/{g.intervention}/missed-sessions",
            {"scheduled_on": "2026-09-23", "reason": "other"},
        ),
        404,
    )


# -- staff and enrolments ----------------------------------------------------------------------


def test_given_an_intervention_when_staff_are_assigned_and_unassigned_then_204(school: School) -> None:
    first, second = school.staff(), school.staff("Daniel Hughes")
    intervention = school.intervention([first])
    url = f"/interventions/{intervention}/staff"

    assigned = school.senco.post(url, {"staff_id": second})
    unassigned = school.senco.post(f"{url}/{first}/unassign")

    assert (assigned.status_code, unassigned.status_code) == (204, 204)
    assert school.senco.get(f"/interventions/{intervention}").json()["staff_ids"] == [second]
    invalid(school.senco.post(url, {"staff_id": second}), "staff_id")
    invalid(school.senco.post(url, {"staff_id": NOBODY}), "staff_id")
    invalid(school.senco.post(f"{url}/{first}/unassign"), "staff_id")


def test_given_an_intervention_when_pupils_are_enrolled_then_201_until_the_group_is_full(
    school: School,
) -> None:
    staff = school.staff()
    pupils = [school.pupil(given_name=n) for n in ("Amira", "Oliver", "Zainab")]
    plan_id = school.plan(pupils[0])
    intervention = school.intervention([staff], ratio="1:2")
    url = f"/interventions/{intervention}/enrolments"

    first = school.senco.post(url, {"pupil_id": pupils[0], "starts_on": "2026-09-21", "plan_id": plan_id})
    second = school.senco.post(url, {"pupil_id": pupils[1], "starts_on": "2026-09-23"})
    full = school.senco.post(url, {"pupil_id": pupils[2], "starts_on": "2026-09-23"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert "1:2" in invalid(full, "pupil_id")
    enrolments = school.senco.get(f"/interventions/{intervention}").json()["enrolments"]
    assert [(e["pupil_id"], e["starts_on"], e["ends_on"], e["plan_id"]) for e in enrolments] == [
        (pupils[0], "2026-09-21", None, plan_id),
        (pupils[1], "2026-09-23", None, None),
    ]


def test_given_an_intervention_when_an_enrolment_breaks_a_rule_then_422_names_the_field(
    school: School,
) -> None:
    g = group(school)
    zainab, harry = school.pupil(given_name="Zainab"), school.pupil(given_name="Harry")
    other_plan = school.plan(harry)
    their_pupil = (
        other_setting(school)
        .post(
            "/pupils",
            {
                "upn": "B801200005001",
                "given_name": "A",
                "family_name": "B",
                "date_of_birth": "2017-01-01",
                "class_name": "4",
            },
        )
        .json()["id"]
    )
    url = f"/interventions/{g.intervention}/enrolments"

    invalid(school.senco.post(url, {"pupil_id": g.amira, "starts_on": "2026-09-28"}), "pupil_id")
    invalid(school.senco.post(url, {"pupil_id": zainab, "starts_on": "2026-09-20"}), "starts_on")
    invalid(school.senco.post(url, {"pupil_id": NOBODY, "starts_on": "2026-09-21"}), "pupil_id")
    invalid(school.senco.post(url, {"pupil_id": their_pupil, "starts_on": "2026-09-21"}), "pupil_id")
    invalid(
        school.senco.post(url, {"pupil_id": zainab, "starts_on": "2026-09-21", "plan_id": other_plan}),
        "plan_id",
    )
    invalid(school.senco.post(url, {"pupil_id": "amira", "starts_on": "2026-09-21"}), "pupil_id")


def test_given_an_enrolled_pupil_when_withdrawn_then_204_and_they_leave_the_group(school: School) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}/enrolments"

    withdrawn = school.senco.post(
        f"{url}/{g.oliver}/withdrawal", {"withdrawn_on": "2026-10-02", "reason": "Caught up"}
    )
    later = school.session(g.intervention, g.staff, {g.amira: "present"}, delivered_on="2026-10-05")

    assert withdrawn.status_code == 204
    enrolment = next(
        e
        for e in school.senco.get(f"/interventions/{g.intervention}").json()["enrolments"]
        if e["pupil_id"] == g.oliver
    )
    assert enrolment["ends_on"] == "2026-10-02"
    assert later.status_code == 201
    invalid(school.senco.post(f"{url}/{g.oliver}/withdrawal", {"withdrawn_on": "2026-10-05"}), "pupil_id")
    invalid(school.senco.post(f"{url}/{g.amira}/withdrawal", {"withdrawn_on": "2026-11-24"}), "withdrawn_on")


# -- sessions -----------------------------------------------------------------------------------


def test_given_a_group_when_a_ta_records_a_session_then_201_with_the_session_id(school: School) -> None:
    g = group(school)
    body = session_body(g)

    recorded = school.senco.post(f"/interventions/{g.intervention}/sessions", body)

    assert recorded.status_code == 201 and recorded.json() == {"id": body["session_id"]}
    assert "x-apdr-replayed" not in recorded.headers
    assert school.senco.get(f"/interventions/{g.intervention}").json()["sessions_recorded"] == 1


def test_given_a_recorded_session_when_the_tablet_sends_it_again_then_the_same_201_and_one_event(
    school: School,
) -> None:
    g = group(school)
    body = session_body(g)
    url = f"/interventions/{g.intervention}/sessions"
    first = school.senco.post(url, body)
    after_first = version(school, g.intervention)

    again = school.senco.post(url, body)
    reordered = school.senco.post(url, body | {"attendance": list(reversed(body["attendance"]))})

    assert (first.status_code, again.status_code, reordered.status_code) == (201, 201, 201)
    assert first.json() == again.json() == reordered.json() == {"id": body["session_id"]}
    assert again.headers["x-apdr-replayed"] == "true"
    assert version(school, g.intervention) == after_first
    assert school.senco.get(f"/interventions/{g.intervention}").json()["sessions_recorded"] == 1


def test_given_a_recorded_session_when_its_id_comes_with_a_different_body_then_409(school: School) -> None:
    g = group(school)
    body = session_body(g)
    url = f"/interventions/{g.intervention}/sessions"
    school.senco.post(url, body)
    before = version(school, g.intervention)

    different = school.senco.post(url, body | {"minutes": 25})

    assert body["session_id"] in str(problem(different, 409)["detail"])
    assert version(school, g.intervention) == before


def test_given_a_group_when_a_session_breaks_a_rule_then_422_names_the_field(school: School) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}/sessions"
    amira_only = [{"pupil_id": g.amira, "status": "present"}]
    stranger = school.pupil(given_name="Zainab")

    invalid(school.senco.post(url, session_body(g, delivered_on="2026-11-24")), "delivered_on")
    invalid(school.senco.post(url, session_body(g, delivered_on="2026-09-18")), "delivered_on")
    invalid(school.senco.post(url, session_body(g, attendance=amira_only)), "attendance")
    invalid(school.senco.post(url, session_body(g, attendance=[])), "attendance")
    invalid(
        school.senco.post(
            url, session_body(g, attendance=[*amira_only, {"pupil_id": stranger, "status": "present"}])
        ),
        "attendance[1].pupil_id",
    )
    invalid(school.senco.post(url, session_body(g, attendance=amira_only * 2)), "attendance[1].pupil_id")
    invalid(
        school.senco.post(url, session_body(g, attendance=[amira_only[0] | {"status": "here"}])),
        "attendance[0].status",
    )
    invalid(school.senco.post(url, session_body(g, minutes=0)), "minutes")
    invalid(school.senco.post(url, session_body(g, delivered_by=NOBODY)), "delivered_by")
    invalid(school.senco.post(url, session_body(g, session_id="tuesday")), "session_id")
    assert school.senco.get(f"/interventions/{g.intervention}").json()["sessions_recorded"] == 0


def test_given_a_session_when_it_is_corrected_then_voided_then_each_is_recorded(school: School) -> None:
    g = group(school)
    body = session_body(g)
    school.senco.post(f"/interventions/{g.intervention}/sessions", body)
    url = f"/interventions/{g.intervention}/sessions/{body['session_id']}"

    corrected = school.senco.post(f"{url}/corrections", {"minutes": 15, "reason": "Fire drill"})
    resent = school.senco.post(f"{url}/corrections", {"minutes": 15, "reason": "Fire drill"})
    nothing = school.senco.post(f"{url}/corrections", {"minutes": 15, "reason": "Again"})
    back = school.senco.post(f"{url}/corrections", {"minutes": 20, "reason": "It was 20 after all"})
    voided = school.senco.post(f"{url}/void", {"reason": "Wrong group"})
    voided_again = school.senco.post(f"{url}/void", {"reason": "Wrong group"})

    assert [r.status_code for r in (corrected, resent, back, voided, voided_again)] == [204] * 5
    assert all("content-type" not in r.headers and r.content == b"" for r in (corrected, voided))
    invalid(nothing, "body")
    assert school.senco.get(f"/interventions/{g.intervention}").json()["sessions_recorded"] == 0
    corrections = [e for e in _events(school, g.intervention) if e in ("SessionCorrected", "SessionVoided")]
    assert corrections == ["SessionCorrected", "SessionCorrected", "SessionVoided"]
    invalid(
        school.senco.post(
            f"/interventions/{g.intervention}/sessions/{NOBODY}/corrections", {"minutes": 5, "reason": "x"}
        ),
        "session_id",
    )
    invalid(school.senco.post(f"{url}/corrections", {"minutes": 15}), "reason")


def test_given_a_scheduled_day_when_its_session_was_missed_then_201_and_only_once(school: School) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}/missed-sessions"
    school.session(
        g.intervention, g.staff, {g.amira: "present", g.oliver: "present"}, delivered_on="2026-09-25"
    )

    missed = school.senco.post(
        url, {"scheduled_on": "2026-09-23", "reason": "staff_absence", "notes": "Off sick"}
    )

    resent = school.senco.post(
        url, {"scheduled_on": "2026-09-23", "reason": "staff_absence", "notes": "Off sick"}
    )
    assert missed.status_code == 201 and missed.json()["id"]
    assert (resent.status_code, resent.json()) == (201, missed.json())
    problem(school.senco.post(url, {"scheduled_on": "2026-09-23", "reason": "school_event"}), 409)
    invalid(school.senco.post(url, {"scheduled_on": "2026-09-22", "reason": "staff_absence"}), "scheduled_on")
    on_a_session = problem(
        school.senco.post(url, {"scheduled_on": "2026-09-25", "reason": "school_event"}), 409
    )
    assert on_a_session["conflicts_with"]["kind"] == "session"
    invalid(school.senco.post(url, {"scheduled_on": "2026-10-28", "reason": "school_event"}), "scheduled_on")
    invalid(school.senco.post(url, {"scheduled_on": "2026-09-28", "reason": "snow"}), "reason")


def test_given_an_intervention_when_delivery_is_observed_then_201_and_fidelity_is_1_to_4(
    school: School,
) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}/observations"
    observation = {
        "observed_on": "2026-10-05",
        "observer": "Priya Shah",
        "fidelity": 3,
        "notes": "",
        "actions": "Pace",
    }

    observed = school.senco.post(url, observation)

    assert observed.status_code == 201 and observed.json()["id"]
    invalid(school.senco.post(url, observation | {"fidelity": 5}), "fidelity")
    invalid(school.senco.post(url, observation | {"observer": ""}), "observer")
    problem(school.user(Role.teacher).post(url, observation), 403)


def test_given_an_intervention_when_it_is_reviewed_and_ended_then_204_and_not_before_its_last_session(
    school: School,
) -> None:
    g = group(school)
    school.session(
        g.intervention, g.staff, {g.amira: "present", g.oliver: "present"}, delivered_on="2026-11-20"
    )
    url = f"/interventions/{g.intervention}"

    reviewed = school.senco.post(
        f"{url}/reviews",
        {
            "reviewed_on": "2026-11-16",
            "summary": "Good progress",
            "decision": "continue",
            "next_review_due_on": "2027-01-15",
        },
    )
    too_early = school.senco.post(f"{url}/end", {"ended_on": "2026-11-19", "reason": "Done"})
    ended = school.senco.post(f"{url}/end", {"ended_on": "2026-11-20", "reason": "Done"})
    body = school.senco.get(url).json()

    assert (reviewed.status_code, ended.status_code) == (204, 204)
    assert "2026-11-20" in invalid(too_early, "ended_on")
    assert (body["review_due_on"], body["ended_on"]) == ("2027-01-15", "2026-11-20")
    assert {e["ends_on"] for e in body["enrolments"]} == {"2026-11-20"}
    invalid(school.senco.post(f"{url}/end", {"ended_on": "2026-11-21"}), "ended_on")
    invalid(
        school.senco.post(f"{url}/reviews", {"reviewed_on": "2026-11-21", "summary": "x", "decision": "end"}),
        "reviewed_on",
    )
    invalid(
        school.senco.post(
            f"{url}/reviews", {"reviewed_on": "2026-11-21", "summary": "x", "decision": "stop"}
        ),
        "decision",
    )
