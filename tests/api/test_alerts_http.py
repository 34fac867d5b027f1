"""Alerts, the policy run and the thresholds over HTTP: the contract's shapes, and who may do what."""

from __future__ import annotations

from typing import Any

from apdr.aggregates.codes import Role
from apdr.application import Actor
from tests.support.fixtures import School, random_urn

ALERT_FIELDS = {"id", "kind", "status", "raised_on", "summary", "pupil_id", "intervention_id", "plan_id"}


def _overdue_plan(school: School) -> tuple[str, str]:
    """A plan due for review on 2 November: by 16 November (TODAY is 23 November) it is overdue."""
    pupil = school.pupil(given_name="Amira", family_name="Khan")
    return pupil, school.plan(pupil, review_due_on="2026-11-02")


def _run(school: School, as_of: str = "2026-11-16") -> dict[str, Any]:
    response = school.senco.post("/policies/run", {"as_of": as_of})
    assert response.status_code == 200, response.text
    return response.json()


def _field(response: Any) -> str:
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["errors"][0]["field"])


def test_given_an_overdue_plan_when_a_senco_runs_the_policies_then_the_alert_is_raised_once_in_the_contract_shape(
    school: School,
) -> None:
    pupil, plan = _overdue_plan(school)

    first = _run(school)
    second = _run(school)

    assert first["as_of"] == "2026-11-16" and first["resolved"] == []
    (alert,) = first["raised"]
    assert alert.keys() >= ALERT_FIELDS
    assert (alert["kind"], alert["status"], alert["raised_on"]) == ("overdue_review", "open", "2026-11-16")
    assert (alert["pupil_id"], alert["plan_id"], alert["intervention_id"]) == (pupil, plan, None)
    assert alert["summary"].startswith("Amira Khan's support plan was due for review on 2 Nov 2026")
    assert alert["raised_by"] == school.senco.email
    assert second["raised"] == second["resolved"] == []
    listed = school.senco.get("/alerts", params={"status": "open"}).json()["alerts"]
    assert [a["id"] for a in listed] == [alert["id"]]
    assert {k: listed[0][k] for k in ALERT_FIELDS} == {k: alert[k] for k in ALERT_FIELDS}


def test_given_an_open_alert_when_the_senco_acknowledges_then_resolves_it_then_each_is_recorded_with_who_and_when(
    school: School,
) -> None:
    _overdue_plan(school)
    (alert,) = _run(school)["raised"]

    acknowledged = school.senco.post(
        f"/alerts/{alert['id']}/acknowledge", {"note": "Review booked for Friday"}
    )
    open_now = school.senco.get("/alerts", params={"status": "open"}).json()["alerts"]
    resolved = school.senco.post(f"/alerts/{alert['id']}/resolve", {"note": "Reviewed on paper"})
    again = school.senco.post(f"/alerts/{alert['id']}/resolve")
    after_run = _run(school)

    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["status"] == "acknowledged"
    assert acknowledged.json()["acknowledged_by"] == school.senco.email
    assert acknowledged.json()["acknowledged_on"] == "2026-11-23"
    assert acknowledged.json()["acknowledgement"] == "Review booked for Friday"
    assert open_now == []
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution"] == "Reviewed on paper"
    assert again.status_code == 422 and _field(again) == "status"
    # Resolved by hand while the review is still overdue: it stays resolved.
    assert after_run["raised"] == []
    statuses = [a["status"] for a in school.senco.get("/alerts").json()["alerts"]]
    assert statuses == ["resolved"]


def test_given_an_overdue_plan_when_it_is_reviewed_then_the_next_run_resolves_its_alert(
    school: School,
) -> None:
    _, plan = _overdue_plan(school)
    (alert,) = _run(school)["raised"]
    outcome_id = school.senco.get(f"/plans/{plan}").json()["outcomes"][0]["id"]
    review = {
        "reviewed_on": "2026-11-17",
        "outcomes": [{"outcome_id": outcome_id, "rating": "partly_met", "evidence": "62 words a minute"}],
        "tried": "Precision teaching",
        "learned": "",
        "pleased": "",
        "concerned": "",
        "pupil_views": "",
        "parent_views": "",
        "decision": "continue",
        "next_review_due_on": "2027-02-12",
    }
    assert school.senco.post(f"/plans/{plan}/reviews", review).status_code == 201

    result = _run(school, "2026-11-17")

    assert [a["id"] for a in result["resolved"]] == [alert["id"]]
    assert result["resolved"][0]["status"] == "resolved"
    assert school.senco.get("/alerts", params={"status": "open"}).json()["alerts"] == []


