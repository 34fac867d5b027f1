"""Over every page the app has (read from its routes, so a page added later is covered
without a line here): axe-core finds no serious or critical violation at tablet and phone
size; a leader changes nothing; and no Oakfield user ever sees another setting's records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic
from playwright.sync_api import Page, expect

from apdr.aggregates import RecordAccess
from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.projections.alerts import find_alerts
from apdr.projections.disclosures import information_requests
from apdr.projections.interventions import intervention_list
from apdr.projections.monitoring import pupil_plans
from apdr.projections.pupils import find_pupils
from tests.support.routes import routes_of
from tests.support.web import LEADER, SENCO, TA, TEACHER, Site, assert_accessible

PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
NOT_PAGES = ("/api/", "/health", "/static/")
DOCUMENTS = (".pdf", ".csv", ".xlsx", ".xml")
"""Downloads, not pages: their own tests read them."""
OAKFIELD = (SENCO, TEACHER, TA, LEADER)

ROUTES = [
    (method, path)
    for path, route in routes_of(create_app())
    if not path.startswith(NOT_PAGES)
    for method in sorted(route.methods)
]


@dataclass(frozen=True)
class Records:
    """A record of each kind a page is about: Oakfield's, and where it has one, Elm Tree's."""

    ours: dict[str, str]
    theirs: dict[str, str]

    def url(self, path: str, whose: dict[str, str]) -> str:
        return PARAMETER.sub(lambda m: whose[m.group(1)], path)


@pytest.fixture(scope="module")
def records(site: Site) -> Records:
    site.run_policies()  # so that the desk has alerts to act on
    ask, setting_id = site.apdr.read_models.ask, site.setting_id
    on_register, _ = ask(find_pupils, setting_id, sen_status="K", limit=50)
    pupil_id, plan_id = next(
        (p["pupil_id"], plans[-1]["plan_id"])
        for p in on_register
        if (plans := ask(pupil_plans, setting_id, p["pupil_id"])) and plans[-1]["closed_on"] is None
    )
    alert = ask(find_alerts, setting_id, status="open")[0]
    request = ask(information_requests, setting_id, None)[0]
    group = ask(intervention_list, setting_id, status="running", today=site.today)[0]
    ours = {
        "pupil_id": pupil_id,
        "plan_id": plan_id,
        "intervention_id": group["id"],
        "alert_id": alert["alert_id"],
        "action": "acknowledge",
        "request_id": request["request_id"],
        "pack_id": site.issue_pack(site.senco, pupil_id, "Anytown SEND team"),
    }
    theirs = {
        "pupil_id": site.other_pupil_id,
        "plan_id": site.other_plan_id,
        "intervention_id": site.other_intervention_id,
        "pack_id": site.issue_pack(site.other_senco, site.other_pupil_id, "Elm Tree's own recipient"),
        "action": "acknowledge",
    }
    return Records({k: str(v) for k, v in ours.items()}, {k: str(v) for k, v in theirs.items()})


def session_for(pupil_id: UUID) -> dict[str, object]:
    """A session a page would send, complete (so the record's own checks are what refuse it)."""
    return {
        "session_id": str(uuid4()),
        "minutes": "20",
        "pupil": str(pupil_id),
        f"status-{pupil_id}": "present",
        "reason": "staff_absence",
    }


def pages_for(role: Role, site: Site, records: Records) -> Iterator[str]:
    """Every page (GET) the role may open, with Oakfield's records in its path."""
    client = site.client({Role.senco: SENCO, Role.ta: TA, Role.leader: LEADER, Role.teacher: TEACHER}[role])
    for method, path in ROUTES:
        if method == "GET" and not path.endswith(DOCUMENTS) and path != "/admin":
            url = records.url(path, records.ours)
            if client.get(url).status_code == 200:
                yield url


@pytest.mark.parametrize("role", [Role.senco, Role.ta, Role.leader])
def test_every_page_a_role_opens_passes_axe_at_tablet_and_phone_size(
    role: Role, sign_in: Callable[[str], Page], site: Site, records: Records
) -> None:
    urls = list(pages_for(role, site, records))
    assert len(urls) >= {Role.senco: 15, Role.ta: 3, Role.leader: 7}[role]
    page = sign_in({Role.senco: SENCO, Role.ta: TA, Role.leader: LEADER}[role])
    for size in ({"width": 768, "height": 1024}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        for url in urls:
            page.goto(f"{site.url}{url}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page)


def test_a_leader_sees_every_page_it_may_open_without_a_control_that_changes_the_record(
    sign_in: Callable[[str], Page], site: Site, records: Records
) -> None:
    urls = list(pages_for(Role.leader, site, records))
    page = sign_in(LEADER)
    for url in urls:
        page.goto(f"{site.url}{url}")
        changing = page.locator("form[method=post]:not([action='/sign-out'])")
        assert changing.count() == 0, f"{url} offers a leader a form that changes the record"


def test_a_leader_is_refused_every_change_and_nothing_is_recorded(site: Site, records: Records) -> None:
    client = site.client(LEADER)
    before = site.apdr.record.recorder.max_notification_id() or 0
    changes = [path for method, path in ROUTES if method == "POST" and path not in ("/sign-in", "/sign-out")]
    assert len(changes) >= 10
    for path in changes:
        response = client.post(records.url(path, records.ours), {"reason": "x", "minutes": "20"})
        assert response.status_code == 403, path
    assert changes_since(site, before) == []


def changes_since(site: Site, before: int) -> list[str]:
    """The topics of what was recorded since ``before``, but the audit trail's reads."""
    recorder = site.apdr.record.recorder
    return [
        n.topic
        for n in recorder.select_notifications(start=before, limit=10_000, inclusive_of_start=False)
        if n.topic != get_topic(RecordAccess.Recorded)
    ]


def test_no_oakfield_user_ever_sees_another_settings_records(site: Site, records: Records) -> None:
    theirs = [(method, path) for method, path in ROUTES if PARAMETER.search(path)]
    lists = [path for method, path in ROUTES if method == "GET" and not PARAMETER.search(path)]
    before = site.apdr.record.recorder.max_notification_id() or 0
    for email in OAKFIELD:
        client = site.client(email)
        for method, path in theirs:
            if not all(name in records.theirs for name in PARAMETER.findall(path)):
                continue  # an alert or a request: Elm Tree has none to try
            url = records.url(path, records.theirs)
            if method == "GET":
                response = client.get(url)
                assert response.status_code in (403, 404), (email, url, response.status_code)
            else:
                response = client.post(url, session_for(site.other_pupil_id))
                # refused, or turned back as invalid before anything is read: never done
                assert response.status_code in (403, 404, 422), (email, url, response.status_code)
            assert site.other_pupil_name not in response.text
        for path in [*lists, "/pupils?q=Quartermaine", "/pupils?q=Zebedee"]:
            assert site.other_pupil_name not in client.get(path).text, (email, path)
    assert changes_since(site, before) == []


def test_a_complete_session_for_another_settings_group_is_not_found(site: Site) -> None:
    client = site.client(TA)  # a member of staff, who may record the sessions they deliver
    client.get("/today")
    before = site.apdr.record.recorder.max_notification_id() or 0
    for path in ("sessions", "missed"):
        response = client.post(
            f"/today/{site.other_intervention_id}/{path}", session_for(site.other_pupil_id)
        )
        assert response.status_code == 404, path
    assert changes_since(site, before) == []
