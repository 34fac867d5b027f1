"""Personal data is never kept by a cache or misread by a browser, and the docs page runs on a
school's network with no CDN, under a Content-Security-Policy that allows no inline script."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx

from tests.support.school import School


def no_store_and_nosniff(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "no-store", (response.url, response.headers)
    assert response.headers["x-content-type-options"] == "nosniff", (response.url, response.headers)
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_given_any_api_answer_when_sent_then_no_cache_keeps_it_and_no_browser_sniffs_it(
    school: School,
) -> None:
    pupil_id = school.pupil()
    record = school.senco.get(f"/pupils/{pupil_id}")
    export = school.senco.get("/register", params={"format": "csv", "as_of": "2026-10-01"})
    created = school.senco.post("/staff", {"name": "Jo Bloggs", "role": "ta"})
    invalid = school.senco.post("/pupils", {"upn": "nonsense"})
    not_signed_in = school.http.get("/api/v1/pupils")
    too_large = school.http.post(
        "/api/v1/auth/token", content=b"x" * (school.apdr.settings.max_request_bytes + 1)
    )
    health = school.http.get("/health")

    for response, status in (
        (record, 200),
        (export, 200),
        (created, 201),
        (invalid, 422),
        (not_signed_in, 401),
        (too_large, 413),
        (health, 200),
    ):
        assert response.status_code == status, response.text
        no_store_and_nosniff(response)
        assert "content-security-policy" not in response.headers  # for HTML only
    # The export is still streamed, not gathered whole to add the headers.
    assert export.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in export.headers


class Page(HTMLParser):
    """Every address the page loads, and any script written into it."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.inline_scripts = 0
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.loads += [found[name] for name in ("src", "href") if name in found]
        self._in_inline_script = tag == "script" and "src" not in found

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False


def test_given_the_docs_page_when_loaded_then_it_loads_only_same_origin_files_under_a_strict_csp(
    school: School,
) -> None:
    page = school.http.get("/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = dict(
        directive.strip().split(" ", 1) for directive in page.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    parsed = Page()
    parsed.feed(page.text)
    assert parsed.inline_scripts == 0
    assert parsed.loads
    for address in parsed.loads:
        assert address.startswith("/") and not address.startswith("//"), address
    assert 'data-openapi-url="/openapi.json"' in page.text


def test_given_the_docs_page_when_its_files_are_fetched_then_each_is_served_with_its_type(
    school: School,
) -> None:
    parsed = Page()
    parsed.feed(school.http.get("/docs").text)
    types = {
        ".js": ("text/javascript", "application/javascript"),
        ".css": ("text/css",),
        ".png": ("image/png",),
    }

    assert all(address.startswith("/") and not address.startswith("//") for address in parsed.loads)
    fetched = {address: school.http.get(address) for address in parsed.loads}

    assert {address.rsplit("/", 1)[-1] for address in fetched} == {
        "favicon.png",
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "init.js",
    }
    for address, response in fetched.items():
        assert response.status_code == 200, address
        assert response.headers["content-type"].startswith(types["." + address.rsplit(".", 1)[-1]]), (
            address,
            response.headers["content-type"],
        )
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "SwaggerUIBundle" in fetched["/docs/assets/swagger-ui-bundle.js"].text
    assert "dataset.openapiUrl" in fetched["/docs/init.js"].text
    schema = school.http.get("/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")  # what Swagger UI 5 reads, and 4 cannot
    assert school.http.get("/redoc").status_code == 404  # ReDoc would load from a CDN
