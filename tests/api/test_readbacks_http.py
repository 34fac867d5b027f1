"""Reading the record back over HTTP: who am I, the setting's staff, and a pupil's plans,
assessments, one-page profile, advice and concerns, each exactly as it was written."""

from __future__ import annotations

from typing import Any

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.aggregates.pupil import PROFILE_SECTIONS
from tests.support.school import (
    BASELINE,
    NOBODY,
    School,
    group,
    other_setting,
    outsider_pupil,
    problem,
)

PUPIL_READS = ("plans", "assessments", "profile", "advice", "concerns")
EMPTY_PROFILE = dict.fromkeys(PROFILE_SECTIONS, "") | {"updated_on": None}


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_given_signed_in_users_when_they_ask_for_me_then_each_learns_who_they_are(school: School) -> None:
    teacher, admin = school.user(Role.teacher), school.user(Role.admin)

    for client in (school.senco, teacher, admin):
        assert _ok(client.get("/me")) == {
            "user_id": str(User.create_id(client.email)),
            "email": client.email,
            "role": client.role.value,
            "setting_id": str(client.setting_id) if client.setting_id else None,
            "staff_id": None,
        }
    problem(school.http.get("/api/v1/me"), 401)
    problem(school.http.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}), 401)


def test_given_a_ta_with_a_staff_record_when_they_ask_for_me_then_their_staff_id_to_record_sessions_as(
    school: School,
) -> None:
    running = group(school)
    staff_id, ta = school.ta_of(running.intervention)

    me = _ok(ta.get("/me"))

    assert me == {
        "user_id": str(User.create_id(ta.email)),
        "email": ta.email,
        "role": "ta",
        "setting_id": str(school.setting_id),
        "staff_id": staff_id,
    }
    # Which is what a session they deliver names.
    marks = {running.amira: "present", running.oliver: "absent"}
    assert school.session(running.intervention, me["staff_id"], marks, client=ta).status_code == 201


# -- /staff -------------------------------------------------------------------------------------


def test_given_staff_and_their_training_when_listed_then_the_settings_staff_by_name_each_with_training(
    school: School,
) -> None:
    zoe = school.staff("Zoe Adams", role="hlta")
    ben = school.staff("Ben Carter", role="teacher")
    mo = school.staff("Mo Farah", role="ta")
    for body in (
        {"programme": "Precision teaching", "completed_on": "2026-09-01", "expires_on": "2028-08-31"},
        {"programme": "ELSA", "completed_on": "2025-01-06"},
    ):
        school.senco.create(f"/staff/{zoe}/training", body)
    school.senco.create(f"/staff/{mo}/training", {"programme": "Talk Boost", "completed_on": "2026-10-12"})
    theirs = other_setting(school)
    theirs.create("/staff", {"name": "Abe Outsider", "role": "ta"})

    listed = _ok(school.user(Role.leader).get("/staff"))

    assert listed == {
        "staff": [
            {"id": ben, "name": "Ben Carter", "role": "teacher", "training": []},
            {
                "id": mo,
                "name": "Mo Farah",
                "role": "ta",
                "training": [{"programme": "Talk Boost", "completed_on": "2026-10-12", "expires_on": None}],
            },
            {
                "id": zoe,
                "name": "Zoe Adams",
                "role": "hlta",
                "training": [
                    {"programme": "ELSA", "completed_on": "2025-01-06", "expires_on": None},
                    {
                        "programme": "Precision teaching",
                        "completed_on": "2026-09-01",
                        "expires_on": "2028-08-31",
                    },
                ],
            },
        ]
    }
    assert [s["name"] for s in _ok(theirs.get("/staff"))["staff"]] == ["Abe Outsider"]
    assert _ok(school.user(Role.teacher).get("/staff")) == listed
    problem(school.user(Role.ta).get("/staff"), 403)
    problem(school.user(Role.admin).get("/staff"), 403)


# -- a pupil's plans --------------------------------------------------------------------------------


