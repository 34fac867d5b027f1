"""A teaching assistant's day (/today): today's groups, recording a session with one tap per
pupil who was not simply present, 'not delivered', a resend recording one session, a session
kept on the tablet while the network is down, and a wrong number of minutes beside its field.

Each test that records something plans a group of its own for the demo TA (Grace Okafor),
meeting on Mondays (TODAY, 23 November 2026, is one), with pupils of its own."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from playwright.sync_api import Locator, Page, expect

from apdr.aggregates import User
from apdr.aggregates.codes import AreaOfNeed, Delivery, Role, Weekday
from apdr.aggregates.staff_member import StaffRole
from apdr.api import create_app
from apdr.api.deps import today
from apdr.application import Actor
from apdr.projections.interventions import session_register
from tests.support.school import upn
from tests.support.server import LiveServer
from tests.support.web import LEADER, SENCO, TA, Site, assert_accessible

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
_groups = itertools.count(1)


@dataclass(frozen=True)
class Group:
    id: UUID
    name: str
    pupils: list[tuple[UUID, str]]


def plan_group(
    site: Site, *, weekdays: tuple[Weekday, ...] = (Weekday.mon, Weekday.wed), staff_id: UUID | None = None
) -> Group:
    """A running group of three new pupils, delivered by the demo TA unless ``staff_id`` is given."""
    record = site.apdr.record
    senco = Actor(SENCO, Role.senco, site.setting_id)
    n = next(_groups)
    name = f"Phonics catch-up {n}"
    intervention_id = record.plan_intervention(
        senco,
        name=name,
        programme="Phonics",
        area_of_need=AreaOfNeed.cognition_learning,
        strategy_codes=[],
        aim="Blend CVC words",
        delivery=Delivery.small_group,
        ratio="1:3",
        location="Library room",
        weekdays=list(weekdays),
        minutes_per_session=20,
        withdrawn_from="Guided reading",
        starts_on=site.today - timedelta(weeks=2),
        planned_weeks=8,
        review_due_on=site.today + timedelta(weeks=4),
        cost_per_year=Decimal("300.00"),
        staff_ids=[staff_id or ta_staff_id(site)],
    )
    pupils = []
    for given in ("Ada", "Ben", "Cleo"):
        family = f"Group{n}"
        pupil_id = record.register_pupil(
            senco,
            today=site.today,
            upn=upn(),
            given_name=given,
            family_name=family,
            date_of_birth=date(2018, 1, 10),
            class_name="2A",
            admitted_on=date(2023, 9, 4),
        )
        record.enrol_pupil(
            senco, intervention_id, pupil_id=pupil_id, starts_on=site.today - timedelta(weeks=2)
        )
        pupils.append((pupil_id, f"{given} {family}"))
    return Group(intervention_id, name, pupils)


def ta_staff_id(site: Site) -> UUID:
    staff_id = site.apdr.record.user(User.create_id(TA)).staff_id
    assert staff_id is not None
    return staff_id


def register(site: Site, group: Group) -> dict[str, list[dict[str, Any]]]:
    """The group's session register, as ``GET /interventions/{id}/sessions`` reads it."""
    return site.apdr.read_models.ask(session_register, group.id)


def section(page: Page, group: Group) -> Locator:
    return page.get_by_role("region", name=group.name, exact=True)


def form_fields(
    group: Group, session_id: str, absent: UUID | None = None, minutes: str = "20"
) -> dict[str, Any]:
    """What the group's form sends, as a browser sends it."""
    return {
        "session_id": session_id,
        "delivered_on": "2026-11-23",
        "minutes": minutes,
        "focus": "",
        "notes": "",
        "pupil": [str(p) for p, _ in group.pupils],
        **{f"status-{p}": "absent" if p == absent else "present" for p, _ in group.pupils},
    }


