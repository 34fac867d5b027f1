"""Importing pupils from the MIS: a 1,500-pupil CSV and CTF, against the bare
library appending the same events in the same batches.

The bar (DESIGN.md): importing a 1,500-pupil CTF or CSV runs at no less than
half the bare library's batch append rate for the same events.

- import: ``SenRecord.import_file`` of the file's bytes (read, checked, applied,
  saved) into a setting with no pupils (every pupil new: registered, with their
  UPN claimed, their SEN history and needs), as the command line runs it; five
  times, each into a new setting, alternating with the bare append, and the
  median of each taken. The first time, also a dry run before and the same file
  again after (every pupil matched and unchanged: nothing written);
- bare: a plain eventsourcing ``Application`` on the same kind of database,
  with aggregates that record the same events with the same payloads (a
  registration, a claim, each change of status, each need), made from the same
  file read beforehand, triggered and saved a hundred pupils to a transaction
  as the import saves them;
- HTTP: ``POST /api/v1/imports`` of the CSV into a third setting, to the real API
  in a process of its own.

The rate is events written per second, from the file's bytes to the last commit;
the read models' catch-up after it is reported apart.

    python benchmarks/imports.py --database sqlite --size full
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import NeedType, Role, SenProvision
from apdr.aggregates.upn import check_letter
from apdr.application import Actor
from apdr.application.imports import BATCH, status_changes
from apdr.projections.pupils import pupils_by_upn
from apdr.runtime import Apdr
from apdr.transfer.csv_file import read_csv
from apdr.transfer.ctf import read_ctf
from apdr.transfer.records import PupilFile, TransferredPupil
from harness import TODAY, Bare, Report, arguments, bare_beside, database, ms, serving, sign_in, timed

BAR_RATIO = 0.5
MADE = "2026-11-20T09:15:00"
NEEDS = [n for n in NeedType if n is not NeedType.NSA]


class BarePupil(Aggregate):
    """Nothing but the events: the same payloads as ``Pupil``'s."""

    @event("Registered")
    def __init__(
        self,
        setting_id: UUID,
        upn: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        class_name: str,
        admitted_on: date,
        recorded_by: str,
    ) -> None:
        pass

    @event("SenStatusChanged")
    def change(
        self,
        change_id: UUID,
        status: SenProvision,
        previous: SenProvision,
        effective_on: date,
        parents_notified_on: date | None,
        reason: str,
        recorded_by: str,
    ) -> None:
        pass

    @event("NeedIdentified")
    def identify(
        self,
        need_id: UUID,
        need_type: NeedType,
        rank: int,
        identified_on: date,
        description: str,
        recorded_by: str,
    ) -> None:
        pass


class BareClaim(Aggregate):
    @event("Claimed")
    def __init__(self, setting_id: UUID, upn: str, pupil_id: UUID) -> None:
        pass


# -- the files ------------------------------------------------------------------------