def test_given_plans_drafted_reviewed_and_followed_when_listed_then_oldest_first_with_status_and_what_each_follows(
    school: School,
) -> None:
    pupil = school.pupil()
    assert _ok(school.senco.get(f"/pupils/{pupil}/plans")) == {"plans": []}
    first = school.plan(pupil, starts_on="2026-09-07", review_due_on="2026-10-16")
    second = school.plan(pupil, starts_on="2026-10-19", review_due_on="2026-12-11")
    plan = _ok(school.senco.get(f"/plans/{second}"))
    review = {
        "reviewed_on": "2026-11-20",
        "outcomes": [{"outcome_id": o["id"], "rating": "met", "evidence": "Seen"} for o in plan["outcomes"]],
        "decision": "continue",
        "next_review_due_on": "2027-03-19",
    }
    assert school.senco.post(f"/plans/{second}/reviews", review).status_code == 201

    listed = _ok(school.user(Role.teacher).get(f"/pupils/{pupil}/plans"))

    assert listed == {
        "plans": [
            {
                "id": first,
                "pupil_id": pupil,
                "starts_on": "2026-09-07",
                "review_due_on": "2026-10-16",
                "status": "closed",
                "closed_on": "2026-10-19",
                "follows_plan_id": None,
                "last_reviewed_on": None,
            },
            {
                "id": second,
                "pupil_id": pupil,
                "starts_on": "2026-10-19",
                "review_due_on": "2027-03-19",
                "status": "open",
                "closed_on": None,
                "follows_plan_id": first,
                "last_reviewed_on": "2026-11-20",
            },
        ]
    }
    # As each plan reads on its own.
    for summary in listed["plans"]:
        whole = _ok(school.senco.get(f"/plans/{summary['id']}"))
        assert {k: whole[k] for k in summary if k in whole} == {
            k: v for k, v in summary.items() if k in whole
        }
    closed = school.senco.post(f"/plans/{second}/closure", {"closed_on": "2026-11-23", "reason": "Moved on"})
    assert closed.status_code == 204
    after = _ok(school.senco.get(f"/pupils/{pupil}/plans"))["plans"]
    assert [(p["status"], p["closed_on"]) for p in after] == [
        ("closed", "2026-10-19"),
        ("closed", "2026-11-23"),
    ]


# -- a pupil's assessments -----------------------------------------------------------------------------


def test_given_assessments_and_a_correction_when_listed_then_in_date_order_with_values_as_corrected(
    school: School,
) -> None:
    running = group(school)
    url = f"/pupils/{running.amira}/assessments"
    assert _ok(school.senco.get(url)) == {"assessments": []}
    # Recorded in another order than taken: the BPVS last month, then the reading test's baseline and exit.
    written = [
        {
            "instrument": "BPVS",
            "measure": "receptive vocabulary",
            "scale": "standard_score",
            "value": 88.5,
            "assessed_on": "2026-10-01",
            "kind": "standalone",
            "intervention_id": None,
        },
        BASELINE | {"intervention_id": running.intervention},
        BASELINE
        | {"value": 91, "assessed_on": "2026-11-20", "kind": "exit", "intervention_id": running.intervention},
    ]
    ids = [school.user(Role.teacher).create(url, body) for body in written]
    corrected = school.senco.post(
        f"{url}/{ids[1]}/corrections", {"value": "85.5", "assessed_on": "2026-09-08", "reason": "Misread"}
    )
    assert corrected.status_code == 204
    bpvs, baseline, exit_ = ({"id": i, **body} for i, body in zip(ids, written, strict=True))

    listed = _ok(school.user(Role.leader).get(url))

    assert listed == {"assessments": [baseline | {"value": 85.5, "assessed_on": "2026-09-08"}, bpvs, exit_]}
    # Only this pupil's.
    assert _ok(school.senco.get(f"/pupils/{running.oliver}/assessments")) == {"assessments": []}


# -- a pupil's one-page profile -------------------------------------------------------------------------


def test_given_a_profile_when_read_then_its_sections_as_written_and_before_any_every_section_empty(
    school: School,
) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/profile"
    assert _ok(school.senco.get(url)) == EMPTY_PROFILE

    written = {
        "like_and_admire": "Kind to others",
        "important_to_me": "My nan and my dog",
        "likes": "Football",
        "dislikes": "Loud rooms",
        "finds_hard": "Reading aloud",
        "what_helps": "Visual timetable",
        "what_does_not_help": "Being rushed",
        "aspirations": "To be a vet",
        "teacher_needs_to_know": "Needs time to answer",
        "updated_on": "2026-11-16",
    }
    put = school.user(Role.teacher).put(url, written)
    assert put.status_code < 300, put.text

    read = _ok(school.user(Role.leader).get(url))

    assert read == written
    assert set(read) == {*PROFILE_SECTIONS, "updated_on"}


# -- a pupil's advice and concerns ------------------------------------------------------------------------


