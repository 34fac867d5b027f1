"""A pupil's chronology, fed real events on both databases and read through its query."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Alert
from apdr.aggregates.codes import (
    AdviceSource,
    AssessmentKind,
    AttendanceStatus,
    ConcernSource,
    Decision,
    EhcpMilestone,
    InterventionDecision,
    LawfulBasis,
    MissedReason,
    NeedType,
    Rating,
    SenProvision,
    Weekday,
)
from apdr.application import Actor
from apdr.projections.chronology import Chronology, pupil_chronology, pupil_chronology_json
from apdr.runtime import Apdr
from tests.support.history import History

PRESENT, ABSENT, LATE = AttendanceStatus.present, AttendanceStatus.absent, AttendanceStatus.late


def chronology(apdr: Apdr, pupil_id: UUID, **page: Any) -> list[dict[str, Any]]:
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        return list(pupil_chronology(conn, pupil_id, **page))


def summaries(entries: list[dict[str, Any]]) -> list[str]:
    return [e["summary"] for e in entries]


def kinds(entries: list[dict[str, Any]]) -> list[str]:
    return [e["kind"] for e in entries]


def table_rows(apdr: Apdr) -> dict[str, list[tuple[Any, ...]]]:
    with apdr.engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(sa.select(t))), key=repr)
            for t in Chronology.tables
        }


def _reading_baseline(history: History, pupil: UUID, intervention: UUID | None = None) -> UUID:
    return history.assess(pupil, date(2026, 9, 7), "84", AssessmentKind.baseline, intervention)


def _plan(history: History, pupil: UUID) -> UUID:
    outcome = {"description": "Reads 100 high-frequency words", "measure": "words read", "target": "100"}
    return history.plan(pupil, date(2026, 9, 21), date(2026, 12, 11), outcomes=[outcome])


def test_given_a_pupils_record_when_the_chronology_is_read_then_every_event_is_there_in_the_order_it_happened(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira = history.pupil()
    # Recorded out of order: the chronology follows when things happened.
    history.sen_status(amira, SenProvision.sen_support, date(2026, 9, 20), date(2026, 9, 20))
    history.need(amira, NeedType.SPLD, 1, date(2026, 9, 15))
    record.raise_concern(
        senco,
        amira,
        today=today,
        raised_on=date(2026, 9, 1),
        raised_by=ConcernSource.parent,
        raised_by_name="Mrs Khan",
        concern="Finds reading homework very hard",
    )
    _reading_baseline(history, amira)
    record.update_profile(
        senco,
        amira,
        today=today,
        updated_on=date(2026, 9, 25),
        sections={"like_and_admire": "Kind"},
        replace=True,
    )
    record.receive_advice(
        senco,
        amira,
        today=today,
        source=AdviceSource.educational_psychologist,
        received_on=date(2026, 10, 2),
        author="Dr Patel",
        summary="Phonological processing well below age",
        recommendations=[],
    )
    history.milestone(amira, EhcpMilestone.requested, date(2026, 10, 5))
    record.share_information(
        senco,
        amira,
        today=today,
        shared_on=date(2026, 10, 6),
        shared_with="Local authority SEN team",
        purpose="EHC needs assessment request",
        lawful_basis=LawfulBasis.public_task,
        what="SEN support record",
    )
    history.move_class(amira, "5B", date(2026, 10, 12))
    history.end_need(amira, NeedType.SPLD, date(2026, 11, 2))
    history.leave(amira, date(2026, 11, 20), "Oak Academy")

    entries = chronology(apdr, amira)

    assert kinds(entries) == [
        "registered",  # the day the pupil joined the setting (September 2024), though typed in later
        "concern_raised",
        "assessment",
        "need_identified",
        "sen_status_changed",
        "profile_updated",
        "advice_received",
        "ehcp_milestone",
        "information_shared",
        "moved_class",
        "need_ended",
        "left_setting",
    ]
    assert [e["occurred_on"] for e in entries[:5]] == [
        date(2024, 9, 2),
        date(2026, 9, 1),
        date(2026, 9, 7),
        date(2026, 9, 15),
        date(2026, 9, 20),
    ]
    assert summaries(entries)[1:5] == [
        "Concern raised by a parent (Mrs Khan): Finds reading homework very hard",
        "Reading age 84 months (Single word reading test), baseline",
        "Primary need identified: specific learning difficulty (SPLD)",
        "SEN support (K) began; parents notified on 20 Sep 2026",
    ]
    assert "Advice from an educational psychologist (Dr Patel)" in entries[6]["summary"]
    assert entries[9]["summary"] == "Moved to class 5B"
    assert entries[11]["summary"] == "Left the setting for Oak Academy"
    assert {e["recorded_by"] for e in entries} == {senco.email}
    now = datetime.now(UTC)
    assert all(now - timedelta(minutes=5) < e["recorded_at"] <= now for e in entries)
    status = entries[4]["data"]
    assert status["status"] == "K" and status["previous"] == "N"
    assert status["effective_on"] == "2026-09-20" and isinstance(status["change_id"], str)


def test_given_a_group_session_when_each_pupils_chronology_is_read_then_each_shows_only_their_own_attendance(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    session = history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT, ben: ABSENT})

    amira_sessions = [e for e in chronology(apdr, amira) if e["kind"] == "session"]
    ben_sessions = [e for e in chronology(apdr, ben) if e["kind"] == "session"]

    assert summaries(amira_sessions) == ["Attended 'Precision teaching: HFW' (20 minutes): present"]
    assert summaries(ben_sessions) == ["Did not attend 'Precision teaching: HFW' (20 minutes): absent"]
    data = amira_sessions[0]["data"]
    assert data["session_id"] == str(session) and data["intervention_id"] == str(pt)
    assert data["status"] == "present" and data["minutes"] == 20
    assert str(ben) not in repr(data)  # another pupil's mark is not part of Amira's record


def test_given_events_about_a_whole_intervention_when_read_then_only_pupils_enrolled_that_day_see_them(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    _, pt = history.group(amira)
    history.enrol(pt, ben, starts_on=date(2026, 10, 5))
    history.missed(pt, date(2026, 9, 23), MissedReason.staff_absence)
    record.observe_delivery(
        senco,
        pt,
        today=today,
        observed_on=date(2026, 10, 7),
        observer="SENCO",
        fidelity=3,
        notes="",
        actions="",
    )
    history.withdraw(pt, amira, date(2026, 10, 9), "moved to a 1:1 programme")
    history.review_intervention(
        pt, date(2026, 11, 2), "Good progress", None, decision=InterventionDecision.end
    )

    amira_kinds = kinds(chronology(apdr, amira))
    ben_entries = chronology(apdr, ben)

    assert amira_kinds == ["registered", "enrolled", "session_missed", "delivery_observed", "withdrawn"]
    assert kinds(ben_entries) == [
        "registered",
        "enrolled",
        "delivery_observed",
        "intervention_reviewed",
        "intervention_ended",
    ]
    assert summaries(ben_entries)[2:5] == [
        "Delivery of 'Precision teaching: HFW' observed by SENCO: fidelity 3 of 4",
        "'Precision teaching: HFW' reviewed: decision: end",
        "'Precision teaching: HFW' ended (ended at review)",
    ]
    assert ben_entries[2]["data"]["intervention_id"] == str(pt)


def test_given_corrections_when_the_chronology_is_read_then_each_stands_beside_what_it_corrects(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    monday = history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT, ben: PRESENT})
    wednesday = history.session(pt, jo, date(2026, 9, 23), {amira: PRESENT, ben: PRESENT})
    friday = history.session(pt, jo, date(2026, 9, 25), {amira: PRESENT, ben: PRESENT})
    assessment = _reading_baseline(history, amira)
    # Recorded weeks later, the corrections are placed at the date of what they correct.
    history.correct_session(pt, monday, {amira: LATE, ben: PRESENT}, "register marked on the wrong line")
    record.correct_session(senco, pt, wednesday, today=today, reason="ran short", minutes=15)
    record.void_session(senco, pt, friday, reason="recorded twice")
    record.correct_assessment(
        senco,
        amira,
        today=today,
        assessment_id=assessment,
        value=Decimal("86"),
        assessed_on=None,
        reason="misread",
    )
    record.correct_pupil_details(senco, amira, today=today, reason="spelt wrongly", family_name="Khan-Ali")

    amira_entries = chronology(apdr, amira)
    ben_entries = chronology(apdr, ben)

    assert kinds(amira_entries) == [
        "registered",
        "details_corrected",
        "assessment",
        "assessment_corrected",
        "enrolled",
        "session",
        "session_corrected",
        "session",
        "session_corrected",
        "session",
        "session_voided",
    ]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in amira_entries:
        by_kind.setdefault(entry["kind"], []).append(entry)
    corrected_assessment = by_kind["assessment_corrected"][0]
    assert corrected_assessment["occurred_on"] == date(2026, 9, 7)
    assert corrected_assessment["summary"] == (
        "Assessment corrected: reading age (Single word reading test) of 7 Sep 2026: "
        "86 months, not 84 months (misread)"
    )
    assert corrected_assessment["data"]["corrects"] == {
        "kind": "assessment",
        "assessment_id": str(assessment),
    }
    assert corrected_assessment["data"]["previous_value"] == "84"
    first, second = by_kind["session_corrected"]
    assert first["occurred_on"] == date(2026, 9, 21)
    assert first["summary"] == (
        "Session of 'Precision teaching: HFW' on 21 Sep 2026 corrected: late, not present "
        "(register marked on the wrong line)"
    )
    assert first["data"]["corrects"] == {"kind": "session", "session_id": str(monday)}
    assert first["data"]["status"] == "late" and first["data"]["previous_status"] == "present"
    assert "15 minutes, not 20" in second["summary"]
    voided = by_kind["session_voided"][0]
    assert voided["occurred_on"] == date(2026, 9, 25)
    assert "did not happen (recorded twice)" in voided["summary"]
    details = by_kind["details_corrected"][0]
    assert details["occurred_on"] == by_kind["registered"][0]["occurred_on"]
    assert details["summary"] == "Details corrected: family name is Khan-Ali, not Khan (spelt wrongly)"
    assert details["data"]["corrects"] == {"kind": "registered"}
    # The originals are never changed.
    assert by_kind["session"][0]["summary"].endswith(": present")
    assert by_kind["assessment"][0]["data"]["value"] == "84"
    # Ben's mark on Monday did not change: that correction is not part of his record; the others are.
    assert kinds(ben_entries).count("session_corrected") == 1
    assert "session_voided" in kinds(ben_entries)


def test_given_a_support_plan_when_it_is_agreed_reviewed_and_followed_then_its_pupil_sees_each_step(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    plan = _plan(history, amira)
    record.agree_plan(senco, plan, today=today, agreed_on=date(2026, 9, 24), agreed_with="Mrs Khan", notes="")
    record.move_review(senco, plan, review_due_on=date(2026, 11, 6), reason="before the EP visit")
    history.review(plan, date(2026, 11, 6), Rating.partly_met, None, decision=Decision.end_support, tried="")

    entries = chronology(apdr, amira)

    assert [k for k in kinds(entries) if k.startswith("plan")] == [
        "plan_started",
        "plan_drafted",  # typed in later than it started: dated by its start
        "plan_agreed",
        "plan_reviewed",
        "plan_closed",
        "plan_review_moved",
    ]
    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["plan_agreed"]["summary"] == "Support plan agreed with parents (Mrs Khan)"
    assert (
        by_kind["plan_reviewed"]["summary"]
        == "Support plan reviewed: 1 partly met; decision: end SEN support"
    )
    assert by_kind["plan_review_moved"]["summary"] == (
        "Support plan review moved from 11 Dec 2026 to 6 Nov 2026 (before the EP visit)"
    )
    assert by_kind["plan_reviewed"]["data"]["plan_id"] == str(plan)
    assert not [e for e in chronology(apdr, ben) if e["kind"].startswith("plan")]


def test_given_alerts_when_raised_about_a_pupil_then_they_join_that_pupils_chronology_only(
    apdr: Apdr, history: History
) -> None:
    record, senco, today = history.record, history.senco, history.today
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    policy = Actor.system("apdr")
    for subject, pupil in (("amira", amira), ("school", None)):
        record.raise_alert(
            policy,
            setting_id=history.setting_id,
            kind="low_attendance",
            subject=subject,
            raised_on=date(2026, 11, 16),
            summary="Attended 2 of 9 sessions",
            pupil_id=pupil,
        )
    alert = Alert.create_id("low_attendance", "amira")
    record.acknowledge_alert(senco, alert, today=today, note="talking to parents")
    record.resolve_alert(senco, alert, today=today, note="attendance plan agreed")
    record.cause_gone(policy, alert, on=today)

    entries = [e for e in chronology(apdr, amira) if e["kind"].startswith("alert")]

    assert summaries(entries) == [
        "Alert raised: Attended 2 of 9 sessions",
        "Alert acknowledged: low attendance (talking to parents)",
        "Alert resolved: low attendance (attendance plan agreed)",
    ]
    assert [e["recorded_by"] for e in entries] == ["apdr", senco.email, senco.email]
    assert entries[0]["data"]["alert_id"] == str(alert)
    assert not [e for e in chronology(apdr, ben) if e["kind"].startswith("alert")]


def test_given_another_setting_when_a_pupils_chronology_is_read_then_it_holds_nothing_of_theirs(
    apdr: Apdr, history: History
) -> None:
    other = History(apdr.record)
    amira = history.pupil("Amira", "Khan")
    zoe = other.pupil("Zoe", "Other")
    jo, theirs = other.group(zoe)
    other.session(theirs, jo, date(2026, 9, 21), {zoe: PRESENT})

    entries = chronology(apdr, amira)

    assert kinds(entries) == ["registered"]
    assert "Amira Khan" in entries[0]["summary"]


def test_given_a_long_chronology_when_read_a_page_at_a_time_then_the_pages_make_up_the_whole(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    jo, pt = history.group(amira)
    for week in range(4):
        for offset in (0, 2, 4):
            history.session(pt, jo, date(2026, 9, 21) + timedelta(weeks=week, days=offset), {amira: PRESENT})

    whole = chronology(apdr, amira)
    pages = [chronology(apdr, amira, limit=5, offset=start) for start in range(0, len(whole), 5)]

    assert len(whole) == 14
    assert [len(p) for p in pages] == [5, 5, 4]
    assert [e for page in pages for e in page] == whole


def test_given_the_chronology_as_json_text_when_parsed_then_it_is_the_same_entries(
    apdr: Apdr, history: History
) -> None:
    """What the API streams (data written as stored) says what the query answers."""
    amira = history.pupil()
    _reading_baseline(history, amira)
    _plan(history, amira)
    entries = chronology(apdr, amira)

    with apdr.engine.connect() as conn:
        texts = list(pupil_chronology_json(conn, amira, limit=3, offset=1))

    assert [json.loads(t) for t in texts] == [
        e | {"occurred_on": e["occurred_on"].isoformat(), "recorded_at": e["recorded_at"].isoformat()}
        for e in entries[1:4]
    ]


def test_given_a_rebuild_when_it_finishes_then_every_row_is_identical(apdr: Apdr, history: History) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    jo, pt = history.group(amira, ben)
    monday = history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT, ben: ABSENT})
    history.correct_session(pt, monday, {amira: ABSENT, ben: PRESENT}, "wrong line")
    # Rebuilt, these are in one batch with the session: each reads it as the batch left it.
    history.correct_session(pt, monday, {amira: LATE, ben: PRESENT}, "late, not absent")
    history.record.void_session(history.senco, pt, monday, reason="recorded for the wrong group")
    _reading_baseline(history, amira, intervention=pt)
    _plan(history, amira)
    apdr.read_models.catch_up()
    before = table_rows(apdr)

    apdr.read_models.rebuild("chronology")

    assert table_rows(apdr) == before
    # Two pupils' entries, the session once (its pupils' entries are made from it when read):
    # the second correction changed Amira's mark alone, and the void is an entry for both.
    assert len(before["chronology_entries"]) == 12
    assert len(before["chronology_sessions"]) == 1


def test_given_what_the_projection_remembered_is_forgotten_when_more_events_come_then_it_finds_it_again(
    apdr: Apdr, history: History
) -> None:
    """As after a restart, or when another process applied the events that told it."""
    record, senco, today = history.record, history.senco, history.today
    amira = history.pupil()
    jo, pt = history.group(amira)
    plan = _plan(history, amira)
    apdr.read_models.catch_up()
    apdr.read_models.projections["chronology"].reset()

    history.session(pt, jo, date(2026, 9, 21), {amira: PRESENT})
    record.agree_plan(senco, plan, today=today, agreed_on=date(2026, 9, 24), agreed_with="", notes="")

    entries = chronology(apdr, amira)

    assert "Attended 'Precision teaching: HFW' (20 minutes): present" in summaries(entries)
    assert "Support plan agreed with parents" in summaries(entries)


def test_given_a_timetable_changed_and_a_missed_session_voided_when_read_then_enrolled_pupils_see_both(
    apdr: Apdr, history: History
) -> None:
    record, senco = history.record, history.senco
    amira = history.pupil("Amira", "Khan")
    _, pt = history.group(amira)
    missed = history.missed(pt, date(2026, 9, 23), MissedReason.staff_absence)
    record.void_missed_session(senco, pt, missed, reason="it ran after lunch")
    record.change_schedule(
        senco,
        pt,
        effective_on=date(2026, 11, 30),
        weekdays=[Weekday.tue, Weekday.thu],
        planned_weeks=16,
        reason="continue after review",
    )

    entries = chronology(apdr, amira)

    assert kinds(entries)[-3:] == ["session_missed", "missed_session_voided", "schedule_changed"]
    assert entries[-2]["summary"] == (
        "Session of 'Precision teaching: HFW' on 23 Sep 2026 was recorded as missed in error (it ran after lunch)"
    )
    assert entries[-1]["occurred_on"] == date(2026, 11, 30)
    assert entries[-1]["summary"] == (
        "Timetable of 'Precision teaching: HFW' changed from 30 Nov 2026: days Mon, Wed, Fri now Tue, Thu; "
        "planned for 10 weeks now 16 (continue after review)"
    )
