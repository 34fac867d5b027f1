"""The pages served for a real browser: the demo school (Oakfield, as of TODAY) and, beside it,
another setting with a pupil of its own that no Oakfield user may ever see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from apdr.aggregates.codes import PackKind, Role
from apdr.api import create_app
from apdr.api.deps import today
from apdr.application import Actor
from apdr.demo.school import DEMO_PASSWORD, DEMO_URN, load_demo_school
from apdr.evidence.packs import composer
from apdr.policies.runner import PolicyRunner
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.school import TODAY
from tests.support.server import LiveServer

SENCO = "senco@oakfield.example"
TEACHER = "teacher@oakfield.example"
TA = "ta@oakfield.example"
LEADER = "head@oakfield.example"
ADMIN = "admin@oakfield.example"
OTHER_SENCO = "senco@elmtree.example"
PASSWORD = DEMO_PASSWORD

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass(frozen=True)
class Site:
    apdr: Apdr
    url: str
    setting_id: UUID
    other_setting_id: UUID
    other_pupil_id: UUID
    other_pupil_name: str
    other_plan_id: UUID
    other_intervention_id: UUID
    today: date = TODAY

    @property
    def senco(self) -> Actor:
        """Oakfield's SENCO, for records a test makes through the service."""
        return Actor(SENCO, Role.senco, self.setting_id)

    @property
    def other_senco(self) -> Actor:
        return Actor(OTHER_SENCO, Role.senco, self.other_setting_id)

    def run_policies(self) -> None:
        """The policies as of today, as the daily scheduler would have run them (the test site runs none)."""
        PolicyRunner(self.apdr.record, self.apdr.read_models).run(self.senco, self.setting_id, self.today)

    def issue_pack(self, actor: Actor, pupil_id: UUID, recipient: str) -> UUID:
        """A pupil's educational record sent to ``recipient``, as POST /pupils/{id}/packs issues it."""
        record, read_models = self.apdr.record, self.apdr.read_models
        read_models.catch_up()
        pack_id = record.issue_pack(
            actor,
            pupil_id,
            today=self.today,
            now=datetime.combine(self.today, datetime.min.time(), UTC) + timedelta(hours=10),
            compose=composer(record, read_models, actor),
            kind=PackKind.educational_record,
            as_of=self.today,
            recipient=recipient,
        )
        read_models.catch_up()
        return pack_id

    def client(self, email: str | None = None, password: str = PASSWORD) -> PageClient:
        """An httpx client with the browser's cookies, signed in as ``email`` (if given)."""
        client = PageClient(httpx.Client(base_url=self.url, timeout=30, follow_redirects=False))
        if email is not None:
            client.sign_in(email, password)
        return client


class PageClient:
    """What a browser does, without one: the cookies, and the CSRF token every form carries."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.csrf = ""

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        response = self.http.get(path, **kwargs)  # type: ignore[arg-type]
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, object] | None = None, **kwargs: object) -> httpx.Response:
        if not self.csrf:
            self.get("/")
        return self.http.post(path, data={"csrf": self.csrf, **(data or {})}, **kwargs)  # type: ignore[arg-type]

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/")
        response = self.post("/sign-in", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        self.get(response.headers["location"])
        return response


@contextmanager
def served_site(apdr: Apdr) -> Iterator[Site]:
    """The demo school and a second setting on ``apdr``, served with 'today' fixed at TODAY."""
    load_demo_school(apdr.record, as_of=TODAY)
    setting_id = apdr.record.setting_by_urn(DEMO_URN).id
    other = History(apdr.record, TODAY)  # another school, with a pupil, a plan and a group of its own
    apdr.record.add_user(
        Actor.system("test"),
        email=OTHER_SENCO,
        role=Role.senco,
        password=PASSWORD,
        setting_id=other.setting_id,
    )
    pupil_id = other.pupil(given_name="Zebedee", family_name="Quartermaine", class_name="4E")
    plan_id = other.plan(pupil_id, starts_on=date(2026, 9, 14), review_due_on=date(2026, 12, 4))
    _, intervention_id = other.group(pupil_id)
    apdr.read_models.catch_up()
    app = create_app(apdr=apdr)
    app.dependency_overrides[today] = lambda: TODAY
    with LiveServer(app) as server:
        yield Site(
            apdr,
            server.url,
            setting_id,
            other.setting_id,
            pupil_id,
            "Zebedee Quartermaine",
            plan_id,
            intervention_id,
        )


AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation of WCAG 2.2 A/AA on the page as it stands."""
    results = AXE.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
    )
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not found, f"{page.url}: " + "; ".join(found)
