"""Evidence packs: an EHC request pack for the pupil with the longest history.

The bar (DESIGN.md): for the pupil with the longest history in a school of
1,500 pupils with seven years of history, the EHC request pack's JSON in under
200 ms and its PDF in under 3 s.

The pupil is the one on roll today with the most chronology entries (their own
entries, the entries about their interventions while they were in them, and
every session they were marked in), counted in full for the 15 pupils with the
most entries of their own and for the pupil the generator says has the most
events. The pack is issued as of today, as the SENCO. A PDF's length follows
the plans it prints, so the pack of the pupil with the most plans (who need not
have the longest chronology) is printed and held to the same bar.

In process, after warm-ups: ``SenRecord.issue_pack`` with the real composer
(build from the read models, seal, save), the build alone, and fetching the
pack back; ``render.html`` and ``render.pdf`` of its document. Over HTTP of the
real API (uvicorn in a process of its own, as an API worker runs), each
iteration POSTs a pack and GETs its JSON; then ``?format=html`` and
``?format=pdf``. The reference, measured in the same run, is the bare event
store reading and decoding every event of the pupil's aggregates: the Pupil,
its SupportPlans and the interventions it was enrolled in. For the PDF there is
no cheaper way to print the same HTML (``render.pdf`` is a bare
``weasyprint.HTML(string=...).write_pdf()``), so its pages, bytes and time per
page are reported instead.

    python benchmarks/packs.py --database sqlite --size full [--cache]
"""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pypdf
import sqlalchemy as sa

from apdr.aggregates.codes import PackKind, Role
from apdr.aggregates.evidence_pack import seal
from apdr.aggregates.information_request import PACK_SECTIONS
from apdr.application import Actor
from apdr.application.evidence import PackOrder
from apdr.evidence import packs, render
from apdr.projections.chronology.query import pupil_chronology_json
from apdr.projections.chronology.tables import entries
from apdr.projections.provision_map.tables import enrolments
from apdr.projections.pupils import pupils
from harness import (
    TODAY,
    Report,
    arguments,
    latencies,
    loaded_history,
    ms,
    percentile,
    school_or_small,
    serving,
    sign_in,
    summary,
    timed,
)

JSON_BAR_SECONDS = 0.200
PDF_BAR_SECONDS = 3.0
RECIPIENT = "Anytown SEND team"
CANDIDATES = 15


plan = school_or_small("packs")


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    report = Report("packs", args)
    full = args.size == "full"
    times, pdf_times = (30, 10) if full else (5, 2)
    measured: dict[str, list[float]] = {}
    with loaded_history(args, plan) as (settings, loaded):
        apdr = loaded.apdr
        generated = loaded.history.settings[0]
        report.history(loaded, args.seed)
        seconds, applied = timed(apdr.read_models.catch_up)
        report.row("read models built", f"{applied:,} applications", f"{seconds:.1f} s")
        pupil_id, entry_count, candidates = longest_history(apdr, generated.setting_id, generated)
        senco = Actor(generated.users["senco"], Role.senco, generated.setting_id)
        pupil = apdr.record.pupil(senco, pupil_id)
        intervention_ids = enrolled_in(apdr, pupil_id)
        report.row(
            "pupil",
            f"{entry_count:,} chronology entries",
            f"{str(pupil_id)[:8]}: {len(pupil.plan_ids)} plans, {len(intervention_ids)} interventions, "
            f"{pupil.version} events of its own; the most of {candidates} counted",
        )
        report.data.update(pupil_id=str(pupil_id), chronology_entries=entry_count)

        bare_events, bare = _bare(apdr, [pupil_id, *pupil.plan_ids, *intervention_ids], times)
        own_events, own = _bare(apdr, [pupil_id, *pupil.plan_ids], times)
        measured["bare"], measured["bare own"] = bare, own
        report.row(
            "reference: bare read + decode, pupil + plans + interventions",
            summary(bare),
            f"{bare_events:,} events of {1 + len(pupil.plan_ids) + len(intervention_ids)} aggregates",
        )
        report.row(
            "reference: bare read + decode, pupil + plans only", summary(own), f"{own_events:,} events"
        )

        document, pack_id = _in_process(apdr, senco, pupil_id, times, report, measured)
        _rendered(document, times, pdf_times, report, measured)
        _most_plans(apdr, senco, generated.setting_id, pdf_times, report, measured)
        _over_http(settings, generated.users["senco"], pupil_id, pack_id, times, pdf_times, report, measured)

    _ratios_and_bars(report, measured, full)
    report.data["latencies_ms"] = {k: [round(v * 1000, 2) for v in vals] for k, vals in measured.items()}
    return report.finish()


