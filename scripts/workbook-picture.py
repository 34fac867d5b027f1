"""Make the README's picture of a workbook: the demo school's provision map as XLSX, printed by
LibreOffice Calc and cut to its top left corner.

    .venv/bin/python scripts/workbook-picture.py [--today 2026-11-23] [--out docs/images]

It loads the demo school (``apdr demo``, as of ``--today``) into a new SQLite file in a
temporary directory, downloads ``/api/v1/provision-map?format=xlsx`` as the demo's SENCO from
the real app, prints the workbook to PDF with LibreOffice Calc headless (as its page setup has it:
A4, landscape, one page wide), and turns the top left of page 1 into ``provision-map-xlsx.png``
with ``pdftoppm``. ``--keep DIR`` keeps a copy of the workbook. Run it again after the
workbook's layout changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", default="2026-11-23", help="the demo's today (APDR_TODAY)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--keep", type=Path, help="also copy the workbook here")
    args = parser.parse_args()
    for tool, package in (("soffice", "libreoffice-calc-nogui"), ("pdftoppm", "poppler-utils")):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install {package}")
    with tempfile.TemporaryDirectory(prefix="apdr-workbook-picture-") as directory:
        work = Path(directory)
        env = {
            **os.environ,
            "APDR_DATABASE_URL": f"sqlite:///{work / 'apdr.sqlite3'}",
            "APDR_TODAY": args.today,
            "APDR_TOKEN_KEY_FILE": str(work / "token.key"),
        }
        env.pop("APDR_DATABASE_SCHEMA", None)
        subprocess.run([str(Path(sys.executable).parent / "apdr"), "demo"], env=env, check=True, cwd=work)
        book = work / "provision-map.xlsx"
        book.write_bytes(_workbook(work, date.fromisoformat(args.today)))
        profile = (work / "libreoffice").as_uri()
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(book),
            ],
            check=True,
            capture_output=True,
        )
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / "provision-map-xlsx"
        # The top left of the A4 page at 200 dpi, its margin cut off: title, header, first columns.
        crop = ["-x", "60", "-y", "135", "-W", "1500", "-H", "495"]
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "200",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                *crop,
                str(work / "provision-map.pdf"),
                str(stem),
            ],
            check=True,
        )
        print(f"{stem}.png: {Path(f'{stem}.png').stat().st_size:,} bytes")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(book, args.keep / book.name)
    return 0


def _workbook(work: Path, today: date) -> bytes:
    """The provision map as XLSX, downloaded from the real app as the demo's SENCO."""
    from fastapi.testclient import TestClient

    from apdr.api import create_app
    from apdr.config import Config
    from apdr.runtime import Apdr

    settings = Config(
        database_url=f"sqlite:///{work / 'apdr.sqlite3'}", today=today, token_key_file=work / "token.key"
    )
    apdr = Apdr.open(settings)
    try:
        with TestClient(create_app(apdr=apdr)) as http:
            sign_in = {"username": "senco@oakfield.example", "password": "oakfield-demo"}
            token = http.post("/api/v1/auth/token", data=sign_in).json()["access_token"]
            response = http.get(
                "/api/v1/provision-map",
                params={"format": "xlsx"},
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            return response.content
    finally:
        apdr.close()


if __name__ == "__main__":
    sys.exit(main())
