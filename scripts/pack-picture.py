"""Make the README's pictures of an EHC request pack: pages 1 and 2 of a real pack's PDF.

    .venv/bin/python scripts/pack-picture.py [--today 2026-11-27] [--out docs/images]

It loads the demo school (``apdr demo``, as of ``--today``) into a new SQLite
file in a temporary directory, picks the pupil on the register with the most
plans, reviews, attended sessions and assessments (each at least one), issues
an ``ehc_request`` pack for them as the SENCO through the real command, prints
it with ``render.pdf`` and turns pages 1 and 2 into PNGs with ``pdftoppm -r 70``:
``ehc-request-pack.png`` and ``ehc-request-pack-2.png``. The temporary
directory, database and all, is removed at the end; ``--keep DIR`` keeps a copy
of the PDF and the JSON there. Run it again after the pack's layout changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

REPO = Path(__file__).resolve().parent.parent
RECIPIENT = "Anytown SEND team"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", default="2026-11-27", help="the demo's today (APDR_TODAY)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--keep", type=Path, help="also copy the pack's PDF and JSON here")
    parser.add_argument("--resolution", type=int, default=70, help="pdftoppm -r")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is needed (poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="apdr-pack-picture-") as directory:
        work = Path(directory)
        env = {
            **os.environ,
            "APDR_DATABASE_URL": f"sqlite:///{work / 'apdr.sqlite3'}",
            "APDR_TODAY": args.today,
            "APDR_TOKEN_KEY_FILE": str(work / "token.key"),
        }
        env.pop("APDR_DATABASE_SCHEMA", None)
        apdr_command = Path(sys.executable).parent / "apdr"
        subprocess.run([str(apdr_command), "demo"], env=env, check=True, cwd=work)
        pdf, document = _pack(work, date.fromisoformat(args.today))
        (work / "pack.pdf").write_bytes(pdf)
        args.out.mkdir(parents=True, exist_ok=True)
        for page, name in ((1, "ehc-request-pack.png"), (2, "ehc-request-pack-2.png")):
            stem = args.out / name.removesuffix(".png")
            pages = ["-f", str(page), "-l", str(page), "-singlefile"]
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(args.resolution), *pages, str(work / "pack.pdf"), str(stem)],
                check=True,
            )
            print(f"{stem}.png: page {page}, {Path(f'{stem}.png').stat().st_size:,} bytes")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "pack.pdf", args.keep / "ehc-request-pack.pdf")
            (args.keep / "ehc-request-pack.json").write_text(json.dumps(document, indent=2))
    return 0


def _pack(work: Path, today: date) -> tuple[bytes, dict[str, Any]]:
    """Issue the pack as the demo's SENCO, as ``POST /pupils/{id}/packs`` does; its PDF and document."""
    from apdr.aggregates.codes import PackKind, Role
    from apdr.application import Actor
    from apdr.config import Config
    from apdr.demo.school import DEMO_URN
    from apdr.evidence import render
    from apdr.evidence.packs import composer
    from apdr.runtime import Apdr

    settings = Config(
        database_url=f"sqlite:///{work / 'apdr.sqlite3'}", today=today, token_key_file=work / "token.key"
    )
    apdr = Apdr.open(settings)
    try:
        apdr.read_models.catch_up()
        setting_id = _setting_id(apdr, DEMO_URN)
        senco = Actor("senco@oakfield.example", Role.senco, setting_id)
        pupil_id, why = _pupil(apdr, senco, setting_id, today)
        print(f"pupil {pupil_id}: {why}")
        now = datetime.combine(today, datetime.now().time().replace(microsecond=0, second=0))
        pack_id = apdr.record.issue_pack(
            senco,
            pupil_id,
            today=today,
            now=now,
            compose=composer(apdr.record, apdr.read_models, senco),
            kind=PackKind.ehc_request,
            as_of=today,
            recipient=RECIPIENT,
        )
        document = json.loads(apdr.record.pack(senco, pack_id).document)
        return render.pdf(document, "pack.html"), document
    finally:
        apdr.close()


def _setting_id(apdr: Any, urn: str) -> UUID:
    import sqlalchemy as sa

    from apdr.projections.pupils import pupils

    with apdr.engine.connect() as conn:
        ids = conn.execute(sa.select(pupils.c.setting_id).distinct()).scalars().all()
    for setting_id in ids:
        if apdr.record.setting(setting_id).urn == urn:
            return setting_id
    raise SystemExit(f"no setting with URN {urn}")


def _pupil(apdr: Any, senco: Any, setting_id: UUID, today: date) -> tuple[UUID, str]:
    """The pupil on the register with the fullest record: plans, reviews, sessions, assessments."""
    import sqlalchemy as sa

    from apdr.projections.impact import pupil_assessments
    from apdr.projections.provision_map import pupil_sessions
    from apdr.projections.pupils import pupils

    with apdr.engine.connect() as conn:
        ids = (
            conn.execute(
                sa.select(pupils.c.pupil_id).where(
                    pupils.c.setting_id == setting_id, pupils.c.sen_status != "N", pupils.c.left_on.is_(None)
                )
            )
            .scalars()
            .all()
        )
    scored = []
    for pupil_id in ids:
        pupil = apdr.record.pupil(senco, pupil_id)
        plans = [apdr.record.plan(senco, p) for p in pupil.plan_ids]
        reviews = sum(len(p.reviews) for p in plans)
        attended = sum(
            1 for s in apdr.read_models.ask(pupil_sessions, setting_id, pupil_id, today) if s["attended"]
        )
        assessments = len(apdr.read_models.ask(pupil_assessments, pupil_id))
        counts = (len(plans), reviews, attended, assessments)
        if min(counts) > 0:
            scored.append((counts, str(pupil_id), pupil.name))
    if not scored:
        raise SystemExit("no pupil in the demo has plans, reviews, sessions and assessments")
    counts, best, name = max(scored, key=lambda s: (sum(s[0][:2]) * 10 + s[0][2] + s[0][3], s[1]))
    return UUID(best), (
        f"{name}: {counts[0]} plan(s), {counts[1]} review(s), {counts[2]} sessions attended, "
        f"{counts[3]} assessment(s)"
    )


if __name__ == "__main__":
    sys.exit(main())
