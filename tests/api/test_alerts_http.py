"""Alerts, the policy run and the thresholds over HTTP: the contract's shapes, and who may do what."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from apdr.aggregates import Alert
from apdr.aggregates.codes import Role
from apdr.aggregates.policy_run import LivePolicyRuns
from apdr.application import Actor
from apdr.policies.catalogue import THRESHOLDS
from tests.support.school import School, random_urn

ALERT_FIELDS = {"id", "kind", "status", "raised_on", "summary", "pupil_id", "intervention_id", "plan_id"}


def _overdue_plan(school: School) -> tuple[str, str]:
    """A plan due for review on 2 November: by 16 November (TODAY is 23 November) it is overdue."""
    pupil = school.pupil(given_name="Amira", family_name="Khan")
    return pupil, school.plan(pupil, review_due_on="2026-11-02")


def _run(school: School, as_of: str = "2026-11-16") -> dict[str, Any]:
    response = school.senco.post("/policies/run", {"as_of": as_of})
    assert response.status_code == 200, response.text
    return response.json()


def _version(school: School, aggregate_id: str | UUID) -> int:
    return int(school.apdr.record.repository.get(UUID(str(aggregate_id))).version)


def _overdue_annual_review(school: School) -> str:
    """An EHC plan issued on 10 November 2025: its annual review was due by 9
    November 2026 (the 12 months starting with the issue date), so it is overdue
    by 23 November; Ben joined on 2 November, so the October preview finds nothing of his."""
    pupil = school.pupil(given_name="Ben", family_name="Adams", admitted_on="2026-11-02")
    for milestone, on in [
        ("requested", "2025-06-01"),
        ("decision_to_assess", "2025-07-10"),
        ("plan_issued", "2025-11-10"),
    ]:
        done = school.senco.post(
            f"/pupils/{pupil}/ehcp-milestones", {"milestone": milestone, "reached_on": on}
        )
        assert done.status_code == 204, done.text
    return pupil


def _reviewed_late(school: School) -> tuple[str, str]:
    """A plan due for review on 5 October and reviewed on 30 October: overdue as
    of 20 October, not as of November."""
    pupil = school.pupil(given_name="Cara", family_name="Jones", admitted_on="2025-09-01")
    plan = school.plan(pupil, starts_on="2026-09-07", review_due_on="2026-10-05")
    _review(school, plan, "2026-10-30")
    return pupil, plan


def _review(school: School, plan: str, on: str) -> None:
    """The plan reviewed on ``on``, its outcome partly met, to continue until February."""
    outcome_id = school.senco.get(f"/plans/{plan}").json()["outcomes"][0]["id"]
    review = {
        "reviewed_on": on,
        "outcomes": [{"outcome_id": outcome_id, "rating": "partly_met", "evidence": "60 words a minute"}],
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
    (as_acknowledged,) = school.senco.get("/alerts").json()["alerts"]
    resolved = school.senco.post(f"/alerts/{alert['id']}/resolve", {"note": "Reviewed on paper"})
    (as_resolved,) = school.senco.get("/alerts").json()["alerts"]
    again = school.senco.post(f"/alerts/{alert['id']}/resolve")
    after_run = _run(school)

    for done in (acknowledged, resolved):
        assert done.status_code == 204, done.text
        assert done.content == b"" and "content-type" not in done.headers
    assert as_acknowledged["status"] == "acknowledged"
    assert as_acknowledged["acknowledged_by"] == school.senco.email
    assert as_acknowledged["acknowledged_on"] == "2026-11-23"
    assert as_acknowledged["acknowledgement"] == "Review booked for Friday"
    assert open_now == []
    assert as_resolved["status"] == "resolved"
    assert as_resolved["resolved_by"] == school.senco.email and as_resolved["resolved_on"] == "2026-11-23"
    assert as_resolved["resolution"] == "Reviewed on paper"
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
    _review(school, plan, "2026-11-17")

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

    assert defaults["plan_review_grace_days"] | {"description": "", "source": ""} == {
        "name": "plan_review_grace_days",
        "value": 7,
        "default": 7,
        "is_default": True,
        "minimum": 0,
        "maximum": 60,
        "unit": "days",
        "policy": "overdue_review",
        "description": "",
        "source": "",
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


def test_given_the_thresholds_when_a_reader_lists_them_then_each_says_where_its_default_comes_from(
    school: School,
) -> None:
    listed = school.user(Role.teacher).get("/setting/thresholds").json()["thresholds"]

    assert {t["name"]: t["source"] for t in listed} == {name: t.source for name, t in THRESHOLDS.items()}
    assert all(t["source"] for t in listed)


def test_given_alerts_raised_live_as_of_late_november_and_one_acknowledged_when_a_senco_runs_the_policies_as_of_october_then_it_is_a_preview_that_changes_nothing(
    school: School,
) -> None:
    _overdue_plan(school)
    _overdue_annual_review(school)
    cara, cara_plan = _reviewed_late(school)
    live = _run(school, "2026-11-23")
    by_kind = {a["kind"]: a for a in live["raised"]}
    annual_review = by_kind["ehcp_deadline"]
    acknowledged = school.senco.post(
        f"/alerts/{annual_review['id']}/acknowledge", {"note": "annual review booked for 3 Dec"}
    )
    assert acknowledged.status_code == 204, acknowledged.text
    before = school.senco.get("/alerts").json()["alerts"]
    versions = {a["id"]: _version(school, a["id"]) for a in before}
    runs_version = _version(school, LivePolicyRuns.create_id(school.setting_id))

    october = _run(school, "2026-10-20")

    assert (live["preview"], live["live_as_of"]) == (False, "2026-11-23")
    assert sorted(by_kind) == ["ehcp_deadline", "overdue_review"]
    assert sorted(f["id"] for f in live["found"]) == sorted(a["id"] for a in live["raised"])
    assert (october["as_of"], october["preview"], october["live_as_of"]) == ("2026-10-20", True, "2026-11-23")
    assert october["raised"] == october["resolved"] == []
    (found,) = october["found"]
    assert found == {
        "id": str(Alert.create_id("overdue_review", f"{cara}/{cara_plan}")),
        "kind": "overdue_review",
        "status": "open",
        "raised_on": "2026-10-20",
        "summary": found["summary"],
        "pupil_id": cara,
        "intervention_id": None,
        "plan_id": cara_plan,
        "subject": f"{cara}/{cara_plan}",
    }
    assert found["summary"].startswith("Cara Jones's support plan was due for review on 5 Oct 2026")
    # The live alerts stand exactly as they were: nothing resolved, nothing raised,
    # the acknowledgement and its note intact, no event recorded on any alert.
    after = school.senco.get("/alerts").json()["alerts"]
    assert after == before
    assert {a["id"]: a["status"] for a in after} == {
        annual_review["id"]: "acknowledged",
        by_kind["overdue_review"]["id"]: "open",
    }
    (ehcp,) = [a for a in after if a["kind"] == "ehcp_deadline"]
    assert ehcp["acknowledgement"] == "annual review booked for 3 Dec"
    assert {a["id"]: _version(school, a["id"]) for a in after} == versions
    assert _version(school, LivePolicyRuns.create_id(school.setting_id)) == runs_version


def test_given_an_acknowledged_alert_when_a_later_live_run_still_finds_its_cause_then_it_stays_acknowledged_with_its_note(
    school: School,
) -> None:
    _overdue_plan(school)
    (alert,) = _run(school, "2026-11-16")["raised"]
    assert (
        school.senco.post(f"/alerts/{alert['id']}/acknowledge", {"note": "Review booked"}).status_code == 204
    )

    later = _run(school, "2026-11-23")

    assert (later["preview"], later["live_as_of"]) == (False, "2026-11-23")
    assert later["raised"] == later["resolved"] == []
    assert [f["id"] for f in later["found"]] == [alert["id"]]
    (now,) = school.senco.get("/alerts").json()["alerts"]
    assert now["status"] == "acknowledged"
    assert now["acknowledgement"] == "Review booked"
    assert (now["acknowledged_by"], now["acknowledged_on"]) == (school.senco.email, "2026-11-23")
    assert now["raised_on"] == "2026-11-16" and now["times_raised"] == 1
    assert _version(school, alert["id"]) == 2  # raised, acknowledged: the later run recorded nothing
