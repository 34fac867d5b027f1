"""What is recorded stays recorded, exactly: across a restart, in every type, and under concurrent writes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest
from eventsourcing.persistence import RecordConflictError

from apdr.aggregates import Intervention, Pupil, StaffMember, SupportPlan, UpnClaim
from apdr.aggregates.codes import (
    AssessmentKind,
    AttendanceStatus,
    Delivery,
    Rating,
    Scale,
    SenProvision,
    Weekday,
)
from apdr.aggregates.staff_member import StaffRole
from apdr.application import Actor, SenRecord
from apdr.config import Config
from apdr.runtime import Apdr
from tests.support.school import School, group, problem, random_urn, serve, upn


def _history(school: School) -> dict[str, str]:
    """A little of everything, through the API."""
    senco = school.senco
    pupil = school.pupil(date_of_birth="2017-03-14")
    assert (
        senco.post(
            f"/pupils/{pupil}/corrections", {"date_of_birth": "2017-03-15", "reason": "Typo"}
        ).status_code
        == 204
    )
    senco.post(
        f"/pupils/{pupil}/sen-status",
        {"status": "K", "effective_on": "2026-09-20", "parents_notified_on": "2026-09-21"},
    )
    senco.post(f"/pupils/{pupil}/needs", {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"})
    senco.put(f"/pupils/{pupil}/profile", {"likes": "Lego", "updated_on": "2026-10-01"})
    plan = school.plan(pupil)
    outcome = senco.get(f"/plans/{plan}").json()["outcomes"][0]["id"]
    senco.post(
        f"/plans/{plan}/reviews",
        {
            "reviewed_on": "2026-11-20",
            "outcomes": [{"outcome_id": outcome, "rating": "partly_met"}],
            "decision": "adjust",
            "next_review_due_on": "2027-02-12",
        },
    )
    staff = school.senco.create("/staff", {"name": "Grace Okafor", "role": "hlta"})
    senco.post(
        f"/staff/{staff}/training",
        {"programme": "Talk Boost", "completed_on": "2026-09-01", "expires_on": "2028-08-31"},
    )
    intervention = school.intervention(
        [staff],
        delivery="class",
        ratio="2:28",
        weekdays=["tue", "thu"],
        cost_per_year="1200.50",
        starts_on="2026-09-22",
    )
    school.enrol(intervention, pupil, starts_on="2026-09-22", plan_id=plan)
    session = school.session(intervention, staff, {pupil: "late"}, delivered_on="2026-09-22")
    assert session.status_code == 201
    senco.post(
        f"/pupils/{pupil}/assessments",
        {
            "instrument": "Reading test",
            "measure": "reading age",
            "scale": "age_equivalent_months",
            "value": "84.50",
            "assessed_on": "2026-09-07",
            "kind": "baseline",
            "intervention_id": intervention,
        },
    )
    senco.put(
        "/setting/term-dates",
        {
            "academic_year": 2026,
            "terms": [{"name": "autumn", "starts_on": "2026-09-03", "ends_on": "2026-12-18"}],
            "closures": ["2026-11-02"],
        },
    )
    return {
        "pupil": pupil,
        "plan": plan,
        "staff": staff,
        "intervention": intervention,
        "session": session.request.content.decode(),
    }


def _read(school: School, ids: dict[str, str]) -> dict[str, Any]:
    def body(path: str) -> Any:
        response = school.senco.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return {
        "pupil": body(f"/pupils/{ids['pupil']}"),
        "pupils": body("/pupils"),
        "plan": body(f"/plans/{ids['plan']}"),
        "staff": body(f"/staff/{ids['staff']}"),
        "intervention": body(f"/interventions/{ids['intervention']}"),
        "calendar": body("/setting/calendar"),
    }


def test_given_a_history_when_apdr_restarts_then_everything_reads_back_the_same(database: Config) -> None:
    first = Apdr.open(database)
    urn = random_urn()
    setting_id = first.record.register_setting(Actor.system("test"), urn=urn, name="Test Primary")
    try:
        with serve(first, setting_id, urn) as school:
            ids = _history(school)
            before = _read(school, ids)
            senco = school.senco
    finally:
        first.close()

    second = Apdr.open(database)
    try:
        with serve(second, setting_id, urn, senco=senco) as school:
            after = _read(school, ids)  # with the token issued before the restart
            replayed = school.senco.post(
                f"/interventions/{ids['intervention']}/sessions",
                content=ids["session"],
                headers={"Content-Type": "application/json"},
            )
            signed_in = school.sign_in(senco.email)
    finally:
        second.close()

    assert after == before
    assert (
        before["pupil"]["date_of_birth"] == "2017-03-15"
        and before["intervention"]["cost_per_year"] == "1200.50"
    )
    assert before["plan"]["reviews"][0]["outcomes"][0]["rating"] == "partly_met"
    assert replayed.status_code == 201 and replayed.headers["x-apdr-replayed"] == "true"
    assert signed_in.status_code == 200


def test_given_a_history_when_read_from_a_fresh_store_then_every_custom_type_comes_back_as_itself(
    database: Config,
) -> None:
    first = Apdr.open(database)
    urn = random_urn()
    setting_id = first.record.register_setting(Actor.system("test"), urn=urn, name="Test Primary")
    try:
        with serve(first, setting_id, urn) as school:
            ids = {k: v for k, v in _history(school).items() if k != "session"}
    finally:
        first.close()

    record = SenRecord(database, env={"AGGREGATE_CACHE_MAXSIZE": "0"})
    try:
        pupil: Pupil = record.repository.get(UUID(ids["pupil"]))
        plan: SupportPlan = record.repository.get(UUID(ids["plan"]))
        staff: StaffMember = record.repository.get(UUID(ids["staff"]))
        intervention: Intervention = record.repository.get(UUID(ids["intervention"]))
        corrected = next(
            e for e in record.repository.event_store.get(pupil.id) if isinstance(e, Pupil.DetailsCorrected)
        )
        setting = record.setting(setting_id)
    finally:
        record.close()

    assert type(pupil.date_of_birth) is date and pupil.date_of_birth == date(2017, 3, 15)
    assert corrected.changes == {"date_of_birth": date(2017, 3, 15)}
    assert corrected.previous == {"date_of_birth": date(2017, 3, 14)}
    assert pupil.sen_status is SenProvision.sen_support and pupil.parents_notified_on == date(2026, 9, 21)
    (assessment,) = pupil.assessments.values()
    assert (assessment["scale"], assessment["kind"]) == (Scale.age_equivalent_months, AssessmentKind.baseline)
    assert type(assessment["value"]) is Decimal and str(assessment["value"]) == "84.50"
    assert assessment["intervention_id"] == intervention.id and isinstance(
        assessment["intervention_id"], UUID
    )
    assert pupil.profile is not None and pupil.profile["updated_on"] == date(2026, 10, 1)
    assert plan.reviews[0]["outcomes"][0]["rating"] is Rating.partly_met
    assert all(isinstance(o, UUID) for o in plan.outcomes)
    assert staff.role is StaffRole.hlta and staff.training[0]["expires_on"] == date(2028, 8, 31)
    assert intervention.delivery is Delivery.class_
    assert intervention.schedule_on(date(2026, 11, 23)).weekdays == (Weekday.tue, Weekday.thu)
    assert type(intervention.cost_per_year) is Decimal and str(intervention.cost_per_year) == "1200.50"
    ((session),) = intervention.sessions.values()
    assert session["details"][4][0]["status"] is AttendanceStatus.late
    assert intervention.enrolments[pupil.id][0]["plan_id"] == plan.id
    assert setting.configured_closures() == [date(2026, 11, 2)]


def test_given_two_tablets_when_they_record_different_sessions_at_once_then_both_are_recorded(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = group(school)
    before = school.senco.get(f"/interventions/{g.intervention}").json()["version"]
    record = school.apdr.record
    both_loaded = threading.Barrier(2, timeout=20)
    waited = threading.local()
    conflicts: list[str] = []
    load, store = record._get, record._store

    def load_together(cls: type, aggregate_id: UUID, actor: Actor) -> Any:
        aggregate = load(cls, aggregate_id, actor)
        if cls is Intervention and not getattr(waited, "done", False):
            waited.done = True
            both_loaded.wait()  # each has the same version before either saves
        return aggregate

    def store_counting(*aggregates: Any, **options: Any) -> Any:
        try:
            return store(*aggregates, **options)
        except RecordConflictError:
            conflicts.append(threading.current_thread().name)
            raise

    monkeypatch.setattr(record, "_get", load_together)
    monkeypatch.setattr(record, "_store", store_counting)
    marks = {g.amira: "present", g.oliver: "present"}

    with ThreadPoolExecutor(2) as pool:
        monday, wednesday = pool.map(
            lambda day: school.session(g.intervention, g.staff, marks, delivered_on=day),
            ["2026-09-21", "2026-09-23"],
        )

    assert (monday.status_code, wednesday.status_code) == (201, 201), (monday.text, wednesday.text)
    assert len(conflicts) == 1  # one of them found the other had saved first, and did it again
    after = school.senco.get(f"/interventions/{g.intervention}").json()
    assert (after["sessions_recorded"], after["version"]) == (2, before + 2)


def test_given_a_free_upn_when_two_registrations_race_for_it_then_one_201_and_one_409(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = school.apdr.record
    both_checked = threading.Barrier(2, timeout=20)
    claim_upn = record._claim_upn

    def claim_together(setting_id: UUID, the_upn: str, pupil_id: UUID) -> UpnClaim:
        claim = claim_upn(setting_id, the_upn, pupil_id)
        both_checked.wait()  # each found the UPN free before either saved
        return claim

    monkeypatch.setattr(record, "_claim_upn", claim_together)
    the_upn = upn()
    bodies = [
        {
            "upn": the_upn,
            "given_name": name,
            "family_name": "Khan",
            "date_of_birth": "2017-03-14",
            "class_name": "4B",
        }
        for name in ("Amira", "Zainab")
    ]

    with ThreadPoolExecutor(2) as pool:
        responses: list[httpx.Response] = list(
            pool.map(lambda body: school.senco.post("/pupils", body), bodies)
        )

    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert "at the same moment" in str(problem(loser, 409)["detail"])
    listed = school.senco.get("/pupils").json()["pupils"]
    assert [p["upn"] for p in listed] == [the_upn]
    claim = record.repository.get(UpnClaim.create_id(school.setting_id, the_upn))
    assert str(claim.pupil_id) == next(r for r in responses if r.status_code == 201).json()["id"]
