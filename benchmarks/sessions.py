"""Recording a session: through the command path and through HTTP, against
the bare library appending the same event.

The bar (DESIGN.md): recording a session through the command path (load,
validate, save, projections caught up) costs no more than twice what the bare
library costs to append the same event, measured side by side in one run on
each database; through HTTP, report sessions per second and the same ratio.

- command path: ``SenRecord.record_session`` (the aggregate loaded as the
  product loads it, checked against the setting's calendar, saved) and then
  ``ReadModels.catch_up()``, in a school with years of history, over the
  interventions running 'today'; every session is dated today, so each after an
  intervention's first that day is sent as ``additional`` (a group meets once a
  day otherwise);
- bare: a plain eventsourcing ``Application`` on the same kind of database
  (its own SQLite file; its own tables in the same PostgreSQL schema), one
  aggregate in memory triggering an event with the same payload and saving it;
- HTTP: ``POST /api/v1/interventions/{id}/sessions`` to the real API (uvicorn
  on a local port, in a process of its own as ``apdr serve --no-worker`` runs:
  the read models catch up on the next query or in the worker).

The two are measured in alternating blocks, so that both see the same machine.

    python benchmarks/sessions.py --database sqlite --size full
"""

from __future__ import annotations

import statistics
import sys
from datetime import date
from itertools import cycle
from typing import Any
from uuid import UUID, uuid4

import httpx
from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import AttendanceStatus, Delivery, Role
from apdr.aggregates.intervention import session_fingerprint
from apdr.application import Actor
from apdr.demo.synthetic import RunningIntervention
from harness import (
    TODAY,
    Bare,
    Report,
    arguments,
    bare_beside,
    loaded_history,
    ms,
    percentile,
    school_or_small,
    serving,
    sign_in,
    timed,
)

BAR_RATIO = 2.0
BLOCK = 10


class BareIntervention(Aggregate):
    """Nothing but the event: the same payload as ``Intervention.SessionDelivered``."""

    @event("Planned")
    def __init__(self) -> None:
        pass

    @event("SessionDelivered")
    def deliver(
        self,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        delivered_by: UUID,
        focus: str,
        notes: str,
        attendance: list[dict[str, Any]],
        fingerprint: str,
        recorded_by: str,
    ) -> None:
        pass


plan = school_or_small("sessions", "709201", 140)


