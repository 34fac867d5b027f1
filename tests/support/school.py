"""A school to test against over real HTTP: a setting, its SENCO signed in, helpers to add other
users and the usual records, and shorthand for the answers (problem details, a second setting,
a group running)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx

from apdr.aggregates.codes import Role
from apdr.aggregates.upn import check_letter
from apdr.api import create_app
from apdr.api.deps import today
from apdr.application import Actor
from apdr.errors import NotFound
from apdr.runtime import Apdr
from tests.support.server import LiveServer

PASSWORD = "correct horse battery"
TODAY = date(2026, 11, 23)
ADMITTED = date(2024, 9, 2)
"""When the usual test pupil joined the setting: two years before the autumn of the tests."""
_serials = itertools.count(1)


def upn(serial: int | None = None, la: str = "801") -> str:
    """A valid UPN, different every call unless ``serial`` is given."""
    serial = next(_serials) if serial is None else serial
    body = f"{la}2000{26 + serial // 1000:02d}{serial % 1000:03d}"
    return check_letter(body) + body


def random_urn() -> str:
    return f"{random.randint(100000, 999999)}"


BASELINE: dict[str, Any] = {
    "instrument": "Single word reading test",
    "measure": "reading age",
    "scale": "age_equivalent_months",
    "value": 84,
    "assessed_on": "2026-09-07",
    "kind": "baseline",
}
"""What recording the usual baseline assessment sends: a reading age of 7 years (84 months)."""


def account_body(email: str, role: str, setting: str | list[str]) -> dict[str, Any]:
    """A ``POST /users`` body: a user of one setting, or an admin of the settings listed."""
    where = {"settings": setting} if role == "admin" else {"setting": setting}
    return {"email": email, "role": role, "password": PASSWORD} | where


def pupil_body(**overrides: Any) -> dict[str, Any]:
    """What registering the usual test pupil sends, a new UPN each time."""
    return {
        "upn": upn(),
        "given_name": "Amira",
        "family_name": "Khan",
        "date_of_birth": "2017-03-14",
        "class_name": "4B",
        "admitted_on": ADMITTED.isoformat(),
    } | overrides


@dataclass
class Client:
    """An httpx client signed in as one user."""

    http: httpx.Client
    email: str
    role: Role
    setting_id: UUID | None
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, json=json, **kwargs)

    def create(self, path: str, json: Any) -> str:
        """POST, insist on 201, answer the new id."""
        response = self.post(path, json)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


@dataclass
class School:
    """A setting with its SENCO signed in, served over real HTTP."""

    apdr: Apdr
    http: httpx.Client
    setting_id: UUID
    urn: str
    senco: Client

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.http.post("/api/v1/auth/token", data={"username": email, "password": password})

    def user(
        self,
        role: Role,
        *,
        staff_id: UUID | None = None,
        setting_id: UUID | None = None,
        all_settings: bool = False,
    ) -> Client:
        """A new user signed in: of this setting (or the one named); an admin manages it alone,
        or with ``all_settings`` every setting, as only the command line can make."""
        email = f"{role.value}-{uuid4().hex[:8]}@school.example"
        setting = None if role is Role.admin else (setting_id or self.setting_id)
        admin_of = [setting_id or self.setting_id] if role is Role.admin and not all_settings else []
        self.apdr.record.add_user(
            Actor.system("test"),
            email=email,
            role=role,
            password=PASSWORD,
            setting_id=setting,
            staff_id=staff_id,
            admin_of=admin_of,
            all_settings=all_settings,
        )
        token = self.sign_in(email).json()["access_token"]
        return Client(self.http, email, role, setting, {"Authorization": f"Bearer {token}"})

    # -- the usual records ---------------------------------------------------

    def pupil(self, **overrides: Any) -> str:
        return self.senco.create("/pupils", pupil_body(**overrides))

    def staff(self, name: str = "Jo Bloggs", role: str = "ta") -> str:
        return self.senco.create("/staff", {"name": name, "role": role})

    def plan(self, pupil_id: str, **overrides: Any) -> str:
        body = {
            "starts_on": "2026-09-21",
            "review_due_on": "2026-12-11",
            "outcomes": [
                {
                    "description": "Reads 100 high-frequency words",
                    "measure": "words read correctly in one minute",
                    "target": "100",
                }
            ],
            "strategies": [{"code": "CL5", "description": "Precision teaching"}],
            "expected_impact": "Reads fluently enough to join guided reading",
            "pupil_views": "I like reading comics",
            "parent_views": "We read at bedtime",
            "home_actions": "Ten minutes of shared reading",
        } | overrides
        return self.senco.create(f"/pupils/{pupil_id}/plans", body)

    def intervention(self, staff_ids: list[str], **overrides: Any) -> str:
        body = {
            "name": "Precision teaching: HFW",
            "programme": "Precision teaching",
            "area_of_need": "cognition_learning",
            "strategy_codes": ["CL5"],
            "aim": "Read the first 100 high-frequency words",
            "delivery": "small_group",
            "ratio": "1:3",
            "location": "Library room",
            "weekdays": ["mon", "wed", "fri"],
            "minutes_per_session": 20,
            "starts_on": "2026-09-21",
            "planned_weeks": 10,
            "review_due_on": "2026-11-30",
            "cost_per_year": "1200.00",
            "staff_ids": staff_ids,
            "withdrawn_from": "guided reading",
        } | overrides
        return self.senco.create("/interventions", body)

    def ta_of(self, intervention_id: str) -> tuple[str, Client]:
        """A new TA with a staff record, assigned to the intervention and signed in: (staff id, client)."""
        staff_id = self.staff("Grace Okafor")
        assigned = self.senco.post(f"/interventions/{intervention_id}/staff", {"staff_id": staff_id})
        assert assigned.status_code < 300, assigned.text
        return staff_id, self.user(Role.ta, staff_id=UUID(staff_id))

    def enrolled_pupil(self) -> tuple[str, str, str]:
        """A new TA, a new pupil, and an intervention the TA runs with the pupil enrolled from its
        start: (TA, pupil, intervention)."""
        staff_id = self.staff()
        pupil_id = self.pupil()
        intervention_id = self.intervention([staff_id])
        self.enrol(intervention_id, pupil_id)
        return staff_id, pupil_id, intervention_id

    def enrol(self, intervention_id: str, pupil_id: str, starts_on: str = "2026-09-21", **extra: Any) -> str:
        return self.senco.create(
            f"/interventions/{intervention_id}/enrolments",
            {"pupil_id": pupil_id, "starts_on": starts_on} | extra,
        )

    def session(
        self,
        intervention_id: str,
        delivered_by: str,
        attendance: dict[str, str],
        delivered_on: str = "2026-09-21",
        client: Client | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {
            "session_id": str(uuid4()),
            "delivered_on": delivered_on,
            "minutes": 20,
            "delivered_by": delivered_by,
            "focus": "HFW set 1",
            "notes": "",
            "attendance": [{"pupil_id": p, "status": s} for p, s in attendance.items()],
        } | extra
        return (client or self.senco).post(f"/interventions/{intervention_id}/sessions", body)


def days_after(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


# -- serving a school --------------------------------------------------------------


@contextmanager
def http_to(apdr: Apdr) -> Iterator[httpx.Client]:
    """The real API over ``apdr`` on a local port, with 'today' fixed at TODAY."""
    app = create_app(apdr=apdr)
    app.dependency_overrides[today] = lambda: TODAY
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def school_at(
    apdr: Apdr, http: httpx.Client, setting_id: UUID, urn: str, senco: Client | None = None
) -> School:
    """The school of a setting ``apdr`` has, served by ``http``. With ``senco``, that user's token
    is used as it is (say, one issued before a restart); otherwise a new SENCO signs in."""
    school = School(apdr, http, setting_id, urn, Client(http, "", Role.senco, setting_id))
    school.senco = (
        Client(http, senco.email, Role.senco, setting_id, senco.headers) if senco else school.user(Role.senco)
    )
    return school


def new_school(apdr: Apdr, http: httpx.Client) -> School:
    """A new setting on ``apdr`` with its SENCO signed in, served by ``http``."""
    urn = random_urn()
    while True:
        try:
            apdr.record.setting_by_urn(urn)
        except NotFound:
            break
        urn = random_urn()
    setting_id = apdr.record.register_setting(Actor.system("test"), urn=urn, name="Test Primary")
    return school_at(apdr, http, setting_id, urn)


@contextmanager
def serve(apdr: Apdr, setting_id: UUID, urn: str, senco: Client | None = None) -> Iterator[School]:
    """A setting's school served over ``apdr`` (see ``school_at``)."""
    with http_to(apdr) as http:
        yield school_at(apdr, http, setting_id, urn, senco)