def test_given_the_roles_when_they_use_alerts_then_readers_list_and_only_the_senco_acts(
    school: School,
) -> None:
    _overdue_plan(school)
    (alert,) = _run(school)["raised"]
    teacher, leader, ta = school.user(Role.teacher), school.user(Role.leader), school.user(Role.ta)

    assert [a["id"] for a in teacher.get("/alerts").json()["alerts"]] == [alert["id"]]
    assert leader.get("/alerts").status_code == 200
    assert ta.get("/alerts").status_code == 403
    assert teacher.post(f"/alerts/{alert['id']}/acknowledge").status_code == 403
    assert leader.post(f"/alerts/{alert['id']}/resolve").status_code == 403
    assert teacher.post("/policies/run", {"as_of": "2026-11-16"}).status_code == 403


def test_given_another_settings_alert_when_a_senco_acts_on_it_then_it_is_not_there(school: School) -> None:
    _overdue_plan(school)
    (alert,) = _run(school)["raised"]
    other = school.apdr.record.register_setting(Actor.system("test"), urn=random_urn(), name="Other Primary")
    their_senco = school.user(Role.senco, setting_id=other)

    assert their_senco.get("/alerts").json()["alerts"] == []
    assert their_senco.post(f"/alerts/{alert['id']}/acknowledge").status_code == 404
    assert school.senco.post("/alerts/00000000-0000-0000-0000-000000000000/resolve").status_code == 404


def test_given_bad_input_when_alerts_are_asked_for_or_run_then_the_field_at_fault_is_named(
    school: School,
) -> None:
    future = school.senco.post("/policies/run", {"as_of": "2026-11-24"})
    bad_status = school.senco.get("/alerts", params={"status": "closed"})
    bad_kind = school.senco.get("/alerts", params={"kind": "late_homework"})
    extra = school.senco.post("/policies/run", {"as_of": "2026-11-16", "setting": "x"})

    assert future.status_code == 422 and _field(future) == "as_of"
    assert bad_status.status_code == 422 and _field(bad_status) == "status"
    assert bad_kind.status_code == 422 and _field(bad_kind) == "kind"
    assert extra.status_code == 422 and _field(extra) == "setting"


def test_given_the_default_thresholds_when_a_senco_sets_one_then_readers_see_it_and_the_policies_use_it(
    school: School,
) -> None:
    _overdue_plan(school)
    teacher = school.user(Role.teacher)

    defaults = {t["name"]: t for t in teacher.get("/setting/thresholds").json()["thresholds"]}
    changed = school.senco.put("/setting/thresholds", {"plan_review_grace_days": 21})
    as_teacher_sees_it = {t["name"]: t for t in teacher.get("/setting/thresholds").json()["thresholds"]}
    run = _run(school)  # 14 days overdue: within the setting's 21 days' grace

    assert defaults["plan_review_grace_days"] | {"description": ""} == {
        "name": "plan_review_grace_days",
        "value": 7,
        "default": 7,
        "is_default": True,
        "minimum": 0,
        "maximum": 60,
        "unit": "days",
        "policy": "overdue_review",
        "description": "",
    }
    assert defaults["sessions_delivered_percent_min"]["value"] == 80
    assert changed.status_code == 200, changed.text
    assert as_teacher_sees_it["plan_review_grace_days"]["value"] == 21
    assert as_teacher_sees_it["plan_review_grace_days"]["is_default"] is False
    assert as_teacher_sees_it["missed_sessions_min"]["value"] == 3  # the others keep their values
    assert run["raised"] == []

    reset = school.senco.put("/setting/thresholds", {"plan_review_grace_days": None})
    assert {t["name"]: t["value"] for t in reset.json()["thresholds"]}["plan_review_grace_days"] == 7
    assert len(_run(school)["raised"]) == 1


def test_given_bad_thresholds_when_a_senco_sets_them_then_the_threshold_at_fault_is_named(
    school: School,
) -> None:
    unknown = school.senco.put("/setting/thresholds", {"homework_max": 3})
    fraction = school.senco.put("/setting/thresholds", {"attendance_percent_min": 80.5})
    too_big = school.senco.put("/setting/thresholds", {"attendance_percent_min": 101})
    text = school.senco.put("/setting/thresholds", {"stalled_reviews": "2"})
    empty = school.senco.put("/setting/thresholds", {})
    by_teacher = school.user(Role.teacher).put("/setting/thresholds", {"stalled_reviews": 3})

    assert unknown.status_code == 422 and _field(unknown) == "homework_max"
    assert "there is no threshold 'homework_max'" in unknown.json()["detail"]
    assert fraction.status_code == 422 and _field(fraction) == "attendance_percent_min"
    assert too_big.status_code == 422 and _field(too_big) == "attendance_percent_min"
    assert "between 1 and 100 percent" in too_big.json()["detail"]
    assert text.status_code == 422 and _field(text) == "stalled_reviews"
    assert empty.status_code == 422 and _field(empty) == "body"
    assert by_teacher.status_code == 403
    values = {t["name"]: t["value"] for t in school.senco.get("/setting/thresholds").json()["thresholds"]}
    assert values["attendance_percent_min"] == 80 and values["stalled_reviews"] == 2