def test_given_a_group_today_when_the_ta_marks_one_pupil_absent_and_saves_then_one_session_is_recorded(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    group = plan_group(site)
    absent_id, absent_name = group.pupils[1]
    page = sign_in(TA)
    page.set_viewport_size(TABLET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_contain_text("Monday 23 November 2026")
    mine = section(page, group)
    expect(mine.get_by_label("Minutes")).to_have_value("20")
    for _, name in group.pupils:
        expect(mine.get_by_role("group", name=name).get_by_label("Present")).to_be_checked()
    assert_accessible(page)
    mine.get_by_role("group", name=absent_name).get_by_label("Absent").check()
    session_id = mine.locator("input[name=session_id]").input_value()
    mine.get_by_role("button", name=f"Save session of {group.name}").click()

    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text(group.name)
    expect(section(page, group)).to_contain_text("today's session is recorded (20 minutes)")
    sessions = register(site, group)["sessions"]
    assert [s["session_id"] for s in sessions] == [UUID(session_id)]
    marks = {m["pupil_id"]: m["status"] for m in sessions[0]["attendance"]}
    assert marks == {p: "absent" if p == absent_id else "present" for p, _ in group.pupils}
    assert sessions[0]["minutes"] == 20 and sessions[0]["delivered_on"] == site.today
    assert sessions[0]["delivered_by"] == ta_staff_id(site)

    # The same form sent again (a resend after a dropped connection) records nothing new.
    client = site.client(TA)
    again = client.post(f"/today/{group.id}/sessions", form_fields(group, session_id, absent=absent_id))
    assert again.status_code == 303
    assert "Already saved" in client.get(again.headers["location"]).text
    assert len(register(site, group)["sessions"]) == 1


def test_given_a_session_already_recorded_when_a_new_form_is_sent_for_the_same_day_then_it_says_why(
    site: Site,
) -> None:
    group = plan_group(site)
    client = site.client(TA)
    first = client.post(
        f"/today/{group.id}/sessions", form_fields(group, "6f1c2d1e-0000-4000-8000-000000000001")
    )
    assert first.status_code == 303
    second = client.post(
        f"/today/{group.id}/sessions", form_fields(group, "6f1c2d1e-0000-4000-8000-000000000002")
    )
    assert second.status_code == 409
    assert "already recorded on 2026-11-23" in second.text
    assert len(register(site, group)["sessions"]) == 1


def test_given_a_group_today_when_it_was_not_delivered_then_a_missed_session_is_recorded_with_its_reason(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    group = plan_group(site)
    page = sign_in(TA)
    page.set_viewport_size(PHONE)
    mine = section(page, group)
    mine.locator("summary", has_text="Not delivered").click()
    mine.get_by_label("Why was it not delivered?").select_option(label="Staff absent")
    mine.get_by_label("Notes (optional)").fill("Off sick")
    assert_accessible(page)
    mine.get_by_role("button", name=f"Record as not delivered for {group.name}").click()

    expect(page.get_by_role("status").filter(has_text="recorded as not delivered")).to_be_visible()
    expect(section(page, group)).to_contain_text("recorded as not delivered: Staff absent")
    expect(section(page, group).get_by_role("button")).to_have_count(0)
    missed = register(site, group)["missed"]
    assert [(m["scheduled_on"], m["reason"], m["notes"]) for m in missed] == [
        (site.today, "staff_absence", "Off sick")
    ]
    assert register(site, group)["sessions"] == []
    assert_accessible(page)

    client = site.client(TA)
    fields = {"scheduled_on": "2026-11-23", "reason": "staff_absence", "notes": "Off sick"}
    again = client.post(f"/today/{group.id}/missed", fields)
    assert again.status_code == 303
    assert "Already saved" in client.get(again.headers["location"]).text
    assert len(register(site, group)["missed"]) == 1


def test_given_no_reason_when_not_delivered_is_sent_then_the_page_asks_for_one_beside_the_field(
    site: Site,
) -> None:
    group = plan_group(site)
    response = site.client(TA).post(f"/today/{group.id}/missed", {"scheduled_on": "2026-11-23", "reason": ""})
    assert response.status_code == 422
    assert 'id="g' in response.text and "-reason-error" in response.text and "Fill this in" in response.text
    assert register(site, group)["missed"] == []


def test_given_the_network_is_down_when_the_ta_saves_then_it_is_kept_on_the_tablet_and_sent_once_when_back(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    group = plan_group(site)
    absent_id, absent_name = group.pupils[0]
    page = sign_in(TA)
    page.set_viewport_size(TABLET)
    mine = section(page, group)
    mine.get_by_role("group", name=absent_name).get_by_label("Absent").check()
    mine.get_by_label("Minutes").fill("18")
    page.context.set_offline(True)
    mine.get_by_role("button", name=f"Save session of {group.name}").click()

    expect(mine.get_by_role("status")).to_have_text(
        "Saved on this tablet: will send when the connection is back."
    )
    expect(page.locator("#today-kept")).to_contain_text("saved on this tablet")
    assert_accessible(page)
    assert register(site, group)["sessions"] == []
    assert page.evaluate("JSON.parse(localStorage.getItem('apdr.today.kept')).length") == 1

    page.context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text(group.name)
    expect(section(page, group)).to_contain_text("today's session is recorded (18 minutes)")
    assert page.evaluate("JSON.parse(localStorage.getItem('apdr.today.kept')).length") == 0
    page.reload()  # nothing left to send again
    expect(section(page, group)).to_contain_text("today's session is recorded")
    sessions = register(site, group)["sessions"]
    assert len(sessions) == 1
    assert {m["pupil_id"]: m["status"] for m in sessions[0]["attendance"]}[absent_id] == "absent"


def test_given_a_session_kept_on_the_tablet_when_the_page_opens_online_then_it_is_sent_by_its_own_user(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    group, someone_elses = plan_group(site), plan_group(site)
    page = sign_in(TA)
    session_id = section(page, group).locator("input[name=session_id]").input_value()
    other_id = section(page, someone_elses).locator("input[name=session_id]").input_value()
    entries = [
        _kept(TA, group, session_id),
        _kept(SENCO, someone_elses, other_id),  # kept by another user of this tablet: not sent as the TA's
    ]
    page.evaluate("entries => localStorage.setItem('apdr.today.kept', JSON.stringify(entries))", entries)
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text(group.name)
    assert [s["session_id"] for s in register(site, group)["sessions"]] == [UUID(session_id)]
    assert page.evaluate("JSON.parse(localStorage.getItem('apdr.today.kept'))[0].user") == SENCO
    assert register(site, someone_elses)["sessions"] == []


def _kept(user: str, group: Group, session_id: str) -> dict[str, str]:
    """A session as the page's script keeps it on the tablet."""
    fields = form_fields(group, session_id)
    return {
        "user": user,
        "id": session_id,
        "action": f"/today/{group.id}/sessions",
        "body": "&".join(f"{k}={v}" for k, v in _pairs(fields)),
    }


def _pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    return [(k, x) for k, v in fields.items() for x in (v if isinstance(v, list) else [v])]


def test_given_minutes_of_zero_when_saved_then_the_error_is_beside_the_minutes_and_nothing_is_recorded(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    group = plan_group(site)
    absent_name = group.pupils[2][1]
    page = sign_in(TA)
    page.set_viewport_size(PHONE)
    mine = section(page, group)
    mine.get_by_role("group", name=absent_name).get_by_label("Late").check()
    mine.get_by_label("Minutes").fill("0")
    mine.get_by_role("button", name=f"Save session of {group.name}").click()

    mine = section(page, group)
    expect(page.get_by_role("alert")).to_contain_text("a whole number from 1 to 180")
    minutes = mine.get_by_role("spinbutton", name="Minutes")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(mine.locator(".field.has-error .field-error")).to_contain_text("from 1 to 180")
    expect(minutes).to_have_value("0")
    expect(mine.get_by_role("group", name=absent_name).get_by_label("Late")).to_be_checked()
    assert_accessible(page)
    assert register(site, group)["sessions"] == []

    # Put right, the same form saves.
    minutes.fill("25")
    mine.get_by_role("button", name=f"Save session of {group.name}").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    assert [s["minutes"] for s in register(site, group)["sessions"]] == [25]


def test_minutes_over_the_longest_session_or_not_a_number_are_refused_beside_the_field(site: Site) -> None:
    group = plan_group(site)
    client = site.client(TA)
    for typed in ("181", "twenty", ""):
        response = client.post(
            f"/today/{group.id}/sessions",
            form_fields(group, "6f1c2d1e-0000-4000-8000-0000000000aa", minutes=typed),
        )
        assert response.status_code == 422, typed
        assert "-minutes-error" in response.text and "from 1 to 180" in response.text
    assert register(site, group)["sessions"] == []


def test_the_ta_sees_only_their_own_groups_that_meet_today(site: Site) -> None:
    mine = plan_group(site)
    not_today = plan_group(site, weekdays=(Weekday.tue,))
    senco = Actor(SENCO, Role.senco, site.setting_id)
    someone_else = site.apdr.record.register_staff(senco, name="Sam Cover", role=StaffRole.ta)
    not_mine = plan_group(site, staff_id=someone_else)
    text = site.client(TA).get("/today").text
    assert mine.name in text and "Ada Group" in text
    assert not_today.name not in text
    assert not_mine.name not in text


def test_given_a_saturday_when_the_ta_opens_today_then_it_says_it_is_not_a_teaching_day(site: Site) -> None:
    plan_group(site, weekdays=tuple(Weekday))
    app = create_app(apdr=site.apdr)
    app.dependency_overrides[today] = lambda: date(2026, 11, 28)
    with LiveServer(app) as server:
        text = replace(site, url=server.url).client(TA).get("/today").text
    assert "Today is not a teaching day: it is a Saturday" in text
    assert "Save session" not in text


def test_given_no_staff_record_when_a_senco_opens_today_then_a_sentence_says_why_it_is_empty(
    site: Site,
) -> None:
    response = site.client(SENCO).get("/today")
    assert response.status_code == 200
    assert "not linked to a member of staff" in response.text
    assert "Save session" not in response.text


def test_a_leader_may_not_record_sessions(site: Site) -> None:
    response = site.client(LEADER).get("/today")
    assert response.status_code == 403


def test_given_no_csrf_token_when_a_session_is_sent_then_nothing_is_recorded(site: Site) -> None:
    group = plan_group(site)
    client = site.client(TA)
    fields = form_fields(group, "6f1c2d1e-0000-4000-8000-0000000000bb")
    response = client.http.post(f"/today/{group.id}/sessions", data=fields)
    assert response.status_code == 403
    assert register(site, group)["sessions"] == []
