"""The SENCO's desk: alerts by kind, acknowledged and resolved with and without JavaScript;
reviews due; the register's counts; read-only for a leader."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from apdr.aggregates.codes import SenProvision
from apdr.application import Actor
from apdr.projections.alerts import find_alerts
from apdr.web.routes.desk import KIND_HEADINGS
from tests.support.school import upn
from tests.support.web import LEADER, OTHER_SENCO, SENCO, TA, TEACHER, Site, assert_accessible

_names = itertools.count(1)


@pytest.fixture(scope="module", autouse=True)
def policies_run(site: Site) -> None:
    """The policies as of today, as the daily scheduler would have run them (the test site runs none)."""
    site.run_policies()


def _senco(site: Site) -> Actor:
    return site.senco


def fresh_alert(site: Site) -> tuple[UUID, str]:
    """A new pupil put on SEN support a month ago with no notice to parents recorded: the
    policies raise a parents_not_notified alert about them alone. Answers its id and the name."""
    record, senco = site.apdr.record, _senco(site)
    name = ("Deskalert", f"Pupil{next(_names)}")
    pupil_id = record.register_pupil(
        senco,
        today=site.today,
        upn=upn(),
        given_name=name[0],
        family_name=name[1],
        date_of_birth=date(2018, 3, 1),
        class_name="3A",
        admitted_on=date(2024, 9, 2),
    )
    record.change_sen_status(
        senco,
        pupil_id,
        today=site.today,
        status=SenProvision.sen_support,
        effective_on=site.today - timedelta(days=30),
        parents_notified_on=None,
        reason="Needs support additional to high-quality teaching",
    )
    site.run_policies()
    found = site.apdr.read_models.ask(
        find_alerts, site.setting_id, kind="parents_not_notified", pupil_id=pupil_id
    )
    assert len(found) == 1
    return found[0]["alert_id"], " ".join(name)


def alert_now(site: Site, alert_id: UUID) -> dict[str, object]:
    site.apdr.read_models.catch_up()
    return next(
        a for a in site.apdr.read_models.ask(find_alerts, site.setting_id) if a["alert_id"] == alert_id
    )


def test_given_open_alerts_when_the_senco_opens_the_desk_then_they_are_grouped_by_kind(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(SENCO)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{site.url}/desk")
    expect(page.get_by_role("heading", name="Desk", exact=True)).to_be_visible()
    open_kinds = {a["kind"] for a in site.apdr.read_models.ask(find_alerts, site.setting_id, status="open")}
    assert {"parents_not_notified", "missed_sessions"} <= open_kinds
    for kind in open_kinds:
        heading = page.get_by_role("heading", name=KIND_HEADINGS[kind])
        expect(heading).to_be_visible()
    expect(page.get_by_role("heading", name="Support plan reviews due by 7 Dec 2026")).to_be_visible()
    expect(page.get_by_role("link", name="Hold the review").first).to_be_visible()
    expect(page.get_by_role("heading", name="The SEN register today")).to_be_visible()
    expect(page.get_by_role("table", name="Pupils on the register by primary need")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_given_an_open_alert_when_the_senco_acknowledges_then_resolves_it_then_the_record_says_so(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    alert_id, name = fresh_alert(site)
    page = sign_in(SENCO)
    page.goto(f"{site.url}/desk")
    item = page.locator(f"#alert-{alert_id}")
    expect(item).to_contain_text(name)
    expect(item).to_contain_text("Open")
    item.get_by_label("Note (optional)").fill("Letter going home on Friday")
    item.get_by_role("button", name="Acknowledge").click()

    item = page.locator(f"#alert-{alert_id}")  # swapped in place by htmx, not a new page
    expect(item).to_contain_text("Acknowledged by senco@oakfield.example")
    expect(item.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("Alert acknowledged.")
    alert = alert_now(site, alert_id)
    assert alert["status"] == "acknowledged"
    assert alert["acknowledgement"] == "Letter going home on Friday"

    item.get_by_role("button", name="Resolve").click()
    expect(page.locator(f"#alert-{alert_id}")).to_contain_text("Resolved by senco@oakfield.example")
    expect(page.get_by_role("status")).to_have_text("Alert resolved.")
    assert alert_now(site, alert_id)["status"] == "resolved"
    assert_accessible(page)


def test_without_javascript_acknowledge_and_resolve_are_plain_forms_that_come_back_to_the_desk(
    site: Site,
) -> None:
    alert_id, _ = fresh_alert(site)
    senco = site.client(SENCO)
    senco.get("/desk")
    response = senco.post(f"/alerts/{alert_id}/acknowledge", {"note": ""})
    assert response.status_code == 303 and response.headers["location"] == "/desk"
    assert alert_now(site, alert_id)["status"] == "acknowledged"

    again = senco.post(f"/alerts/{alert_id}/acknowledge", {"note": ""})
    assert again.status_code == 422
    assert "The alert is acknowledged, not open" in again.text

    response = senco.post(f"/alerts/{alert_id}/resolve", {"note": "Parents told at the review meeting"})
    assert response.status_code == 303
    alert = alert_now(site, alert_id)
    assert alert["status"] == "resolved" and alert["resolution"] == "Parents told at the review meeting"
    gone = senco.get("/desk")
    assert str(alert_id) not in gone.text


def test_given_a_leader_when_they_open_the_desk_then_they_read_it_without_the_buttons(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    alert_id, name = fresh_alert(site)
    page = sign_in(LEADER)
    page.goto(f"{site.url}/desk")
    expect(page.locator(f"#alert-{alert_id}")).to_contain_text(name)
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.get_by_role("button", name="Resolve")).to_have_count(0)
    expect(page.get_by_role("link", name="Hold the review")).to_have_count(0)
    assert_accessible(page)


def test_given_a_leader_when_they_post_an_acknowledgement_anyway_then_it_is_refused_and_nothing_changes(
    site: Site,
) -> None:
    alert_id, _ = fresh_alert(site)
    leader = site.client(LEADER)
    leader.get("/desk")
    for action in ("acknowledge", "resolve"):
        response = leader.post(f"/alerts/{alert_id}/{action}", {"note": "not mine to do"})
        assert response.status_code == 403
    alert = alert_now(site, alert_id)
    assert alert["status"] == "open" and alert["acknowledged_by"] is None and alert["resolved_by"] is None


def test_a_teacher_reads_the_desk_and_a_teaching_assistant_may_not(site: Site) -> None:
    teacher = site.client(TEACHER).get("/desk")
    assert teacher.status_code == 200 and "Alerts to act on" in teacher.text
    assert "Acknowledge</button>" not in teacher.text
    assert site.client(TA).get("/desk").status_code == 403


def test_another_settings_senco_cannot_touch_an_oakfield_alert(site: Site) -> None:
    alert_id, name = fresh_alert(site)

    other = site.client(OTHER_SENCO)
    desk = other.get("/desk")
    assert desk.status_code == 200 and name not in desk.text
    assert other.post(f"/alerts/{alert_id}/acknowledge", {"note": ""}).status_code == 404
    assert alert_now(site, alert_id)["status"] == "open"
