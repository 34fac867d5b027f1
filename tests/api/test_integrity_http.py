"""The record keeps its integrity, over HTTP on both databases: sessions that cannot have happened
are refused, resends are safe, schedules change from a date, history is dated when it happened,
and what is written reads back.

The setting has apdr's default calendar for 2026-27: autumn from 2 September, half-term 26-30
October. The usual group meets Monday, Wednesday and Friday from Monday 21 September."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx

from apdr.aggregates.codes import Role
from tests.support.school import BASELINE, NOBODY, Client, Group, School, group, invalid, problem


def session(client: Client, g: Group, on: str, **extra: Any) -> httpx.Response:
    """A session of the group on ``on``, both pupils present (as ``client`` records it)."""
    body = {
        "session_id": str(uuid4()),
        "delivered_on": on,
        "minutes": 20,
        "delivered_by": g.staff,
        "attendance": [
            {"pupil_id": g.amira, "status": "present"},
            {"pupil_id": g.oliver, "status": "present"},
        ],
    } | extra
    return client.post(f"/interventions/{g.intervention}/sessions", body)


def row_of(map_: dict[str, Any], pupil: str) -> dict[str, Any]:
    (row,) = [r for r in map_["rows"] if r["pupil_id"] == pupil]
    return row


def events(school: School, aggregate_id: str) -> list[str]:
    return [type(e).__name__ for e in school.apdr.record.events.get(UUID(aggregate_id))]


# -- sessions that cannot have happened -------------------------------------------------------


def test_given_a_group_when_sessions_that_cannot_have_happened_are_sent_then_each_is_refused_and_the_map_counts_only_real_ones(
    school: School,
) -> None:
    g = group(school)
    held = ["2026-09-21", "2026-09-23", "2026-09-28", "2026-09-30", "2026-10-02", "2026-10-05", "2026-10-07"]
    for day in held:
        assert session(school.senco, g, day).status_code == 201
    missed = school.senco.create(
        f"/interventions/{g.intervention}/missed-sessions",
        {"scheduled_on": "2026-09-25", "reason": "staff_absence"},
    )

    saturday = session(school.senco, g, "2026-10-03")
    half_term = session(school.senco, g, "2026-10-28")
    second_that_day = session(school.senco, g, "2026-09-23")
    on_a_missed_day = session(school.senco, g, "2026-09-25")
    on_a_missed_day_even_if_additional = session(school.senco, g, "2026-09-25", additional=True)

    assert "Saturday" in invalid(saturday, "delivered_on")
    assert "half-term" in invalid(half_term, "delivered_on")
    clash = problem(second_that_day, 409)
    assert clash["conflicts_with"]["kind"] == "session" and clash["conflicts_with"]["on"] == "2026-09-23"
    assert '"additional": true' in clash["detail"]
    assert problem(on_a_missed_day, 409)["conflicts_with"] == {
        "kind": "missed_session",
        "id": missed,
        "on": "2026-09-25",
    }
    problem(on_a_missed_day_even_if_additional, 409)
    # Mon, Wed and Fri from 21 Sep to 9 Oct: nine timetabled; seven held, one missed.
    map_ = school.senco.get("/provision-map", params={"as_of": "2026-10-09"}).json()
    for pupil in (g.amira, g.oliver):
        row = row_of(map_, pupil)
        assert (row["sessions_expected"], row["sessions_delivered"], row["sessions_attended"]) == (9, 7, 7)


def test_given_a_session_that_day_when_a_second_is_marked_additional_then_both_count(school: School) -> None:
    g = group(school)
    session(school.senco, g, "2026-09-23")

    additional = session(school.senco, g, "2026-09-23", additional=True)

    assert additional.status_code == 201
    map_ = school.senco.get("/provision-map", params={"as_of": "2026-09-25"}).json()
    assert row_of(map_, g.amira)["sessions_delivered"] == 2


def test_given_a_missed_session_recorded_in_error_when_it_is_voided_then_the_session_can_be_recorded(
    school: School,
) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}/missed-sessions"
    missed = school.senco.create(url, {"scheduled_on": "2026-09-25", "reason": "staff_absence"})

    voided = school.senco.post(f"{url}/{missed}/void", {"reason": "It ran after lunch"})
    again = school.senco.post(f"{url}/{missed}/void", {"reason": "It ran after lunch"})
    held = session(school.senco, g, "2026-09-25")

    assert (voided.status_code, again.status_code, held.status_code) == (204, 204, 201)
    register = school.senco.get(f"/interventions/{g.intervention}/sessions").json()
    assert register["missed"] == []
    assert [s["delivered_on"] for s in register["sessions"]] == ["2026-09-25"]
    invalid(school.senco.post(f"{url}/{NOBODY}/void", {"reason": "x"}), "missed_id")


# -- who delivered it --------------------------------------------------------------------------


def test_given_a_ta_when_they_name_a_colleague_as_the_deliverer_then_403_and_their_own_sessions_need_no_id(
    school: School,
) -> None:
    g = group(school)
    colleague = school.staff("Sam Colleague")
    school.senco.post(f"/interventions/{g.intervention}/staff", {"staff_id": colleague})
    ta = school.user(Role.ta, staff_id=UUID(g.staff))

    as_colleague = session(ta, g, "2026-09-21", delivered_by=colleague)
    body = {
        "session_id": str(uuid4()),
        "delivered_on": "2026-09-23",
        "minutes": 20,
        "attendance": [
            {"pupil_id": g.amira, "status": "present"},
            {"pupil_id": g.oliver, "status": "absent"},
        ],
    }
    own = ta.post(f"/interventions/{g.intervention}/sessions", body)
    by_senco = session(school.senco, g, "2026-09-25", delivered_by=colleague)
    not_staff = session(school.senco, g, "2026-09-28", delivered_by=NOBODY)

    assert "delivered_by" in problem(as_colleague, 403)["detail"]
    assert (own.status_code, by_senco.status_code) == (201, 201)
    register = school.senco.get(f"/interventions/{g.intervention}/sessions").json()["sessions"]
    assert [(s["delivered_on"], s["delivered_by"]) for s in register] == [
        ("2026-09-23", g.staff),
        ("2026-09-25", colleague),
    ]
    invalid(not_staff, "delivered_by")
    me = ta.get("/me").json()
    assert (me["role"], me["staff_id"]) == ("ta", g.staff)


# -- safe to resend ---------------------------------------------------------------------------


def test_given_an_assessment_with_a_client_id_when_it_is_sent_twice_then_one_is_recorded_and_both_answer_its_id(
    school: School,
) -> None:
    g = group(school)
    url = f"/pupils/{g.amira}/assessments"
    body = (
        {"assessment_id": str(uuid4())}
        | BASELINE
        | {"assessed_on": "2026-09-18", "intervention_id": g.intervention}
    )

    first = school.senco.post(url, body)
    again = school.senco.post(url, body)
    changed = school.senco.post(url, body | {"value": 85})
    exit_ = body | {"assessment_id": None, "kind": "exit", "value": 92, "assessed_on": "2026-11-20"}
    exit_first, exit_again = school.senco.post(url, exit_), school.senco.post(url, exit_)

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"] == body["assessment_id"]
    assert problem(changed, 409)["conflicts_with"] == {"kind": "assessment", "id": body["assessment_id"]}
    assert exit_first.json()["id"] == exit_again.json()["id"]
    read = school.senco.get(url).json()["assessments"]
    assert [(a["kind"], a["value"]) for a in read] == [("baseline", 84), ("exit", 92)]


def test_given_a_pupil_not_in_an_intervention_when_an_assessment_is_linked_to_it_then_422_names_intervention_id(
    school: School,
) -> None:
    g = group(school)
    stranger = school.pupil(given_name="Zainab", family_name="Ali")
    body = BASELINE | {"assessed_on": "2026-09-18", "intervention_id": g.intervention}

    message = invalid(school.senco.post(f"/pupils/{stranger}/assessments", body), "intervention_id")

    assert "not enrolled" in message
    assert school.senco.get(f"/pupils/{stranger}/assessments").json()["assessments"] == []


def test_given_corrections_when_each_is_sent_twice_then_the_second_answers_as_the_first_and_records_nothing(
    school: School,
) -> None:
    g = group(school)
    session_id = session(school.senco, g, "2026-09-21").json()["id"]
    assessment = school.senco.create(
        f"/pupils/{g.amira}/assessments",
        {
            "instrument": "Reading test",
            "measure": "reading age",
            "scale": "age_equivalent_months",
            "value": 84,
            "assessed_on": "2026-09-18",
            "kind": "standalone",
        },
    )
    sent = [
        (
            f"/interventions/{g.intervention}/sessions/{session_id}/corrections",
            {"minutes": 15, "reason": "Fire drill"},
        ),
        (f"/pupils/{g.amira}/assessments/{assessment}/corrections", {"value": 86, "reason": "Misread"}),
        (f"/pupils/{g.amira}/corrections", {"family_name": "Khan-Ali", "reason": "Spelt wrongly"}),
        (f"/interventions/{g.intervention}/sessions/{session_id}/void", {"reason": "Wrong group"}),
    ]

    answers = [
        (school.senco.post(path, body).status_code, school.senco.post(path, body).status_code)
        for path, body in sent
    ]

    assert answers == [(204, 204)] * 4
    pupil_events = events(school, g.amira)
    assert (pupil_events.count("AssessmentCorrected"), pupil_events.count("DetailsCorrected")) == (1, 1)
    intervention_events = events(school, g.intervention)
    assert (intervention_events.count("SessionCorrected"), intervention_events.count("SessionVoided")) == (
        1,
        1,
    )


# -- schedules change from a date ---------------------------------------------------------------


def test_given_a_review_that_decided_to_continue_when_the_intervention_is_extended_then_later_sessions_are_expected_and_earlier_ones_are_not_changed(
    school: School,
) -> None:
    g = group(school)
    before = school.senco.get("/provision-map", params={"as_of": "2026-11-20"}).json()
    change = {
        "effective_on": "2026-11-23",
        "weekdays": ["tue", "thu"],
        "planned_weeks": 16,
        "reason": "Continue",
    }

    patched = school.senco.patch(f"/interventions/{g.intervention}", change)
    resent = school.senco.patch(f"/interventions/{g.intervention}", change)

    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["weekdays"], body["planned_weeks"], body["planned_end"]) == (
        ["tue", "thu"],
        16,
        "2027-01-10",
    )
    assert [s["effective_on"] for s in body["schedule"]] == ["2026-09-21", "2026-11-23"]
    assert resent.status_code == 200 and resent.json()["version"] == body["version"]
    # The map as of a date before the change is exactly as it was.
    assert school.senco.get("/provision-map", params={"as_of": "2026-11-20"}).json() == before
    # From the change on, Tuesdays and Thursdays are expected, past the original end (29 November).
    later = school.senco.get("/provision-map", params={"as_of": "2026-12-04", "from": "2026-11-23"}).json()
    assert row_of(later, g.amira)["sessions_expected"] == 4
    assert row_of(later, g.amira)["weekdays"] == ["tue", "thu"]


def test_given_an_intervention_when_a_schedule_change_is_wrong_then_422_names_the_field_and_a_ta_may_not(
    school: School,
) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}"

    invalid(school.senco.patch(url, {"effective_on": "2026-09-01", "planned_weeks": 12}), "effective_on")
    invalid(school.senco.patch(url, {"effective_on": "2026-11-23", "planned_weeks": 2}), "planned_weeks")
    invalid(school.senco.patch(url, {"effective_on": "2026-11-23", "weekdays": []}), "weekdays")
    invalid(
        school.senco.patch(url, {"effective_on": "2026-11-23", "minutes_per_session": 2}),
        "minutes_per_session",
    )
    invalid(school.senco.patch(url, {"planned_weeks": 12}), "effective_on")
    ta = school.user(Role.ta, staff_id=UUID(g.staff))
    problem(ta.patch(url, {"effective_on": "2026-11-23", "planned_weeks": 12}), 403)
    assert events(school, g.intervention).count("ScheduleChanged") == 0


def test_given_an_extended_intervention_when_sessions_stop_after_its_original_end_then_missed_sessions_raises_an_alert(
    school: School,
) -> None:
    g = group(school, planned_weeks=4)  # 21 Sep to 18 Oct
    for day in ("2026-09-21", "2026-09-23", "2026-09-25", "2026-09-28", "2026-09-30", "2026-10-02",
                "2026-10-05", "2026-10-07", "2026-10-09", "2026-10-12", "2026-10-14", "2026-10-16"):  # fmt: skip
        assert session(school.senco, g, day).status_code == 201
    school.senco.patch(
        f"/interventions/{g.intervention}", {"effective_on": "2026-10-19", "planned_weeks": 10}
    )

    run = school.senco.post("/policies/run", {"as_of": "2026-11-20"}).json()

    (alert,) = [a for a in run["raised"] if a["kind"] == "missed_sessions"]
    assert alert["intervention_id"] == g.intervention


# -- history is dated when it happened ----------------------------------------------------------


def test_given_a_pupil_who_joined_in_november_when_septembers_register_is_read_then_they_are_not_on_it(
    school: School,
) -> None:
    september = school.pupil(given_name="Early", family_name="Bird", admitted_on="2026-09-03")
    november = school.pupil(given_name="New", family_name="Arrival", admitted_on="2026-11-09")
    for pupil in (september, november):
        school.senco.post(f"/pupils/{pupil}/sen-status", {"status": "K", "effective_on": "2026-11-10"})

    in_september = school.senco.get(
        "/register", params={"as_of": "2026-09-30", "include_no_sen": True}
    ).json()
    joined = school.senco.get(f"/pupils/{november}").json()
    chronology = school.senco.get(f"/pupils/{november}/chronology").json()["entries"]

    assert [p["pupil_id"] for p in in_september["pupils"]] == [september]
    assert joined["admitted_on"] == "2026-11-09"
    assert (chronology[0]["kind"], chronology[0]["occurred_on"]) == ("registered", "2026-11-09")
    invalid(school.senco.post("/pupils", {
        "upn": "B801200005001", "given_name": "A", "family_name": "B", "date_of_birth": "2017-03-14",
        "class_name": "4B", "admitted_on": "2018-01-01",
    }), "admitted_on")  # fmt: skip


def test_given_a_pupil_who_joined_in_november_when_enrolled_from_september_then_422_names_starts_on(
    school: School,
) -> None:
    pupil = school.pupil(admitted_on="2026-11-09")
    intervention = school.intervention([school.staff()])

    enrolled = school.senco.post(
        f"/interventions/{intervention}/enrolments", {"pupil_id": pupil, "starts_on": "2026-09-21"}
    )

    assert "joined" in invalid(enrolled, "starts_on")


# -- a partial profile update keeps the rest ---------------------------------------------------


def test_given_a_profile_when_one_section_is_patched_then_the_others_stay_and_put_replaces_all(
    school: School,
) -> None:
    pupil = school.pupil()
    url = f"/pupils/{pupil}/profile"
    school.senco.put(url, {"likes": "Lego", "what_helps": "A visual timetable", "aspirations": "To be a vet"})

    patched = school.senco.patch(url, {"likes": "drawing"})
    put = school.senco.put(url, {"likes": "football"})

    assert patched.status_code == 200
    assert (patched.json()["likes"], patched.json()["what_helps"], patched.json()["aspirations"]) == (
        "drawing",
        "A visual timetable",
        "To be a vet",
    )
    assert put.status_code == 200 and (put.json()["likes"], put.json()["what_helps"]) == ("football", "")
    invalid(school.senco.patch(url, {"favourite_colour": "red"}), "favourite_colour")


# -- read-backs --------------------------------------------------------------------------------


def test_given_interventions_when_listed_then_a_ta_sees_only_their_own_groups_with_pupils_and_timetable(
    school: School,
) -> None:
    mine = group(school)
    theirs = group(school, name="Toe by Toe")
    ended = group(school, name="Numicon")
    school.senco.post(
        f"/interventions/{ended.intervention}/end", {"ended_on": "2026-11-20", "reason": "done"}
    )
    ta = school.user(Role.ta, staff_id=UUID(mine.staff))

    everyone = school.senco.get("/interventions").json()["interventions"]
    all_of_them = school.senco.get("/interventions", params={"status": "all"}).json()["interventions"]
    finished = school.senco.get("/interventions", params={"status": "ended"}).json()["interventions"]
    own = ta.get("/interventions").json()["interventions"]

    assert sorted(i["id"] for i in everyone) == sorted([mine.intervention, theirs.intervention])
    assert len(all_of_them) == 3 and [i["id"] for i in finished] == [ended.intervention]
    (only,) = own
    assert only["id"] == mine.intervention and only["staff_ids"] == [mine.staff]
    assert (only["weekdays"], only["minutes_per_session"], only["ends_on"]) == (
        ["mon", "wed", "fri"],
        20,
        "2026-11-29",
    )
    assert sorted(p["pupil_id"] for p in only["pupils"]) == sorted([mine.amira, mine.oliver])
    problem(ta.get(f"/interventions/{theirs.intervention}/sessions"), 403)


def test_given_sessions_when_the_register_is_read_then_it_shows_each_as_corrected_with_attendance_and_the_missed_ones(
    school: School,
) -> None:
    g = group(school)
    first = session(school.senco, g, "2026-09-21", focus="HFW set 1", notes="Good start").json()["id"]
    second = session(school.senco, g, "2026-09-23").json()["id"]
    school.senco.post(
        f"/interventions/{g.intervention}/sessions/{first}/corrections",
        {"attendance": [{"pupil_id": g.amira, "status": "late"}, {"pupil_id": g.oliver, "status": "present"}],
         "reason": "Amira came late"},
    )  # fmt: skip
    school.senco.post(f"/interventions/{g.intervention}/sessions/{second}/void", {"reason": "Wrong group"})
    school.senco.post(
        f"/interventions/{g.intervention}/missed-sessions",
        {"scheduled_on": "2026-09-25", "reason": "school_event"},
    )

    register = (
        school.user(Role.leader)
        .get(f"/interventions/{g.intervention}/sessions", params={"from": "2026-09-21", "to": "2026-09-30"})
        .json()
    )
    later = school.senco.get(
        f"/interventions/{g.intervention}/sessions", params={"from": "2026-09-24"}
    ).json()

    (one, two) = register["sessions"]
    assert (one["session_id"], one["focus"], one["notes"], one["voided"]) == (
        first,
        "HFW set 1",
        "Good start",
        False,
    )
    assert {m["pupil_id"]: m["status"] for m in one["attendance"]} == {g.amira: "late", g.oliver: "present"}
    assert (two["session_id"], two["voided"]) == (second, True)
    assert [(m["scheduled_on"], m["reason"]) for m in register["missed"]] == [("2026-09-25", "school_event")]
    assert later["sessions"] == [] and len(later["missed"]) == 1


# -- one rule for answers ---------------------------------------------------------------------


def test_given_commands_that_answer_no_content_when_called_then_they_carry_no_body_and_no_content_type(
    school: School,
) -> None:
    g = group(school)
    session_id = session(school.senco, g, "2026-09-21").json()["id"]

    answers = [
        school.senco.post(f"/interventions/{g.intervention}/sessions/{session_id}/void", {"reason": "x"}),
        school.senco.post(f"/pupils/{g.amira}/class-moves", {"class_name": "5C", "moved_on": "2026-11-02"}),
    ]

    for answer in answers:
        assert answer.status_code == 204
        assert answer.content == b"" and "content-type" not in answer.headers


def test_given_an_admin_when_they_ask_for_pupil_data_then_the_refusal_reads_as_english(
    school: School,
) -> None:
    admin = school.user(Role.admin)

    refused = problem(admin.get("/pupils"), 403)

    assert refused["detail"].startswith("an admin may not do this")


def test_given_the_app_when_its_command_routes_are_read_then_each_answers_by_the_one_rule() -> None:
    from fastapi import Response

    from apdr.api import create_app
    from apdr.config import Config
    from tests.support.seeded import api_routes

    # Commands that answer with what they computed, not a record they made or changed.
    # (A decision answers 200 with the pack it issued, and an import what it added, updated and
    # found wrong, as DESIGN.md's contract has them.)
    answers_a_result = {
        ("POST", "/policies/run"),
        ("POST", "/information-requests/{request_id}/decision"),
        ("POST", "/imports"),
    }
    for method, path, route in api_routes(create_app(Config())):
        if method == "GET" or (method, path) in answers_a_result:
            continue
        if method in ("PUT", "PATCH"):
            assert route.status_code in (None, 200) and route.response_model is not None, (method, path)
        elif route.status_code == 204:
            assert route.response_class is Response, (method, path)  # no body, no content type
        else:
            assert route.status_code == 201, (method, path)


def test_given_a_change_from_next_month_when_the_intervention_is_read_today_then_it_shows_todays_timetable(
    school: School,
) -> None:
    g = group(school)
    url = f"/interventions/{g.intervention}"

    patched = school.senco.patch(
        url, {"effective_on": "2026-12-07", "minutes_per_session": 40, "outside_lessons": True}
    )

    body = patched.json()
    assert (body["minutes_per_session"], body["withdrawn_from"], body["outside_lessons"]) == (
        20,
        "guided reading",
        False,
    )
    assert [
        (s["effective_on"], s["minutes_per_session"], s["outside_lessons"]) for s in body["schedule"]
    ] == [
        ("2026-09-21", 20, False),
        ("2026-12-07", 40, True),
    ]
    assert school.senco.get(url).json() == body
    invalid(school.senco.patch(url, {"effective_on": "2026-12-07"}), "body")


def test_given_a_pupil_who_arrived_with_sen_support_when_the_register_before_they_joined_is_read_then_they_are_not_on_it(
    school: School,
) -> None:
    arrived = school.pupil(admitted_on="2026-11-09")
    school.senco.post(f"/pupils/{arrived}/sen-status", {"status": "K", "effective_on": "2026-03-02"})

    before = school.senco.get("/register", params={"as_of": "2026-10-01"}).json()["pupils"]
    after = school.senco.get("/register", params={"as_of": "2026-11-10"}).json()["pupils"]

    assert before == [] and [p["pupil_id"] for p in after] == [arrived]
