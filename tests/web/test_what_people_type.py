"""Nothing a person types gives a server error page: every form the pages show is sent
back with what people do type (nothing, spaces, a control character, a right-to-left mark,
far too much, a date that does not exist, markup), as a whole and one field at a time.
The forms are read from the pages themselves, so a form added later is covered."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from apdr.projections.interventions import intervention_list
from apdr.projections.pupils import find_pupils
from tests.support.web import SENCO, TA, PageClient, Site

TYPED = ["", "   ", "\x00", "\u202e", "9" * 40, "-1", "2026-02-30", "<script>x</script>", "a" * 5000, "1e309"]


class Forms(HTMLParser):
    """The forms on a page that post: their action and the fields they send, as the page fills them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post" and a.get("action") != "/sign-out":
            self._open = {}
            self.forms.append((a.get("action", ""), self._open))
        elif self._open is not None and tag in ("input", "select", "textarea") and a.get("name"):
            checked = a.get("type") not in ("radio", "checkbox") or "checked" in a
            if a["name"] not in self._open or checked:
                self._open[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def forms_on(client: PageClient, path: str) -> list[tuple[str, dict[str, str]]]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = Forms()
    parser.feed(response.text)
    return parser.forms


def attempts(fields: dict[str, str]) -> Iterator[dict[str, str]]:
    typed = [name for name in fields if name != "csrf"]
    for value in TYPED:
        yield dict.fromkeys(typed, value)
    for name in typed:
        for value in ("", "\x00", "a" * 5000, "9" * 40):
            yield {**fields, name: value}


@pytest.fixture(scope="module")
def pages(site: Site) -> dict[str, list[str]]:
    site.run_policies()  # alerts on the desk, each with its forms
    ask = site.apdr.read_models.ask
    pupil = ask(find_pupils, site.setting_id, sen_status="K", limit=1)[0][0]["pupil_id"]
    group = ask(intervention_list, site.setting_id, status="running", today=site.today)[0]["id"]
    return {
        SENCO: [
            "/pupils/new",
            f"/pupils/{pupil}/needs/new",
            f"/pupils/{pupil}/plans/new",
            "/interventions/new",
            f"/interventions/{group}",
            "/requests/new",
            "/desk",
        ],
        TA: ["/today"],
    }


@pytest.mark.parametrize("email", [SENCO, TA])
def test_nothing_typed_into_any_form_gives_a_server_error(
    email: str, site: Site, pages: dict[str, list[str]]
) -> None:
    client = site.client(email)
    tried = 0
    for path in pages[email]:
        forms = forms_on(client, path)
        assert forms, f"{path} shows no form"
        for action, fields in forms:
            for sent in attempts(fields):
                response = client.post(action, sent)
                assert response.status_code < 500, (action, sent, response.status_code)
                tried += 1
            client.get(path)  # a page as it now stands, for the next form
    assert tried > 50


def test_nothing_typed_into_a_search_or_filter_gives_a_server_error(site: Site) -> None:
    client = site.client(SENCO)
    for value in TYPED:
        for path, name in (
            ("/pupils", "q"),
            ("/pupils", "sen_status"),
            ("/provision-map", "as_of"),
            ("/provision-map", "pupil_id"),
            ("/provision-map", "area_of_need"),
            ("/impact", "as_of"),
            ("/interventions", "status"),
        ):
            response = client.http.get(path, params={name: value})
            assert response.status_code < 500, (path, name, value, response.status_code)