def test_given_advice_and_concerns_when_listed_then_oldest_first_exactly_as_written(school: School) -> None:
    pupil = school.pupil()
    assert _ok(school.senco.get(f"/pupils/{pupil}/advice")) == {"advice": []}
    assert _ok(school.senco.get(f"/pupils/{pupil}/concerns")) == {"concerns": []}
    advice = [
        {
            "source": "speech_and_language_therapist",
            "received_on": "2026-11-02",
            "author": "",
            "summary": "Expressive language below age",
            "recommendations": [],
        },
        {
            "source": "educational_psychologist",
            "received_on": "2026-10-03",
            "author": "Dr Patel",
            "summary": "Working memory difficulties",
            "recommendations": ["Precision teaching", "Overlearning"],
        },
    ]
    concerns = [
        {
            "raised_on": "2026-10-20",
            "raised_by": "staff",
            "raised_by_name": "",
            "concern": "Tired in lessons",
        },
        {
            "raised_on": "2026-09-10",
            "raised_by": "parent",
            "raised_by_name": "Mrs Khan",
            "concern": "Reading",
        },
    ]
    advice_ids = [school.senco.create(f"/pupils/{pupil}/advice", a) for a in advice]
    teacher = school.user(Role.teacher)
    concern_ids = [teacher.create(f"/pupils/{pupil}/concerns", c) for c in concerns]

    read_advice = _ok(school.user(Role.leader).get(f"/pupils/{pupil}/advice"))
    read_concerns = _ok(teacher.get(f"/pupils/{pupil}/concerns"))

    assert read_advice == {"advice": [{"id": advice_ids[1], **advice[1]}, {"id": advice_ids[0], **advice[0]}]}
    assert read_concerns == {
        "concerns": [{"id": concern_ids[1], **concerns[1]}, {"id": concern_ids[0], **concerns[0]}]
    }
    # Another pupil's are not among them.
    other = school.pupil(given_name="Oliver", family_name="Smith")
    assert _ok(school.senco.get(f"/pupils/{other}/advice")) == {"advice": []}
    assert _ok(school.senco.get(f"/pupils/{other}/concerns")) == {"concerns": []}


# -- who may read what ------------------------------------------------------------------------------


def test_given_another_settings_pupil_or_an_unknown_one_when_read_back_then_404(school: School) -> None:
    theirs, outsider = outsider_pupil(school)
    theirs.create(
        f"/pupils/{outsider}/concerns", {"raised_on": "2026-09-10", "raised_by": "parent", "concern": "x"}
    )
    theirs.put(f"/pupils/{outsider}/profile", {"likes": "Drawing"})

    for what in PUPIL_READS:
        problem(school.senco.get(f"/pupils/{outsider}/{what}"), 404)
        problem(school.user(Role.leader).get(f"/pupils/{outsider}/{what}"), 404)
        problem(school.senco.get(f"/pupils/{NOBODY}/{what}"), 404)
        assert theirs.get(f"/pupils/{outsider}/{what}").status_code == 200


def test_given_a_ta_when_they_read_back_then_plans_assessments_and_profile_of_their_pupils_only(
    school: School,
) -> None:
    theirs, others = group(school), group(school)
    _, ta = school.ta_of(theirs.intervention)
    for pupil in (theirs.amira, others.amira):
        school.plan(pupil)
        school.senco.put(f"/pupils/{pupil}/profile", {"what_helps": "Visual timetable"})
    _, outsider = outsider_pupil(school)

    for what in ("plans", "assessments", "profile"):
        assert ta.get(f"/pupils/{theirs.amira}/{what}").status_code == 200, what
        detail = problem(ta.get(f"/pupils/{others.amira}/{what}"), 403)["detail"]
        assert "none of the interventions" in detail
        problem(ta.get(f"/pupils/{outsider}/{what}"), 404)
    assert len(_ok(ta.get(f"/pupils/{theirs.amira}/plans"))["plans"]) == 1
    assert _ok(ta.get(f"/pupils/{theirs.amira}/profile"))["what_helps"] == "Visual timetable"
    # Advice and concerns are not a TA's to read, even of their own pupils; nor the staff list.
    for what in ("advice", "concerns"):
        problem(ta.get(f"/pupils/{theirs.amira}/{what}"), 403)
    problem(ta.get("/staff"), 403)
    # A TA with no staff record reaches no pupil.
    problem(school.user(Role.ta).get(f"/pupils/{theirs.amira}/plans"), 403)


def test_given_read_backs_of_a_pupils_record_when_the_senco_asks_for_the_trail_then_each_is_there(
    school: School,
) -> None:
    pupil = school.pupil()
    leader = school.user(Role.leader)
    for what in PUPIL_READS:
        _ok(leader.get(f"/pupils/{pupil}/{what}"))
    _ok(leader.get("/staff"))
    _ok(leader.get("/me"))

    trail = _ok(school.senco.get("/audit", params={"pupil_id": pupil}))

    assert [(e["by"], e["kind"], e["what"]) for e in reversed(trail["entries"])] == [
        (leader.email, "read", "support plans"),
        (leader.email, "read", "assessments"),
        (leader.email, "read", "one-page profile"),
        (leader.email, "read", "advice"),
        (leader.email, "read", "concerns"),
    ]
