"""Whatever a client sends: a 4xx naming what is wrong, never a 500, never a wedged read model,
and nothing personal in the access log."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.runtime import Apdr
from tests.support.school import NOBODY, Client, School, group, invalid, problem, upn
from tests.support.server import LiveServer


def test_given_dates_outside_1950_to_2099_when_sent_then_422_naming_them(school: School) -> None:
    started = time.perf_counter()
    far = school.senco.get("/provision-map", params={"as_of": "9999-12-31"})
    ancient = school.senco.get("/provision-map", params={"as_of": "0001-01-01"})
    wide = school.senco.get("/provision-map", params={"from": "1950-01-01", "as_of": "2099-12-31"})
    register = school.senco.get("/register", params={"as_of": "2100-01-01"})
    policies = school.senco.post("/policies/run", {"as_of": "0001-01-01"})
    born = school.senco.post(
        "/pupils",
        {
            "upn": upn(),
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1949-12-31",
            "class_name": "4B",
        },
    )

    for response, field in (
        (far, "as_of"),
        (ancient, "as_of"),
        (wide, "from"),
        (register, "as_of"),
        (policies, "as_of"),
        (born, "date_of_birth"),
    ):
        invalid(response, field)
    assert time.perf_counter() - started < 5  # no calendar is built for centuries
    assert (
        school.senco.get("/provision-map", params={"from": "2020-09-01", "as_of": "2026-11-23"}).status_code
        == 200
    )


def test_given_control_characters_or_broken_unicode_when_sent_then_422_and_the_read_models_carry_on(
    school: School,
) -> None:
    running = group(school)
    nul = school.senco.post(
        "/pupils",
        {
            "upn": upn(),
            "given_name": "Am\x00ira",
            "family_name": "K",
            "date_of_birth": "2017-03-14",
            "class_name": "4B",
        },
    )
    surrogate = school.senco.http.post(
        "/api/v1/staff",
        content=b'{"name": "Jo \\ud800", "role": "ta"}',
        headers=school.senco.headers | {"Content-Type": "application/json"},
    )
    in_a_list = school.senco.post(
        f"/pupils/{running.amira}/advice",
        {
            "source": "educational_psychologist",
            "received_on": "2026-10-01",
            "summary": "ok",
            "recommendations": ["fine", "bad\x07"],
        },
    )
    search = school.senco.get("/pupils", params={"search": "Am\x00"})

    invalid(nul, "given_name")
    invalid(surrogate, "name")
    invalid(in_a_list, "recommendations")
    invalid(search, "search")
    assert "control characters" in nul.json()["errors"][0]["message"]
    # Tabs and new lines are text, not controls.
    notes = school.session(
        running.intervention,
        running.staff,
        {running.amira: "present", running.oliver: "absent"},
        notes="Line 1\n\tLine 2",
    )
    assert notes.status_code == 201, notes.text
    assert school.senco.get("/provision-map").status_code == 200
    assert school.senco.get("/impact").status_code == 200


LONE_SURROGATE = "\\ud800"
"""A lone surrogate as JSON writes it: Python cannot encode one to send it, so bodies are raw bytes."""
IN_A_URL = "%ED%A0%80"
"""The same, as a URL carries it: the bytes UTF-8 would have for it, which are not UTF-8."""


def test_given_a_lone_surrogate_as_a_threshold_name_when_put_then_422_naming_it(school: School) -> None:
    response = school.senco.put(
        "/setting/thresholds",
        content=b'{"\\ud800": 1}',
        headers={"Content-Type": "application/json"},
    )

    # The name is written back as U+FFFD: what UTF-8 can carry of it.
    assert "there is no threshold" in invalid(response, "\ufffd")


def surrogate_requests(
    path: str, operation: dict[str, Any], components: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """A lone surrogate in each place a client can put one: path segments, query parameters,
    JSON keys and values (nested too), form fields."""
    parameters = operation.get("parameters", [])
    named = path
    for parameter in parameters:
        if parameter["in"] == "path":
            named = named.replace(f"{{{parameter['name']}}}", NOBODY)
    if "{" in path:
        yield {"url": re.sub(r"\{[^}]+\}", IN_A_URL, path)}
    query = "&".join(f"{p['name']}={IN_A_URL}" for p in parameters if p["in"] == "query")
    if query:
        yield {"url": f"{named}?{query}"}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/x-www-form-urlencoded" in content:
        for form in (f"username={IN_A_URL}&password={IN_A_URL}", "username=\xed\xa0\x80&password=x"):
            yield {
                "url": named,
                "content": form.encode("latin-1"),
                "type": "application/x-www-form-urlencoded",
            }
    if "application/json" in content:
        s = LONE_SURROGATE
        bodies = [f'{{"{s}": 1}}', f'"{s}"', f'["{s}"]']
        fields = fields_of(content["application/json"]["schema"], components)
        for value in (f'"{s}"', f'[{{"{s}": "{s}"}}]', f'{{"{s}": "{s}"}}'):
            bodies.append("{" + ", ".join(f'"{name}": {value}' for name in fields) + "}")
        for body in bodies:
            yield {"url": named, "content": body.encode(), "type": "application/json"}


def fields_of(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


def test_given_lone_surrogates_anywhere_a_client_can_put_them_when_sent_to_every_route_then_never_a_500(
    school: School,
) -> None:
    schema = school.http.get("/openapi.json").json()
    admin = school.user(Role.admin)
    answered: list[tuple[str, str, int]] = []

    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for request in surrogate_requests(path, operation, schema["components"]["schemas"]):
                response = send(school.senco, method, request)
                if response.status_code == 403:
                    response = send(admin, method, request)
                answered.append((method, request["url"], response.status_code))
                if 400 <= response.status_code < 500:
                    problem(response, response.status_code)

    assert [a for a in answered if a[2] >= 500] == []
    assert len(answered) > 200
    assert {status for *_, status in answered} >= {401, 422}


def send(client: Client, method: str, request: dict[str, Any]) -> httpx.Response:
    headers = client.headers | ({"Content-Type": request["type"]} if "type" in request else {})
    return client.http.request(method, request["url"], content=request.get("content"), headers=headers)


def test_given_numbers_as_strings_or_out_of_range_when_sent_then_422(school: School) -> None:
    running = group(school)

    as_text = school.session(running.intervention, running.staff, {running.amira: "present"}, minutes="20")
    as_bool = school.session(running.intervention, running.staff, {running.amira: "present"}, minutes=True)
    too_long = school.session(running.intervention, running.staff, {running.amira: "present"}, minutes=10**30)
    weeks = school.senco.post("/interventions", {"planned_weeks": 10**6})
    offset = school.senco.get("/pupils", params={"offset": 10**20})
    chronology = school.senco.get(f"/pupils/{running.amira}/chronology", params={"offset": 10**20})

    for response, field in (
        (as_text, "minutes"),
        (as_bool, "minutes"),
        (too_long, "minutes"),
        (offset, "offset"),
        (chronology, "offset"),
    ):
        invalid(response, field)
    assert "planned_weeks" in {e["field"] for e in weeks.json()["errors"]}


def test_given_an_unknown_setting_urn_when_an_admin_adds_a_user_then_422_naming_setting(
    school: School,
) -> None:
    admin = school.user(Role.admin)

    response = admin.post(
        "/users",
        {"email": "new@school.example", "role": "teacher", "setting": "999999", "password": "long enough pw"},
    )

    assert "999999" in invalid(response, "setting")


def test_given_a_search_in_the_query_string_when_served_then_the_access_log_has_the_path_not_the_query(
    served: tuple[Apdr, httpx.Client], school: School
) -> None:
    running, _ = served
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    server = LiveServer(create_app(apdr=running))
    server.server.config.access_log = True
    server.server.config.log_level = "info"
    with server:
        access = logging.getLogger("uvicorn.access")
        handler, level = Keep(), access.level
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        try:
            response = httpx.get(
                f"{server.url}/api/v1/pupils", params={"search": "Khan"}, headers=school.senco.headers
            )
        finally:
            access.removeHandler(handler)
            access.setLevel(level)

    assert response.status_code == 200
    assert any("GET /api/v1/pupils HTTP/1.1" in line for line in lines), lines
    assert not any("Khan" in line or "search" in line for line in lines)


def test_given_the_openapi_schema_when_read_then_every_error_is_documented_as_a_problem(
    school: School,
) -> None:
    schema = school.http.get("/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in methods.items()
    ]

    assert len(operations) > 50
    for path, method, operation in operations:
        for status in ("401", "422", "503"):
            content = operation["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            assert content["application/problem+json"]["schema"]["required"] == [
                "type",
                "title",
                "status",
                "detail",
            ]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    # What schemathesis checks answers against: a real 422 fits it.
    body = school.senco.post("/pupils", {"upn": "nonsense"}).json()
    assert set(body) <= set(
        schema["paths"]["/api/v1/pupils"]["post"]["responses"]["422"]["content"]["application/problem+json"][
            "schema"
        ]["properties"]
    )