@contextmanager
def school_of_its_own(apdr: Apdr) -> Iterator[School]:
    """A new setting served over ``apdr``, for a test that needs the database to itself."""
    with http_to(apdr) as http:
        yield new_school(apdr, http)


# -- the answers and the records tests share ---------------------------------------

NOBODY = "00000000-0000-4000-8000-000000000000"


def problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """Insist on an RFC 9457 problem with ``status``, naming ``field`` as the first error if given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert body["errors"][0]["field"] == field, body
        assert body["errors"][0]["message"]
    return body


def invalid(response: httpx.Response, field: str) -> str:
    """A 422 naming ``field``; answers its message."""
    return str(problem(response, 422, field)["errors"][0]["message"])


def spreadsheet(client: Client, path: str, header: bytes, lines: int, **params: Any) -> httpx.Response:
    """Insist that ``path`` as CSV downloads as a spreadsheet file: UTF-8 with a byte-order mark,
    opening with ``header``, ``lines`` lines in all."""
    response = client.get(path, params={"format": "csv", **params})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf" + header)
    assert response.text.count("\r\n") == lines
    return response


def other_setting(school: School, role: Role = Role.senco) -> Client:
    """A user of a second setting, served by the same API."""
    setting_id = school.apdr.record.register_setting(
        Actor.system("test"), urn=random_urn(), name="Other Primary"
    )
    return school.user(role, setting_id=setting_id)


def outsider_pupil(school: School) -> tuple[Client, str]:
    """A SENCO of a second setting served by the same API, and a pupil of theirs."""
    theirs = other_setting(school)
    pupil = theirs.create(
        "/pupils",
        {
            "upn": upn(),
            "given_name": "Ola",
            "family_name": "Nowak",
            "date_of_birth": "2017-01-01",
            "class_name": "4A",
        },
    )
    return theirs, pupil


@dataclass
class Group:
    """A small-group intervention run by one TA, with two pupils enrolled from its start."""

    intervention: str
    staff: str
    amira: str
    oliver: str


def group(school: School, **overrides: Any) -> Group:
    staff = school.staff()
    amira, oliver = school.pupil(), school.pupil(given_name="Oliver", family_name="Smith")
    intervention = school.intervention([staff], **overrides)
    school.enrol(intervention, amira)
    school.enrol(intervention, oliver)
    return Group(intervention, staff, amira, oliver)
