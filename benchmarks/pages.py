"""Pages: a teaching assistant's ``/today`` and a pupil's page, as a browser asks for them.

The bar (DESIGN.md): at the school size (1,500 pupils, seven years of history),
``/today`` for a TA and a pupil's page render in under 150 ms at the 95th
percentile, on SQLite and on PostgreSQL.

The app runs in a uvicorn process of its own, as an API worker runs, with today
fixed at the synthetic today. Each person signs in through the pages as a
browser does: GET / for the CSRF cookie and the page's token, POST /sign-in,
then the session cookie is kept. ``/today`` is asked as a TA linked to the staff
member with the most groups timetabled today (added with ``add_user`` when the
generator's TA is someone else). A pupil's page is asked as the SENCO, in turn
for the pupils on roll with the most chronology entries of their own. The whole
HTML is read each time.

References, measured in the same run: the API's JSON for the same person and
pupils (``GET /api/v1/interventions`` as the TA, ``GET /api/v1/pupils/{id}`` as
the SENCO) and a bare HTTP round trip (``GET /health``), each taken in turn with
the page in blocks of 10 requests so that a busy machine weighs on all alike;
and, in process, as many
primary-key reads of a read-model table with plain SQLAlchemy as the page issues
statements (counted on one request of each page, served in process).

    python benchmarks/pages.py --database sqlite --size full [--cache]
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa

from apdr.aggregates.codes import Role, Weekday
from apdr.aggregates.staff_member import StaffRole
from apdr.application import Actor
from apdr.demo.synthetic import SYNTHETIC_PASSWORD
from apdr.projections.chronology.tables import entries
from apdr.projections.interventions import intervention_list
from apdr.projections.provision_map.queries import setting_staff
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
    served,
    serving,
    sign_in,
    summary,
)

BAR_SECONDS = 0.150
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
BUSIEST_TA = "ta-today"

plan = school_or_small("pages")


@dataclass
class People:
    """Who asks for the pages, and for which pupils."""

    ta: str
    ta_staff_id: UUID
    ta_groups_today: int
    senco: str
    pupil_ids: list[UUID]


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    report = Report("pages", args)
    full = args.size == "full"
    times = 200 if full else 10
    measured: dict[str, list[float]] = {}
    with loaded_history(args, plan) as (settings, loaded):
        apdr = loaded.apdr
        generated = loaded.history.settings[0]
        report.history(loaded, args.seed, f"; today {TODAY}")
        apdr.read_models.catch_up()
        people = _people(apdr, generated, 20 if full else 5, report)
        apdr.read_models.catch_up()
        statements = _statements_per_page(apdr, people, report)
        _bare_reads(apdr, people, statements, times, report, measured)
        with serving(settings) as url:
            _over_http(url, people, times, report, measured)
    _ratios_and_bars(report, measured, full)
    report.data["latencies_ms"] = {k: [round(v * 1000, 2) for v in vals] for k, vals in measured.items()}
    return report.finish()


# -- who asks ----------------------------------------------------------------------


def _people(apdr: Any, generated: Any, how_many: int, report: Report) -> People:
    """The bar is for a TA's busy day and for pupils with long records: the generator's TA
    is only the first TA on the staff list, who may deliver few groups today."""
    setting_id = generated.setting_id
    staff_id, groups, name = busiest_ta(apdr, setting_id)
    ta = generated.users["ta"]
    if _staff_of(apdr, ta) != staff_id:
        ta = f"{BUSIEST_TA}@{ta.split('@', 1)[1]}"
        apdr.record.add_user(
            Actor.system("benchmark"),
            email=ta,
            role=Role.ta,
            password=SYNTHETIC_PASSWORD,
            setting_id=setting_id,
            staff_id=staff_id,
        )
    report.row("teaching assistant", f"{groups} groups today", f"{name} ({ta}), the most of any TA")
    pupil_ids, counts = richest_pupils(apdr, setting_id, how_many)
    report.row(
        "pupils' pages",
        f"{len(pupil_ids)} pupils",
        f"on roll, the most chronology entries of their own: {max(counts)} to {min(counts)}",
    )
    report.data.update(ta=ta, ta_groups_today=groups, pupil_ids=[str(p) for p in pupil_ids])
    return People(ta, staff_id, groups, generated.users["senco"], pupil_ids)


def busiest_ta(apdr: Any, setting_id: UUID) -> tuple[UUID, int, str]:
    """The teaching assistant assigned to the most running groups timetabled for today."""
    day = list(Weekday)[TODAY.isoweekday() - 1].value if TODAY.isoweekday() <= 5 else None
    tas = {
        s["staff_id"]: s["name"]
        for s in apdr.read_models.ask(setting_staff, setting_id)
        if s["role"] in (StaffRole.ta, StaffRole.ta.value)
    }
    groups: Counter[UUID] = Counter(
        staff_id
        for row in apdr.read_models.ask(intervention_list, setting_id, status="running", today=TODAY)
        if day in row["weekdays"] and row["starts_on"] <= TODAY
        for staff_id in row["staff_ids"]
        if staff_id in tas
    )
    if not groups:
        raise SystemExit(f"no teaching assistant has a group timetabled on {TODAY}")
    staff_id, count = max(groups.items(), key=lambda item: (item[1], str(item[0])))
    return staff_id, count, tas[staff_id]


def _staff_of(apdr: Any, email: str) -> UUID | None:
    with served(apdr) as url, httpx.Client(base_url=url, timeout=60) as http:
        me = http.get("/api/v1/me", headers=sign_in(http, email))
        me.raise_for_status()
        found = me.json().get("staff_id")
        return UUID(found) if found else None


def richest_pupils(apdr: Any, setting_id: UUID, how_many: int) -> tuple[list[UUID], list[int]]:
    """The pupils on roll with the most chronology entries of their own."""
    with apdr.engine.connect() as conn:
        rows = conn.execute(
            sa.select(entries.c.pupil_id, sa.func.count())
            .join(pupils, pupils.c.pupil_id == entries.c.pupil_id)
            .where(pupils.c.setting_id == setting_id, pupils.c.left_on.is_(None))
            .group_by(entries.c.pupil_id)
            .order_by(sa.func.count().desc(), entries.c.pupil_id)
            .limit(how_many)
        ).all()
    return [r[0] for r in rows], [r[1] for r in rows]


# -- signing in through the pages ----------------------------------------------------


@contextlib.contextmanager
def signed_in(url: str, email: str) -> Iterator[httpx.Client]:
    """A client holding a session made as a browser makes it: the sign-in page's CSRF
    cookie and token, the form posted, the session cookie kept."""
    with httpx.Client(base_url=url, timeout=120) as http:
        page = http.get("/")
        page.raise_for_status()
        token = CSRF.search(page.text)
        if token is None:
            raise RuntimeError("the sign-in page carries no CSRF token")
        answer = http.post(
            "/sign-in", data={"email": email, "password": SYNTHETIC_PASSWORD, "csrf": token.group(1)}
        )
        if answer.status_code != 303:
            raise RuntimeError(f"signing in as {email}: {answer.status_code} {answer.text[:300]}")
        again = http.get("/")  # signed in: the sign-in page sends the person home
        if again.status_code != 303:
            raise RuntimeError(f"the session of {email} was not kept: GET / answered {again.status_code}")
        yield http


def page_paths(people: People) -> dict[str, tuple[str, list[str]]]:
    """Each page measured: who asks, and the paths asked in turn."""
    return {
        "today": (people.ta, ["/today"]),
        "pupil page": (people.senco, [f"/pupils/{p}" for p in people.pupil_ids]),
    }


def asking(http: httpx.Client, paths: list[str], headers: dict[str, str] | None = None) -> Callable[[], int]:
    """Each call asks for the next path in turn and reads the whole answer."""
    turn = iter(range(sys.maxsize))

    def ask() -> int:
        response = http.get(paths[next(turn) % len(paths)], headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url.path} answered {response.status_code}")
        return len(response.content)

    return ask


def _ready(http: httpx.Client, paths: list[str]) -> str | None:
    """Why the page cannot be measured (it is not written yet: 404), or None."""
    for path in paths:
        response = http.get(path)
        if response.status_code != 200:
            return f"{path} answered {response.status_code}"
    return None


# -- measuring ----------------------------------------------------------------------


def _statements_per_page(apdr: Any, people: People, report: Report) -> dict[str, float]:
    """Statements each page sends to the read models' engine (the event store's own
    reads are not counted), on one request of each, served in process."""
    counted: dict[str, float] = {}
    statements = 0

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal statements
        statements += not statement.lstrip().upper().startswith("BEGIN")

    with served(apdr) as url:
        for name, (email, paths) in page_paths(people).items():
            with signed_in(url, email) as http:
                if _ready(http, paths):
                    continue
                sa.event.listen(apdr.engine, "before_cursor_execute", count)
                try:
                    statements = 0
                    for path in paths:
                        http.get(path).raise_for_status()
                finally:
                    sa.event.remove(apdr.engine, "before_cursor_execute", count)
                counted[name] = statements / len(paths)
                report.row(
                    f"{name}: SQL statements a request",
                    f"{counted[name]:.1f}",
                    "read models only, BEGIN not counted",
                )
    return counted


def _bare_reads(
    apdr: Any,
    people: People,
    statements: dict[str, float],
    times: int,
    report: Report,
    measured: dict[str, list[float]],
) -> None:
    """The database's floor for a page: as many primary-key reads of the pupils table as
    the page sends statements, on one connection, with plain SQLAlchemy."""
    ids = people.pupil_ids
    for name, count in statements.items():
        reads = max(1, round(count))

        def read(reads: int = reads) -> None:
            with apdr.engine.connect() as conn:
                for i in range(reads):
                    conn.execute(sa.select(pupils).where(pupils.c.pupil_id == ids[i % len(ids)])).one()

        measured[f"bare {name}"] = values = latencies(read, times)
        report.row(
            f"reference: {reads} primary-key read{'s' if reads > 1 else ''} ({name})",
            summary(values),
            "plain SQLAlchemy, one connection",
        )


def _over_http(
    url: str, people: People, times: int, report: Report, measured: dict[str, list[float]]
) -> None:
    """Each page alternates, in blocks of 10 requests, with the API's JSON of the same
    things and a bare round trip, so that a busy machine weighs on all three alike."""
    api = {
        "today": (people.ta, ["/api/v1/interventions"]),
        "pupil page": (people.senco, [f"/api/v1/pupils/{p}" for p in people.pupil_ids]),
    }
    with httpx.Client(base_url=url, timeout=60) as bare:
        for name, (email, paths) in page_paths(people).items():
            with signed_in(url, email) as http, httpx.Client(base_url=url, timeout=60) as client:
                problem = _ready(http, paths)
                if problem:
                    report.row(f"HTTP GET {_shown(paths)}", "not measured", problem)
                    continue
                page = asking(http, paths)
                size = page()
                api_email, api_paths = api[name]
                found = alternating(
                    {
                        name: page,
                        f"api {name}": asking(client, api_paths, sign_in(client, api_email)),
                        f"health {name}": asking(bare, ["/health"]),
                    },
                    times,
                )
            measured.update(found)
            report.row(f"HTTP GET {_shown(paths)}", summary(found[name]), f"{size:,} bytes, {times} requests")
            report.row(
                f"reference: HTTP GET {_shown(api_paths)}", summary(found[f"api {name}"]), "the API's JSON"
            )
            report.row("reference: HTTP GET /health", summary(found[f"health {name}"]), "a bare round trip")


def alternating(actions: dict[str, Callable[[], Any]], times: int, block: int = 10) -> dict[str, list[float]]:
    """Seconds of ``times`` runs of each action, taken in turn in blocks of ``block``, after warm-ups."""
    found: dict[str, list[float]] = {name: [] for name in actions}
    for action in actions.values():
        latencies(action, 0)
    while any(len(values) < times for values in found.values()):
        for name, action in actions.items():
            found[name] += latencies(action, min(block, times - len(found[name])), warm=0)
    return found


def _shown(paths: list[str]) -> str:
    return paths[0] if len(paths) == 1 else re.sub(r"[0-9a-f-]{36}", "{id}", paths[0])


def _ratios_and_bars(report: Report, measured: dict[str, list[float]], full: bool) -> None:
    small = "" if full else " (small size: not the bar's school)"
    for name, bar in (("today", "today p95 < 150 ms"), ("pupil page", "pupil page p95 < 150 ms")):
        values = measured.get(name)
        if values is None:
            report.bar(bar, "not available", f"< {ms(BAR_SECONDS)}", None, "the page answered no 200")
            continue
        p50, p95 = percentile(values, 50), percentile(values, 95)
        for reference, label in ((f"api {name}", "the API's JSON"), (f"bare {name}", "bare reads")):
            if reference in measured:
                floor = percentile(measured[reference], 50)
                report.row(f"ratio: {name} / {label} (p50)", f"{p50 / floor:.1f} x", f"{label} {ms(floor)}")
        report.bar(
            bar,
            ms(p95),
            f"< {ms(BAR_SECONDS)}",
            p95 < BAR_SECONDS,
            f"{p95 / BAR_SECONDS:.2f}x the bar{small}",
        )


if __name__ == "__main__":
    sys.exit(main())
