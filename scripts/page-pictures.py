"""Make the README's pictures of the pages: the sign-in page, a teaching assistant's day, the
SENCO's desk, a pupil's page, the provision map and the impact page, in Debian's Chromium.

    .venv/bin/python scripts/page-pictures.py [--today 2026-11-23] [--out docs/images]

It loads the demo school (``apdr demo``, as of ``--today``) into a new SQLite file in a
temporary directory, serves it on a port this process binds, signs in through the sign-in
form as each user, and saves ``page-*.png`` at tablet size (768x1024; the TA's day also at
phone size). The temporary directory, database and all, is removed at the end. Run it again
after a page's layout changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "oakfield-demo"
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", default="2026-11-23", help="the demo's today (APDR_TODAY)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="apdr-page-pictures-") as directory:
        work = Path(directory)
        os.environ.update(
            APDR_DATABASE_URL=f"sqlite:///{work / 'apdr.sqlite3'}",
            APDR_TODAY=args.today,
            APDR_TOKEN_KEY_FILE=str(work / "token.key"),
        )
        os.environ.pop("APDR_DATABASE_SCHEMA", None)
        apdr_command = Path(sys.executable).parent / "apdr"
        subprocess.run([str(apdr_command), "demo"], check=True, cwd=work)
        with _served() as url:
            _pictures(url, chromium, args.out)
    return 0


class _served:
    """apdr on a port bound here, in a thread (the same process that chose the port)."""

    def __enter__(self) -> str:
        import uvicorn

        from apdr.api import create_app

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.server = uvicorn.Server(uvicorn.Config(create_app(worker=True), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _pictures(url: str, chromium: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--disable-gpu"])
        page = browser.new_page(viewport=TABLET)
        page.goto(f"{url}/")
        _save(page, out, "page-sign-in")
        _sign_in(page, "ta@oakfield.example")
        _save(page, out, "page-today")
        page.set_viewport_size(PHONE)
        _save(page, out, "page-today-phone")
        page.set_viewport_size(TABLET)
        _sign_out(page)
        _sign_in(page, "senco@oakfield.example")
        _save(page, out, "page-desk")
        _open_pupil_with_a_chart(page, url)
        _save(page, out, "page-pupil")
        page.evaluate("document.getElementById('assessments').scrollIntoView()")
        _save(page, out, "page-pupil-assessments")
        for path, name in (("/provision-map", "page-provision-map"), ("/impact", "page-impact")):
            page.goto(f"{url}{path}")
            _save(page, out, name)
        browser.close()


def _open_pupil_with_a_chart(page: Page, url: str) -> None:
    """The first pupil on the register whose page charts their assessments."""
    page.goto(f"{url}/pupils?sen_status=K")
    links = [a.get_attribute("href") for a in page.get_by_role("table").get_by_role("link").all()]
    for href in links:
        page.goto(f"{url}{href}")
        if page.locator("#assessments ~ * svg[role=img], section:has(#assessments) svg[role=img]").count():
            return
    raise SystemExit("no pupil on the register has an assessment chart")


def _sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").wait_for()


def _save(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
    print(f"{out / name}.png")


if __name__ == "__main__":
    raise SystemExit(main())