def longest_history(apdr: Any, setting_id: UUID, generated: Any) -> tuple[UUID, int, int]:
    """The pupil on roll with the most chronology entries, counted in full for the pupils with
    the most entries of their own and the one the generator counted the most events for."""
    with apdr.engine.connect() as conn:
        own = conn.execute(
            sa.select(entries.c.pupil_id)
            .join(pupils, pupils.c.pupil_id == entries.c.pupil_id)
            .where(pupils.c.setting_id == setting_id, pupils.c.left_on.is_(None))
            .group_by(entries.c.pupil_id)
            .order_by(sa.func.count().desc(), entries.c.pupil_id)
            .limit(CANDIDATES)
        ).scalars()
        extra = [generated.longest_pupil_id] if generated.longest_pupil_id else []
        candidates = list(dict.fromkeys([*own, *extra]))
        on_roll = set(
            conn.execute(
                sa.select(pupils.c.pupil_id).where(
                    pupils.c.pupil_id.in_(candidates), pupils.c.left_on.is_(None)
                )
            ).scalars()
        )
    counted = {
        p: sum(1 for _ in apdr.read_models.stream(pupil_chronology_json, p))
        for p in candidates
        if p in on_roll
    }
    best = max(counted, key=lambda p: (counted[p], str(p)))
    return best, counted[best], len(counted)


def enrolled_in(apdr: Any, pupil_id: UUID) -> list[UUID]:
    with apdr.engine.connect() as conn:
        found = conn.execute(
            sa.select(enrolments.c.intervention_id).where(enrolments.c.pupil_id == pupil_id)
        ).scalars()
        return list(dict.fromkeys(found))


def _bare(apdr: Any, ids: list[UUID], times: int) -> tuple[int, list[float]]:
    """The event store with nothing done to the events: read each aggregate's stored events
    and decode each one to its domain event."""
    recorder, mapper = apdr.record.recorder, apdr.record.mapper

    def read() -> int:
        return sum(1 for i in ids for stored in recorder.select_events(i) if mapper.to_domain_event(stored))

    return read(), latencies(read, times)


def _order(pupil: Any, senco: Actor) -> PackOrder:
    """What ``issue_pack`` gives the composer, made the same way."""
    return PackOrder(
        pack_id=uuid4(),
        pupil=pupil,
        kind=PackKind.ehc_request,
        sections=tuple(PACK_SECTIONS[PackKind.ehc_request]),
        as_of=TODAY,
        recipient=RECIPIENT,
        request_id=None,
        issued_at=_now(),
        issued_by=senco.email,
    )


def _now() -> datetime:
    return datetime.combine(TODAY, datetime.now().time().replace(microsecond=0))


