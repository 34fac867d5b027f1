"""The pages in a real browser: Playwright driving Debian's Chromium (``playwright install``
downloads a browser from a host these machines cannot reach, so the system's is launched by
its path). Without Chromium the browser tests skip and say why; CI sets
``APDR_REQUIRE_BROWSER=1``, which makes that a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apdr.runtime import Apdr
from tests.support.database import KINDS, new_database
from tests.support.web import PASSWORD, Site, served_site


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        reason = "Chromium is not installed (apt-get install chromium): the browser tests need it"
        if os.environ.get("APDR_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": chromium, "args": ["--disable-gpu"]}


@pytest.fixture(scope="module", params=KINDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo school and another setting, on a new database of each kind, served for a module."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as settings:
        running = Apdr.open(settings)
        try:
            with served_site(running) as served:
                yield served
        finally:
            running.close()


@pytest.fixture
def sign_in(page: Page, site: Site) -> Callable[[str], Page]:
    """Signs the browser's page in as a user, through the sign-in form, and answers the page."""

    def as_user(email: str, password: str = PASSWORD) -> Page:
        page.goto(f"{site.url}/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return as_user