def _pupils(count: int, seed: int) -> list[dict[str, Any]]:
    """A school's roll: about one pupil in six on SEN support or with a plan, as in the synthetic school."""
    rng = random.Random(seed)
    pupils = []
    for i in range(count):
        body = f"801{2000 + i // 1000:04d}26{i % 1000:03d}"
        born = date(2015, 9, 1) + timedelta(days=rng.randrange(7 * 365))
        pupil: dict[str, Any] = {
            "upn": check_letter(body) + body,
            "forename": rng.choice(["Amira", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Hari"]),
            "surname": rng.choice(["Khan", "Adams", "Jones", "Patel", "Smith", "Nowak", "Okafor"]),
            "born": born,
            "admitted": max(date(born.year + 4, 9, 1), date(2019, 9, 2)),
            "year": min(max(TODAY.year - born.year - 5, 0), 6),
            "sen": [],
            "needs": [],
        }
        if rng.random() < 0.18:
            start = pupil["admitted"] + timedelta(days=rng.randrange(30, 700))
            pupil["sen"] = [("K", min(start, TODAY - timedelta(days=10)), None)]
            if rng.random() < 0.2:  # on to an EHC plan
                moved = min(start + timedelta(days=rng.randrange(200, 500)), TODAY - timedelta(days=5))
                pupil["sen"] = [("K", pupil["sen"][0][1], moved), ("E", moved, None)]
            pupil["needs"] = rng.sample(NEEDS, rng.choice([1, 1, 2]))
        pupils.append(pupil)
    return pupils


def csv_file(pupils: list[dict[str, Any]]) -> bytes:
    rows = [
        "UPN,Legal forename,Legal surname,Date of birth,Admission date,Class,SEN provision,SEN start date,"
        "Primary need,Secondary need"
    ]
    for p in pupils:
        status, start = (p["sen"][-1][0], p["sen"][-1][1].isoformat()) if p["sen"] else ("N", "")
        needs = [n.value for n in p["needs"]] + ["", ""]
        rows.append(
            f"{p['upn']},{p['forename']},{p['surname']},{p['born']:%d/%m/%Y},{p['admitted']:%d/%m/%Y},"
            f"{p['year']}{'ABC'[hash(p['upn']) % 3]},{status},{start},{needs[0]},{needs[1]}"
        )
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()


def ctf_file(pupils: list[dict[str, Any]], urn: str) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><CTfile><Header><DocumentName>Common Transfer File'
        f"</DocumentName><CTFversion>26.0</CTFversion><DateTime>{MADE}</DateTime>"
        "<DocumentQualifier>full</DocumentQualifier><SupplierID>Benchmark MIS</SupplierID>"
        f"<SourceSchool><LEA>801</LEA><Estab>2000</Estab><URN>{urn}</URN><SchoolName>Benchmark Primary"
        "</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool><DestSchool><LEA>801</LEA>"
        "<Estab>2001</Estab></DestSchool></Header><CTFpupilData>"
    ]
    for p in pupils:
        sen = "".join(
            f"<SEN><StartDate>{start}</StartDate>{f'<EndDate>{end}</EndDate>' if end else ''}"
            f"<SENprovision>{provision}</SENprovision></SEN>"
            for provision, start, end in p["sen"]
        )
        needs = "".join(
            f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{n.value}</SENtype></SENneed>"
            for rank, n in enumerate(p["needs"], start=1)
        )
        parts.append(
            f"<Pupil><UPN>{p['upn']}</UPN><Surname>{p['surname']}</Surname><Forename>{p['forename']}</Forename>"
            f"<DOB>{p['born']}</DOB><Sex>F</Sex><BasicDetails><NCyearActual>{p['year'] or 'R'}</NCyearActual>"
            f"</BasicDetails>{f'<SENhistory>{sen}<SENneeds>{needs}</SENneeds></SENhistory>' if sen else ''}"
            f"<SchoolHistory><School><URN>{urn}</URN><EntryDate>{p['admitted']}</EntryDate></School>"
            "</SchoolHistory></Pupil>"
        )
    parts.append("</CTFpupilData></CTfile>")
    return "".join(parts).encode()


# -- measuring -------------------------------------------------------------------------


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    report = Report("imports", args)
    count = 1500 if args.size == "full" else 120
    pupils = _pupils(count, args.seed)
    with database(args.database) as settings:
        apdr = Apdr.open(settings)
        bare = bare_beside(settings)
        try:
            figures = _measure(apdr, bare, settings, pupils, report, runs=5 if args.size == "full" else 1)
        finally:
            bare.close()
            apdr.close()
    for kind in ("csv", "ctf"):
        seconds, events, bare_seconds, bare_events = figures[kind]
        rate, bare_rate = events / seconds, bare_events / bare_seconds
        report.bar(
            f"{kind.upper()} import >= 0.5 x bare batch append",
            f"{rate / bare_rate:.2f} x ({rate:,.0f} vs {bare_rate:,.0f} events/s)",
            ">= 0.50 x",
            rate / bare_rate >= BAR_RATIO,
            f"{count:,} pupils, {events:,} events in {ms(seconds)}; "
            f"bare {bare_events:,} in {ms(bare_seconds)}",
        )
    return report.finish()


def _measure(
    apdr: Apdr, bare: Bare, settings: Any, pupils: list[dict[str, Any]], report: Report, runs: int
) -> dict[str, tuple[float, int, float, int]]:
    """Each kind of file imported ``runs`` times, each time into a new setting, alternating
    with the bare append of the same events: the medians of each."""
    figures = {}
    for kind in ("csv", "ctf"):
        imports, appends = [], []
        for run in range(runs):
            urn = f"709{'3' if kind == 'csv' else '4'}{run:02d}"
            setting_id = apdr.record.register_setting(Actor.system("bench"), urn=urn, name=f"{kind} Primary")
            senco = Actor(f"senco@{urn}.example", Role.senco, setting_id)
            data = csv_file(pupils) if kind == "csv" else ctf_file(pupils, urn)

            def imported(
                dry_run: bool = False, senco: Actor = senco, data: bytes = data, kind: str = kind
            ) -> Any:
                # As the command line and the API run it: the directory's UPNs, then the file.
                known = apdr.read_models.ask(pupils_by_upn, senco.setting_id)
                return apdr.record.import_file(
                    senco,
                    data,
                    file_name=f"benchmark.{kind}",
                    kind=kind,
                    today=TODAY,
                    known=known,
                    dry_run=dry_run,
                )

            if run == 0:
                reading, file = timed(lambda data=data, kind=kind, urn=urn: _read(data, kind, urn))
                dry, _ = timed(lambda imported=imported: imported(True))
            apdr.read_models.catch_up()  # a quiet school: the read models current before the import
            before = apdr.read_models.last_notification_id()
            seconds, outcome = timed(imported)
            events = apdr.read_models.last_notification_id() - before
            if outcome.problems or outcome.pupils_added != len(pupils):
                raise RuntimeError(f"the {kind} import went wrong: {outcome}")
            imports.append((seconds, events))
            appends.append(_bare(bare, setting_id, file))
            if run == 0:
                catching_up, _ = timed(apdr.read_models.catch_up)
                again, second = timed(imported)
                if apdr.read_models.last_notification_id() != before + events or second.unchanged != len(
                    pupils
                ):
                    raise RuntimeError(f"importing the {kind} again wrote something: {second}")
        seconds, events = sorted(imports)[len(imports) // 2]
        bare_seconds, bare_events = sorted(appends)[len(appends) // 2]
        name = kind.upper()
        report.row(
            f"{name} file", f"{len(data) / 1e6:.2f} MB", f"{len(pupils):,} pupils, read in {ms(reading)}"
        )
        report.row(
            f"{name} import (read + apply + save)",
            ms(seconds),
            f"median of {runs}: {', '.join(ms(t) for t, _ in imports)}; "
            f"{events:,} events, {events / seconds:,.0f}/s",
        )
        report.row(
            f"{name} bare batch append",
            ms(bare_seconds),
            f"median of {runs}: {', '.join(ms(t) for t, _ in appends)}; "
            f"{bare_events:,} events, {bare_events / bare_seconds:,.0f}/s",
        )
        report.row(f"{name} dry run", ms(dry), "nothing written")
        report.row(f"{name} the same file again", ms(again), "every pupil matched, nothing written")
        report.row(f"{name} read models caught up after", ms(catching_up))
        figures[kind] = (seconds, events, bare_seconds, bare_events)
    report.row("HTTP POST /imports (CSV, a new setting)", ms(_over_http(apdr, settings, pupils)))
    return figures


def _read(data: bytes, kind: str, urn: str) -> PupilFile:
    return read_csv(data) if kind == "csv" else read_ctf(data, urn=urn)


def _bare(bare: Bare, setting_id: UUID, file: PupilFile) -> tuple[float, int]:
    """The same events as the import records for new pupils, triggered and saved a
    hundred pupils at a time (as the sessions benchmark's bare append triggers and saves)."""
    saved = 0

    def append() -> None:
        nonlocal saved
        for start in range(0, len(file.pupils), BATCH):
            batch: list[Aggregate] = []
            for incoming in file.pupils[start : start + BATCH]:
                pupil = _bare_pupil(setting_id, incoming)
                batch += [pupil, BareClaim(setting_id=setting_id, upn=incoming.upn, pupil_id=pupil.id)]
            saved += sum(len(a.pending_events) for a in batch)
            bare.save(*batch)

    seconds, _ = timed(append)
    return seconds, saved


def _bare_pupil(setting_id: UUID, incoming: TransferredPupil) -> BarePupil:
    pupil = BarePupil(
        setting_id=setting_id,
        upn=incoming.upn,
        given_name=incoming.given_name,
        family_name=incoming.family_name,
        date_of_birth=incoming.date_of_birth,
        class_name=incoming.class_name or incoming.joins_class,
        admitted_on=incoming.admitted_on or TODAY,
        recorded_by="senco@example",
    )
    status, since = SenProvision.no_sen, TODAY
    for day, provision in status_changes(incoming.sen or (), undated=TODAY):
        if provision is not status:
            pupil.change(
                change_id=uuid4(),
                status=provision,
                previous=status,
                effective_on=day,
                parents_notified_on=None,
                reason="as the school's MIS records it (bare)",
                recorded_by="senco@example",
            )
            status, since = provision, day
    for rank, need in enumerate(incoming.needs or (), start=1):
        pupil.identify(
            need_id=uuid4(),
            need_type=need,
            rank=rank,
            identified_on=since,
            description="recorded from bare",
            recorded_by="senco@example",
        )
    return pupil


def _over_http(apdr: Apdr, settings: Any, pupils: list[dict[str, Any]]) -> float:
    setting_id = apdr.record.register_setting(Actor.system("bench"), urn="709500", name="HTTP Primary")
    email = "senco@709500.example"
    from apdr.demo.synthetic import SYNTHETIC_PASSWORD

    apdr.record.add_user(
        Actor.system("bench"),
        email=email,
        role=Role.senco,
        password=SYNTHETIC_PASSWORD,
        setting_id=setting_id,
    )
    with serving(settings) as url, httpx.Client(base_url=url, timeout=600) as http:
        headers = sign_in(http, email)
        seconds, response = timed(
            lambda: http.post(
                "/api/v1/imports",
                files={"file": ("pupils.csv", csv_file(pupils), "text/csv")},
                headers=headers,
            )
        )
    if response.status_code != 200 or response.json()["pupils_added"] != len(pupils):
        raise RuntimeError(f"POST /imports answered {response.status_code}: {response.text[:300]}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