def _in_process(
    apdr: Any, senco: Actor, pupil_id: UUID, times: int, report: Report, measured: dict[str, list[float]]
) -> tuple[dict[str, Any], UUID]:
    record, read_models = apdr.record, apdr.read_models
    compose = packs.composer(record, read_models, senco)
    issued: list[UUID] = []

    def issue() -> None:
        issued.append(
            record.issue_pack(
                senco,
                pupil_id,
                today=TODAY,
                now=_now(),
                compose=compose,
                kind=PackKind.ehc_request,
                as_of=TODAY,
                recipient=RECIPIENT,
            )
        )

    first, _ = timed(issue)
    report.row("issue_pack, the first one", ms(first), "the first in this process")
    measured["issue"] = latencies(issue, times)
    report.row(
        "issue_pack (build + seal + save)",
        summary(measured["issue"]),
        f"{times} packs; each build first catches the read models up with the pack before",
    )
    pupil = record.pupil(senco, pupil_id)
    built: list[dict[str, Any]] = []
    measured["build"] = latencies(
        lambda: built.append(packs.build(record, read_models, senco, _order(pupil, senco))), times
    )
    report.row("  of which the build alone", summary(measured["build"]), "read models already current")
    measured["seal"] = latencies(lambda: seal(built[-1]), times)
    report.row("  of which the seal (canonical JSON + SHA-256)", summary(measured["seal"]))
    pack_id = issued[-1]
    measured["fetch"] = latencies(lambda: record.pack(senco, pack_id).document, times)
    pack = record.pack(senco, pack_id)
    report.row(
        "fetch the pack (load its aggregate)",
        summary(measured["fetch"]),
        f"{len(pack.document.encode()):,} bytes of JSON",
    )
    document = json.loads(pack.document)
    sections = document["sections"]
    report.row(
        "pack contents",
        f"{len(sections['plans'])} plans, {sum(len(p['reviews']) for p in sections['plans'])} reviews",
        f"{len(sections['provision']['rows'])} provision rows, {len(sections['assessments'])} measures, "
        f"{len(sections['advice'])} advice, {len(sections['concerns'])} concerns",
    )
    report.data["pack_json_bytes"] = len(pack.document.encode())
    return document, pack_id


def _rendered(
    document: dict[str, Any], times: int, pdf_times: int, report: Report, measured: dict[str, list[float]]
) -> None:
    measured["html"] = latencies(lambda: render.html(document, "pack.html"), times)
    page = render.html(document, "pack.html")
    report.row("render.html", summary(measured["html"]), f"{len(page.encode()):,} bytes")
    made: list[bytes] = []
    measured["pdf"] = latencies(lambda: made.append(render.pdf(document, "pack.html")), pdf_times, warm=1)
    pages = len(pypdf.PdfReader(io.BytesIO(made[-1])).pages)
    p50 = percentile(measured["pdf"], 50)
    report.row(
        "render.pdf (WeasyPrint)",
        summary(measured["pdf"]),
        f"{pages} pages, {len(made[-1]):,} bytes, {ms(p50 / pages)} a page at p50",
    )
    report.data.update(pdf_pages=pages, pdf_bytes=len(made[-1]), html_bytes=len(page.encode()))


def _most_plans(
    apdr: Any, senco: Actor, setting_id: UUID, times: int, report: Report, measured: dict[str, list[float]]
) -> None:
    """The PDF grows with the plans it prints (a page or so a cycle): the pack of the pupil with
    the most plans, who need not be the one with the longest chronology, printed too."""
    with apdr.engine.connect() as conn:
        on_roll = conn.execute(
            sa.select(pupils.c.pupil_id)
            .where(pupils.c.setting_id == setting_id, pupils.c.left_on.is_(None))
            .order_by(pupils.c.pupil_id)
        ).scalars()
        plans_of = {p: len(apdr.record.pupil(senco, p).plan_ids) for p in on_roll}
    pupil_id = max(plans_of, key=lambda p: (plans_of[p], str(p)))
    pack_id = apdr.record.issue_pack(
        senco,
        pupil_id,
        today=TODAY,
        now=_now(),
        compose=packs.composer(apdr.record, apdr.read_models, senco),
        kind=PackKind.ehc_request,
        as_of=TODAY,
        recipient=RECIPIENT,
    )
    document = json.loads(apdr.record.pack(senco, pack_id).document)
    made: list[bytes] = []
    measured["pdf most plans"] = latencies(
        lambda: made.append(render.pdf(document, "pack.html")), times, warm=1
    )
    pages = len(pypdf.PdfReader(io.BytesIO(made[-1])).pages)
    report.row(
        "render.pdf, the pupil with the most plans",
        summary(measured["pdf most plans"]),
        f"{str(pupil_id)[:8]}: {plans_of[pupil_id]} plans, {pages} pages",
    )


