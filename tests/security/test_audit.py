"""Who saw a pupil's record: every read, export and disclosure is an entry in the pupil's
audit trail, which the SENCO reads newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.utils import get_topic

from apdr.aggregates import RecordAccess
from apdr.aggregates.codes import Role
from tests.support.school import School, group, invalid, other_setting, problem

DISCLOSURE = {
    "shared_on": "2026-11-20",
    "shared_with": "Youth Offending Team",
    "purpose": "Support plan for a referral order",
    "lawful_basis": "legal_obligation",
    "what": "Attendance and current support",
}


def _trail(school: School, pupil: str, **params: object) -> dict:
    response = school.senco.get("/audit", params={"pupil_id": pupil, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_given_reads_exports_and_a_disclosure_when_the_senco_asks_then_the_trail_lists_them_newest_first(
    school: School,
) -> None:
    running = group(school)
    plan = school.plan(running.amira)
    _, ta = school.ta_of(running.intervention)
    teacher, leader = school.user(Role.teacher), school.user(Role.leader)
    started = datetime.now(UTC) - timedelta(seconds=1)

    assert teacher.get(f"/pupils/{running.amira}").status_code == 200
    assert ta.get(f"/plans/{plan}").status_code == 200
    assert leader.get(f"/pupils/{running.amira}/chronology").status_code == 200
    assert leader.get("/provision-map", params={"format": "csv"}).status_code == 200
    assert teacher.get("/register", params={"include_no_sen": True}).status_code == 200
    assert school.senco.post(f"/pupils/{running.amira}/disclosures", DISCLOSURE).status_code == 204

    trail = _trail(school, running.amira)

    assert (trail["pupil_id"], trail["total"], trail["limit"], trail["offset"]) == (running.amira, 6, 100, 0)
    assert [(e["by"], e["role"], e["kind"], e["what"]) for e in trail["entries"]] == [
        (
            school.senco.email,
            "senco",
            "disclosure",
            "shared with Youth Offending Team: Attendance and current support",
        ),
        (teacher.email, "teacher", "export", "SEN register as of 2026-11-23 (json)"),
        (leader.email, "leader", "export", "provision map 2026-09-01 to 2026-11-23 (csv)"),
        (leader.email, "leader", "read", "chronology"),
        (ta.email, "ta", "read", f"support plan {plan}"),
        (teacher.email, "teacher", "read", "pupil record"),
    ]
    ats = [datetime.fromisoformat(e["at"]) for e in trail["entries"]]
    assert ats == sorted(ats, reverse=True)
    assert all(started <= at <= datetime.now(UTC) for at in ats)
    assert trail["entries"][0]["details"] == DISCLOSURE
    assert all(e["details"] is None for e in trail["entries"][1:])
    # Oliver was in the exports, and nothing else.
    assert [e["kind"] for e in _trail(school, running.oliver)["entries"]] == ["export", "export"]
    # Reading the trail is not itself an entry in it.
    assert _trail(school, running.amira)["total"] == 6
    page = _trail(school, running.amira, limit=2, offset=1)
    assert [e["what"] for e in page["entries"]] == [e["what"] for e in trail["entries"][1:3]]


def test_given_a_refused_read_when_the_trail_is_asked_then_it_is_not_there(school: School) -> None:
    pupil = school.pupil()
    ta = school.user(Role.ta)

    problem(ta.get(f"/pupils/{pupil}"), 403)
    problem(other_setting(school).get(f"/pupils/{pupil}"), 404)

    assert _trail(school, pupil)["entries"] == []


def test_given_the_audit_trail_when_others_ask_for_it_then_only_the_settings_senco_may(
    school: School,
) -> None:
    pupil = school.pupil()

    for role in (Role.teacher, Role.leader, Role.ta, Role.admin):
        problem(school.user(role).get("/audit", params={"pupil_id": pupil}), 403)
    problem(other_setting(school).get("/audit", params={"pupil_id": pupil}), 404)
    invalid(school.senco.get("/audit", params={"pupil_id": "not-an-id"}), "pupil_id")
    # Without a pupil, the setting's own trail of accounts: the SENCO's too.
    for role in (Role.teacher, Role.leader, Role.ta, Role.admin):
        problem(school.user(role).get("/audit"), 403)


def test_given_reads_when_recorded_then_each_is_one_event_of_an_aggregate_of_its_own(school: School) -> None:
    pupil = school.pupil()
    record = school.apdr.record
    before = record.recorder.max_notification_id() or 0

    for _ in range(3):
        assert school.senco.get(f"/pupils/{pupil}").status_code == 200

    accesses = record.recorder.select_notifications(
        start=before, limit=100, topics=[get_topic(RecordAccess.Recorded)], inclusive_of_start=False
    )
    assert len(accesses) == 3
    assert len({n.originator_id for n in accesses}) == 3
    assert {n.originator_version for n in accesses} == {1}
    event = record.mapper.to_domain_event(accesses[0])
    assert (event.by, event.role, event.kind, event.pupil_ids) == (
        school.senco.email,
        "senco",
        "read",
        [UUID(pupil)],
    )


def _accesses_since(school: School, before: int) -> list[RecordAccess.Recorded]:
    record = school.apdr.record
    notifications = record.recorder.select_notifications(
        start=before, limit=100, topics=[get_topic(RecordAccess.Recorded)], inclusive_of_start=False
    )
    return [record.mapper.to_domain_event(n) for n in notifications]


def test_given_pupils_when_pages_of_the_list_are_read_then_each_is_one_read_of_the_pupils_on_it(
    school: School,
) -> None:
    ahmed = school.pupil(given_name="Zara", family_name="Ahmed")
    khan = school.pupil()
    smith = school.pupil(given_name="Oliver", family_name="Smith", class_name="5C")
    teacher = school.user(Role.teacher)
    before = school.apdr.record.recorder.max_notification_id() or 0

    page = teacher.get("/pupils", params={"limit": 2}).json()
    searched = teacher.get(
        "/pupils", params={"search": "smi\n", "class_name": "5C", "sen_status": "N", "include_left": True}
    ).json()
    nobody = teacher.get("/pupils", params={"search": "Nobody"}).json()

    assert [p["id"] for p in page["pupils"]] == [ahmed, khan]
    assert [p["id"] for p in searched["pupils"]] == [smith]
    assert nobody["pupils"] == []
    # One event a page, naming only the pupils on it; an empty page records nothing.
    assert [(e.by, e.kind, e.pupil_ids) for e in _accesses_since(school, before)] == [
        (teacher.email, "read", sorted([UUID(ahmed), UUID(khan)])),
        (teacher.email, "read", [UUID(smith)]),
    ]
    assert [(e["by"], e["role"], e["kind"], e["what"]) for e in _trail(school, khan)["entries"]] == [
        (teacher.email, "teacher", "read", "pupil list"),
    ]
    # The filters are in the entry, the text searched for quoted: a new line cannot start another.
    assert [e["what"] for e in _trail(school, smith)["entries"]] == [
        'pupil list (search "smi\\n", sen_status N, class_name "5C", including leavers)'
    ]


def test_given_a_ta_when_they_list_pupils_then_the_read_names_only_the_pupils_in_their_reach(
    school: School,
) -> None:
    running = group(school)
    zara = school.pupil(given_name="Zara", family_name="Ahmed")  # in no intervention
    _, ta = school.ta_of(running.intervention)

    listed = ta.get("/pupils")

    assert listed.status_code == 200, listed.text
    assert {p["id"] for p in listed.json()["pupils"]} == {running.amira, running.oliver}
    for pupil in (running.amira, running.oliver):
        assert [(e["by"], e["role"], e["what"]) for e in _trail(school, pupil)["entries"]] == [
            (ta.email, "ta", "pupil list")
        ]
    assert _trail(school, zara)["entries"] == []