def session_body(running: RunningIntervention, by: str) -> dict[str, Any]:
    pupils = running.pupil_ids[:1] if running.delivery is Delivery.individual else running.pupil_ids
    return {
        "session_id": uuid4(),
        "delivered_on": TODAY,
        "minutes": running.minutes,
        "delivered_by": running.staff_ids[0],
        "focus": "recap and timed practice",
        "notes": "Worked well; ready to move on",
        "attendance": [{"pupil_id": p, "status": AttendanceStatus.present} for p in pupils],
    }


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    report = Report("sessions", args)
    sessions = 1000 if args.size == "full" else 20
    with loaded_history(args, plan) as (settings, loaded):
        bare = bare_beside(settings)
        try:
            generated = loaded.history.settings[0]
            running = [r for r in generated.running if r.staff_ids]
            report.row(
                "history",
                f"{loaded.history.events:,} events",
                f"{generated.on_roll} pupils, {generated.interventions} interventions, "
                f"{len(running)} running today",
            )
            loaded.apdr.read_models.catch_up()
            senco = Actor(generated.users["senco"], Role.senco, generated.setting_id)
            command, bare_times, saving, catching_up = _side_by_side(
                loaded.apdr, bare, senco, running, sessions
            )
            http_times = _over_http(settings, generated.users["senco"], running, sessions // 2)
        finally:
            bare.close()

    bare_mean = statistics.fmean(bare_times)
    command_mean = statistics.fmean(command)
    http_mean = statistics.fmean(http_times)
    for name, values in (
        ("bare library: append the same event", bare_times),
        ("command path: record_session + catch_up", command),
        ("  of which record_session (load, check, save)", saving),
        ("  of which catch_up (every read model)", catching_up),
        ("HTTP POST /interventions/{id}/sessions", http_times),
    ):
        report.row(
            name,
            f"mean {ms(statistics.fmean(values))}",
            f"p50 {ms(percentile(values, 50))}, p95 {ms(percentile(values, 95))}; "
            f"{1 / statistics.fmean(values):,.0f}/s over {len(values)}",
        )
    ratio = command_mean / bare_mean
    http_ratio = http_mean / bare_mean
    report.row("ratio: command path / bare", f"{ratio:.2f}")
    report.row("ratio: HTTP / bare", f"{http_ratio:.2f}", f"{1 / http_mean:,.0f} sessions/s, one client")
    report.bar(
        "command path <= 2 x bare append",
        f"{ratio:.2f} x ({ms(command_mean)} vs {ms(bare_mean)})",
        "<= 2.00 x",
        ratio <= BAR_RATIO,
        f"record_session {ms(statistics.fmean(saving))} + catch_up {ms(statistics.fmean(catching_up))}",
    )
    report.bar(
        "HTTP: sessions/s and ratio (reported)",
        f"{1 / http_mean:,.0f}/s, {http_ratio:.2f} x bare",
        "report",
        True,
    )
    report.data.update(
        bare_ms=[round(v * 1000, 3) for v in bare_times],
        command_ms=[round(v * 1000, 3) for v in command],
        http_ms=[round(v * 1000, 3) for v in http_times],
    )
    return report.finish()


def _side_by_side(
    apdr: Any, bare: Bare, senco: Actor, running: list[RunningIntervention], sessions: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    record, models = apdr.record, apdr.read_models
    aggregate = BareIntervention()
    bare.save(aggregate)
    interventions = cycle(running)
    command: list[float] = []
    saving: list[float] = []
    catching_up: list[float] = []
    bare_times: list[float] = []

    def bare_append(body: dict[str, Any]) -> None:
        aggregate.deliver(
            **body,
            fingerprint=session_fingerprint(
                body["delivered_on"],
                body["minutes"],
                body["delivered_by"],
                body["focus"],
                body["notes"],
                body["attendance"],
            ),
            recorded_by=senco.email,
        )
        bare.save(aggregate)

    # Warm both paths (connections, caches, the first catch-up).
    for _ in range(3):
        target = next(interventions)
        record.record_session(
            senco, target.intervention_id, today=TODAY, additional=True, **session_body(target, senco.email)
        )
        models.catch_up()
        bare_append(session_body(target, senco.email))
    while len(command) < sessions:
        for _ in range(BLOCK):
            body = session_body(next(interventions), senco.email)
            bare_times.append(timed(lambda body=body: bare_append(body))[0])
        for _ in range(BLOCK):
            target = next(interventions)
            body = session_body(target, senco.email)
            saved, _ = timed(
                lambda target=target, body=body: record.record_session(
                    senco, target.intervention_id, today=TODAY, additional=True, **body
                )
            )
            caught_up, _ = timed(models.catch_up)
            saving.append(saved)
            catching_up.append(caught_up)
            command.append(saved + caught_up)
    return command, bare_times, saving, catching_up


def _over_http(settings: Any, senco: str, running: list[RunningIntervention], sessions: int) -> list[float]:
    interventions = cycle(running)
    times: list[float] = []
    with serving(settings) as url, httpx.Client(base_url=url, timeout=60) as http:
        headers = sign_in(http, senco)
        for n in range(sessions + 3):
            target = next(interventions)
            body = session_body(target, senco)
            payload = {
                **body,
                "session_id": str(body["session_id"]),
                "delivered_on": body["delivered_on"].isoformat(),
                "delivered_by": str(body["delivered_by"]),
                "additional": True,
                "attendance": [
                    {"pupil_id": str(a["pupil_id"]), "status": "present"} for a in body["attendance"]
                ],
            }
            path = f"/api/v1/interventions/{target.intervention_id}/sessions"
            seconds, response = timed(
                lambda path=path, payload=payload: http.post(path, json=payload, headers=headers)
            )
            if response.status_code != 201:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
            if n >= 3:
                times.append(seconds)
    return times


if __name__ == "__main__":
    sys.exit(main())
