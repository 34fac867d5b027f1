"""The SENCO's desk: the alerts still to act on, the support plan reviews coming up,
the register's counts and what the school census would reject in it, on one page. A
leader or teacher sees it read-only; the SENCO acknowledges and resolves alerts from it,
with or without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from apdr.aggregates.codes import NeedType
from apdr.aggregates.school_year import SchoolCalendar
from apdr.api.deps import ReadModelsDep, SenRecordDep, Today
from apdr.api.schemas.alerts import AlertNoteIn
from apdr.application import Actor
from apdr.policies.catalogue import KINDS
from apdr.policies.overdue_review import reviews_due
from apdr.policies.runner import alert_out
from apdr.projections.alerts import alert_rows, find_alerts
from apdr.projections.chronology.wording import NEED_NAMES
from apdr.projections.projection import reads
from apdr.projections.pupils import find_pupils
from apdr.projections.register import ON_REGISTER, census_problems, register_rows, register_totals
from apdr.web.deps import CsrfChecked, ReaderPage, SencoPage
from apdr.web.forms import FORM_ERRORS, errors_of, parse
from apdr.web.pages import render

router = APIRouter(include_in_schema=False)

FORTNIGHT = timedelta(days=14)

# A heading a SENCO reads for each kind of alert (the kinds are the policies' stable strings).
KIND_HEADINGS = {
    "missed_sessions": "Sessions not delivered as timetabled",
    "low_attendance": "Pupils missing their sessions",
    "overdue_review": "Support plan reviews overdue",
    "intervention_review_overdue": "Intervention reviews overdue",
    "stalled_progress": "Progress has stalled",
    "curriculum_narrowing": "Too much time out of lessons",
    "single_trained_staff": "Only one person trained to deliver",
    "untrained_delivery": "Sessions delivered by staff not trained",
    "ehcp_deadline": "EHC plan deadlines",
    "parents_not_notified": "Parents not formally told of SEN support",
    "information_request_due": "Requests for information due",
}
UNRESOLVED = ("open", "acknowledged")


@dataclass(frozen=True)
class DeskView:
    """What the desk shows, read on one connection after one catch-up."""

    alerts: list[dict[str, Any]]
    reviews_due: list[dict[str, Any]]
    totals: dict[str, Any]
    pupil_names: dict[UUID, str]
    census_problems: list[dict[str, Any]]


@reads("alerts", "monitoring", "pupils", "register")
def desk_view(conn: sa.Connection, setting_id: UUID, today: date, calendar: SchoolCalendar) -> DeskView:
    alerts = [a for status in UNRESOLVED for a in find_alerts(conn, setting_id, status=status)]
    due = reviews_due(conn, setting_id, today, today + FORTNIGHT, calendar)
    named = {a["pupil_id"] for a in alerts if a["pupil_id"]}
    found, _ = (
        find_pupils(conn, setting_id, pupil_ids=named, include_left=True, limit=500) if named else ([], 0)
    )
    on_roll = register_rows(conn, setting_id, today, include_no_sen=True)
    return DeskView(
        alerts=alerts,
        reviews_due=due,
        totals=register_totals([r for r in on_roll if r["sen_status"] in ON_REGISTER]),
        pupil_names={p["pupil_id"]: f"{p['given_name']} {p['family_name']}" for p in found},
        census_problems=census_problems(on_roll),
    )


def _by_kind(alerts: list[dict[str, Any]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, heading, alerts) in the policies' order, newest raised first within a kind."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for a in sorted(alerts, key=lambda a: (a["raised_on"], a["alert_id"]), reverse=True):
        grouped.setdefault(a["kind"], []).append(alert_out(a))
    order = [k for k in KINDS if k in grouped] + sorted(k for k in grouped if k not in KINDS)
    return [(k, KIND_HEADINGS.get(k, k.replace("_", " ").capitalize()), grouped[k]) for k in order]


def _need_words(code: str) -> str:
    try:
        return f"{NEED_NAMES[NeedType(code)].capitalize()} ({code})"
    except ValueError:
        return "No need recorded" if code == "none" else code


def _desk(
    request: Request,
    actor: Actor,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: date,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    setting_id = record.setting_id_of(actor)
    # A year back finds the term after a plan's last review (overdue_review's termly rule).
    calendar = record.calendar(setting_id, today - timedelta(days=366), today + FORTNIGHT)
    view = read_models.ask(desk_view, setting_id, today, calendar)
    return render(
        request,
        "desk/desk.html",
        actor,
        status_code=status_code,
        today=today,
        due_by=today + FORTNIGHT,
        kinds=_by_kind(view.alerts),
        alert_count=len(view.alerts),
        reviews_due=view.reviews_due,
        totals=view.totals,
        needs=[(_need_words(code), n) for code, n in view.totals["by_primary_need"].items()],
        pupil_names=view.pupil_names,
        census_problems=view.census_problems,
        errors=errors or {},
    )


@router.get("/desk", response_class=HTMLResponse)
def desk(
    request: Request, actor: ReaderPage, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> Response:
    return _desk(request, actor, record, read_models, today)


class AlertAction(Enum):
    acknowledge = "acknowledged"
    resolve = "resolved"


@router.post("/alerts/{alert_id}/{action}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def move_alert(
    request: Request,
    alert_id: UUID,
    action: Annotated[str, Path(pattern="^(acknowledge|resolve)$")],
    actor: SencoPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Acknowledged (seen, and being acted on) or resolved by hand, as POST /api/v1/alerts/{id}/
    acknowledge and /resolve, the note optional as there. Then, to htmx, the alert's row as it
    now stands (and a word for the live region), or, to a plain form, the desk again."""
    done = AlertAction[action]
    command = record.acknowledge_alert if done is AlertAction.acknowledge else record.resolve_alert
    errors: dict[str, str] = {}
    try:
        command(actor, alert_id, today=today, note=parse(AlertNoteIn, {"note": note}).note)
    except FORM_ERRORS as e:
        errors = {str(alert_id): " ".join(errors_of(e).values())}
    if not request.headers.get("HX-Request"):
        if errors:
            return _desk(request, actor, record, read_models, today, errors=errors, status_code=422)
        return RedirectResponse("/desk", status_code=303)
    setting_id = record.setting_id_of(actor)
    rows = [r for r in read_models.ask(alert_rows, [alert_id]) if r["setting_id"] == setting_id]
    if not rows:  # another setting's alert, or none: nothing of it is shown
        return HTMLResponse("", headers={"HX-Redirect": "/desk"})
    alert = alert_out(rows[0])
    return render(
        request,
        "desk/alert_moved.html",
        actor,
        alert=alert,
        heading=KIND_HEADINGS.get(alert["kind"], alert["kind"]),
        pupil_names=read_models.ask(_names, setting_id, alert["pupil_id"]),
        errors=errors,
        said=errors.get(str(alert_id)) or f"Alert {done.value}.",
    )


@reads("pupils")
def _names(conn: sa.Connection, setting_id: UUID, pupil_id: UUID | None) -> dict[UUID, str]:
    if pupil_id is None:
        return {}
    found, _ = find_pupils(conn, setting_id, pupil_ids={pupil_id}, include_left=True, limit=1)
    return {p["pupil_id"]: f"{p['given_name']} {p['family_name']}" for p in found}
