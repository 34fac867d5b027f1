"""A teaching assistant's day: the groups they deliver today, and recording each
session between lessons on a tablet, one tap per pupil who was not simply present.

Each form carries a ``session_id`` made when the page opened, so a double tap, or
the page's script resending a session kept on the tablet while the network was
down (``static/today.js``), records one session: ``record_session`` answers False
to a resend. The commands and queries are the API's (``POST /interventions/{id}/
sessions``, ``.../missed-sessions``, ``GET /interventions``, the session register)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from apdr.aggregates.codes import AttendanceStatus, Delivery, MissedReason, Weekday
from apdr.aggregates.intervention import LONGEST_SESSION
from apdr.api.deps import ReadModelsDep, SenRecordDep, Today
from apdr.api.schemas.interventions import MissedSessionIn, SessionIn
from apdr.application import Actor, SenRecord
from apdr.errors import Conflict
from apdr.projections.interventions import intervention_list, session_register
from apdr.projections.runner import ReadModels
from apdr.web.deps import CsrfChecked, DeliveryPage
from apdr.web.forms import FORM_ERRORS, errors_of, parse, whole_number
from apdr.web.pages import render, see_other

router = APIRouter(include_in_schema=False)

STATUS_WORDS = {
    AttendanceStatus.present: "Present",
    AttendanceStatus.absent: "Absent",
    AttendanceStatus.late: "Late",
    AttendanceStatus.left_early: "Left early",
}
REASON_WORDS = {
    MissedReason.staff_absence: "Staff absent",
    MissedReason.pupil_absence: "Pupils absent",
    MissedReason.school_event: "A school event",
    MissedReason.room_unavailable: "Room not available",
    MissedReason.staff_redeployed: "Staff needed elsewhere",
    MissedReason.other: "Another reason",
}
MINUTES_ERROR = f"Enter how many minutes the session lasted: a whole number from 1 to {LONGEST_SESSION}"


@dataclass
class Attempt:
    """A form that came back with errors: shown again as it was typed, its errors beside its fields."""

    intervention_id: UUID
    kind: str  # "session" or "missed"
    pupil_ids: frozenset[str]
    values: dict[str, Any]
    errors: dict[str, str]


@dataclass
class SessionForm:
    """One session to record: the group's, or in a one-to-one intervention, one pupil's."""

    key: str
    pupils: list[dict[str, Any]]
    session_id: str
    recorded: dict[str, Any] | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Group:
    intervention_id: UUID
    key: str
    name: str
    location: str
    planned_minutes: int
    individual: bool
    forms: list[SessionForm]
    missed: dict[str, Any] | None
    missed_values: dict[str, Any] = field(default_factory=dict)
    missed_errors: dict[str, str] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.missed is not None or all(f.recorded for f in self.forms)


@router.get("/today", response_class=HTMLResponse)
def today_page(
    request: Request,
    actor: DeliveryPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    saved: str = "",
    group: str = "",
) -> Response:
    return _day(request, actor, record, read_models, today, saved=saved, saved_group=group)


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


@router.post("/today/{intervention_id}/sessions", response_class=HTMLResponse, dependencies=[CsrfChecked])
def record_session(
    request: Request,
    intervention_id: UUID,
    form: Form,
    actor: DeliveryPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
) -> Response:
    """As ``POST /api/v1/interventions/{id}/sessions``, on today, by the signed-in member of staff."""
    pupil_ids = [str(p) for p in form.getlist("pupil")]
    values = {
        "session_id": _text(form, "session_id"),
        "delivered_on": _text(form, "delivered_on"),
        "minutes": _text(form, "minutes"),
        "focus": _text(form, "focus"),
        "notes": _text(form, "notes"),
        "statuses": {p: _text(form, f"status-{p}") for p in pupil_ids},
    }
    try:
        body = parse(
            SessionIn,
            {
                "session_id": values["session_id"],
                # the day the page was opened on: a session kept on a tablet offline
                # overnight is still the session of that day
                "delivered_on": values["delivered_on"] or today,
                "minutes": whole_number(values["minutes"]),
                "focus": values["focus"],
                "notes": values["notes"],
                "attendance": [{"pupil_id": p, "status": s} for p, s in values["statuses"].items()],
            },
        )
        session = body.model_dump()
        session["attendance"] = [a.model_dump() for a in body.attendance]
        created = record.record_session(actor, intervention_id, today=today, **session)
    except FORM_ERRORS as e:
        errors = _session_errors(e, pupil_ids)
        attempt = Attempt(intervention_id, "session", frozenset(pupil_ids), values, errors)
        return _day(request, actor, record, read_models, today, attempt=attempt, status_code=_status(e))
    return see_other(request, _back("session" if created else "again", intervention_id))


@router.post("/today/{intervention_id}/missed", response_class=HTMLResponse, dependencies=[CsrfChecked])
def record_missed_session(
    request: Request,
    intervention_id: UUID,
    form: Form,
    actor: DeliveryPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
) -> Response:
    """As ``POST /api/v1/interventions/{id}/missed-sessions``, for today's session. Sent again
    with the same reason, the service records nothing new; the page says it was already saved."""
    values = {
        "scheduled_on": _text(form, "scheduled_on"),
        "reason": _text(form, "reason"),
        "notes": _text(form, "notes"),
    }
    try:
        body = parse(MissedSessionIn, {**values, "scheduled_on": values["scheduled_on"] or today})
        already = record.intervention(actor, intervention_id).missed.get(body.scheduled_on)
        record.record_missed_session(actor, intervention_id, today=today, **body.model_dump())
    except FORM_ERRORS as e:
        errors = {k if k in ("reason", "notes") else "": v for k, v in errors_of(e).items()}
        attempt = Attempt(intervention_id, "missed", frozenset(), values, errors)
        return _day(request, actor, record, read_models, today, attempt=attempt, status_code=_status(e))
    return see_other(request, _back("missed-again" if already else "missed", intervention_id))


def _day(
    request: Request,
    actor: Actor,
    record: SenRecord,
    read_models: ReadModels,
    today: date,
    *,
    saved: str = "",
    saved_group: str = "",
    attempt: Attempt | None = None,
    status_code: int = 200,
) -> Response:
    setting_id = record.setting_id_of(actor)
    not_teaching = record.teaching_calendar(setting_id, today).why_not_teaching(today)
    groups = [] if not_teaching or actor.staff_id is None else _groups(actor, record, read_models, today)
    # A form whose group is no longer on the page (recorded or ended meanwhile): its errors at the top.
    unplaced = attempt.errors if attempt is not None and not _show_again(groups, attempt) else {}
    return render(
        request,
        "today/day.html",
        actor,
        status_code=status_code,
        today=today,
        not_teaching=not_teaching,
        no_staff_record=actor.staff_id is None,
        groups=groups,
        saved=saved,
        saved_name=next((g.name for g in groups if str(g.intervention_id) == saved_group), ""),
        statuses=STATUS_WORDS,
        reasons=[(r.value, words) for r, words in REASON_WORDS.items()],
        reason_words={r.value: words for r, words in REASON_WORDS.items()},
        unplaced=unplaced,
        longest_session=LONGEST_SESSION,
    )


def _groups(actor: Actor, record: SenRecord, read_models: ReadModels, today: date) -> list[Group]:
    """The running interventions the actor is assigned to (as ``GET /interventions`` lists a
    TA's) that meet on today's weekday, each with the pupils enrolled today."""
    weekday = Weekday.of(today)
    rows = read_models.ask(
        intervention_list, record.setting_id_of(actor), status="running", today=today, staff_id=actor.staff_id
    )
    groups = []
    for row in rows:
        if weekday is None or weekday.value not in row["weekdays"] or row["starts_on"] > today:
            continue
        # A pupil whose enrolment starts later is on the list, but not in today's session.
        enrolled = record.intervention(actor, row["id"]).enrolled_on(today)
        pupils = [p for p in row["pupils"] if p["pupil_id"] in enrolled]
        groups.append(
            _group(row, pupils, read_models.ask(session_register, row["id"], today, today), len(groups))
        )
    return groups


def _group(row: dict[str, Any], pupils: list[dict[str, Any]], register: dict[str, Any], n: int) -> Group:
    """Today's session of an intervention, or one per pupil where it is delivered one to one,
    each marked with what the register already holds for today."""
    delivered = [s for s in register["sessions"] if not s["voided"]]
    individual = Delivery(row["delivery"]) is Delivery.individual
    sittings = [[p] for p in pupils] if individual else [pupils]
    forms = []
    for i, sitting in enumerate(sittings):
        ids = {p["pupil_id"] for p in sitting}
        recorded = next(
            (s for s in delivered if not individual or ids & {m["pupil_id"] for m in s["attendance"]}), None
        )
        forms.append(SessionForm(f"g{n + 1}-{i + 1}", sitting, str(uuid4()), recorded))
    return Group(
        intervention_id=row["id"],
        key=f"g{n + 1}",
        name=row["name"],
        location=row["location"],
        planned_minutes=row["minutes_per_session"],
        individual=individual,
        forms=forms,
        missed=register["missed"][0] if register["missed"] else None,
    )


def _show_again(groups: list[Group], attempt: Attempt) -> bool:
    """The form that failed, as it was typed (its own ``session_id`` kept, so that sending
    it again is still the same session). False if its group is not on today's page."""
    for group in groups:
        if group.intervention_id != attempt.intervention_id:
            continue
        if attempt.kind == "missed":
            group.missed_values, group.missed_errors = attempt.values, attempt.errors
            return True
        for form in group.forms:
            if {str(p["pupil_id"]) for p in form.pupils} == attempt.pupil_ids and not form.recorded:
                form.values, form.errors = attempt.values, attempt.errors
                form.session_id = attempt.values["session_id"] or form.session_id
                return True
    return False


def _session_errors(error: Exception, pupil_ids: list[str]) -> dict[str, str]:
    """The service's field names as the form's: a pupil's mark beside that pupil; what the
    form has no field for (the day, the session id) at the top of the form."""
    found: dict[str, str] = {}
    for name, message in errors_of(error).items():
        if name == "minutes" and isinstance(error, ValidationError):
            message = MINUTES_ERROR  # the schema's limits, in a TA's words
        if name.startswith("attendance[") and "]" in name:
            index = name[len("attendance[") : name.index("]")]
            if index.isdigit() and int(index) < len(pupil_ids):
                found.setdefault(f"status-{pupil_ids[int(index)]}", message)
                continue
        found.setdefault(name if name in ("minutes", "focus", "notes") else "", message)
    return found


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _status(error: Exception) -> int:
    return 409 if isinstance(error, Conflict) else 422


def _back(saved: str, intervention_id: UUID) -> str:
    return "/today?" + urlencode({"saved": saved, "group": str(intervention_id)})