def _over_http(
    settings: Any,
    senco: str,
    pupil_id: UUID,
    pack_id: UUID,
    times: int,
    pdf_times: int,
    report: Report,
    measured: dict[str, list[float]],
) -> None:
    body = {"kind": "ehc_request", "as_of": TODAY.isoformat(), "recipient": RECIPIENT}
    with serving(settings) as url, httpx.Client(base_url=url, timeout=120) as http:
        headers = sign_in(http, senco)

        def post() -> str:
            response = http.post(f"/api/v1/pupils/{pupil_id}/packs", json=body, headers=headers)
            response.raise_for_status()
            return str(response.json()["id"])

        def get(path: str) -> bytes:
            response = http.get(path, headers=headers)
            response.raise_for_status()
            return response.content

        first, _ = timed(post)
        report.row("HTTP POST /packs, the first one", ms(first), "a new API process: nothing cached")
        posts, gets, both = [], [], []
        for i in range(times + 3):
            posted, made = timed(post)
            got, _ = timed(lambda made=made: get(f"/api/v1/packs/{made}"))
            if i >= 3:
                posts.append(posted)
                gets.append(got)
                both.append(posted + got)
        measured.update({"http post": posts, "http get": gets, "http post+get": both})
        report.row("HTTP POST /pupils/{id}/packs", summary(posts), f"{times} packs")
        report.row("HTTP GET /packs/{id} (JSON)", summary(gets), "each pack just issued")
        report.row("HTTP POST + GET: the pack's JSON", summary(both))
        path = f"/api/v1/packs/{pack_id}"
        measured["http html"] = latencies(lambda: get(f"{path}?format=html"), times)
        report.row("HTTP GET /packs/{id}?format=html", summary(measured["http html"]))
        measured["http pdf"] = latencies(lambda: get(f"{path}?format=pdf"), pdf_times, warm=1)
        report.row("HTTP GET /packs/{id}?format=pdf", summary(measured["http pdf"]), f"{pdf_times} requests")


def _ratios_and_bars(report: Report, measured: dict[str, list[float]], full: bool) -> None:
    bare = percentile(measured["bare"], 50)
    for name, key in (
        ("ratio: issue_pack / bare (p50)", "issue"),
        ("ratio: build / bare (p50)", "build"),
        ("ratio: HTTP POST + GET / bare (p50)", "http post+get"),
    ):
        report.row(name, f"{percentile(measured[key], 50) / bare:.1f} x", f"bare {ms(bare)}")
    small = "" if full else " (small size: not the bar's school)"
    for name, key, bar in (
        ("pack JSON, command path p95 < 200 ms", "issue", JSON_BAR_SECONDS),
        ("pack JSON, HTTP POST + GET p95 < 200 ms", "http post+get", JSON_BAR_SECONDS),
        ("pack PDF, render.pdf p95 < 3 s", "pdf", PDF_BAR_SECONDS),
        ("pack PDF, HTTP GET ?format=pdf p95 < 3 s", "http pdf", PDF_BAR_SECONDS),
        ("pack PDF, the pupil with the most plans, p95 < 3 s", "pdf most plans", PDF_BAR_SECONDS),
    ):
        p95 = percentile(measured[key], 95)
        report.bar(name, ms(p95), f"< {ms(bar)}", p95 < bar, f"{p95 / bar:.2f}x the bar{small}")


if __name__ == "__main__":
    sys.exit(main())
