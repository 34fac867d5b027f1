"""The interventions: the list, planning one, and one intervention's page with its
timetable, staff, pupils and register, where the SENCO enrols pupils. Each calls
what the matching API route calls, and a form is checked by that route's body model."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from apdr.aggregates import Intervention
from apdr.aggregates.codes import AreaOfNeed, Delivery, Role, SenProvision, Weekday
from apdr.aggregates.record_access import READ
from apdr.api.deps import ReadModelsDep, SenRecordDep, Today
from apdr.api.routes.interventions import Status, intervention_out
from apdr.api.schemas.interventions import EnrolmentIn, InterventionIn
from apdr.application import Actor, SenRecord
from apdr.projections.interventions import intervention_list, session_register
from apdr.projections.provision_map import setting_staff
from apdr.projections.pupils import find_pupils
from apdr.projections.runner import ReadModels
from apdr.web.deps import CsrfChecked, MemberPage, SencoPage
from apdr.web.forms import (
    FORM_ERRORS,
    PLAIN,
    errors_of,
    folded,
    form_fields,
    options,
    parse,
    whole_numbers,
    words,
)
from apdr.web.pages import render, see_other

router = APIRouter(include_in_schema=False)

WEEKDAY_NAMES = {
    Weekday.mon: "Monday",
    Weekday.tue: "Tuesday",
    Weekday.wed: "Wednesday",
    Weekday.thu: "Thursday",
    Weekday.fri: "Friday",
}
ON_THE_REGISTER = {SenProvision.sen_support.value, SenProvision.ehc_plan.value}
MOST_PUPILS = 500
"""The most pupils a page lists to choose from (find_pupils' page; a school's roll fits)."""


def weekdays(days: list[Any]) -> str:
    return ", ".join(WEEKDAY_NAMES[Weekday(getattr(d, "value", d))] for d in days)


# -- the list --------------------------------------------------------------------


@router.get("/interventions")
def interventions(
    request: Request,
    actor: MemberPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    status: Status = Status.running,
) -> Response:
    """GET /api/v1/interventions as a page: a teaching assistant sees only their own groups."""
    setting_id = record.setting_id_of(actor)
    rows: list[dict[str, Any]] = []
    if actor.role is not Role.ta or actor.staff_id is not None:
        rows = read_models.ask(
            intervention_list,
            setting_id,
            status=status.value,
            today=today,
            staff_id=actor.staff_id if actor.role is Role.ta else None,
        )
    staff = _staff_names(read_models, setting_id)
    return render(
        request,
        "interventions/list.html",
        actor,
        rows=rows,
        status=status.value,
        staff=staff,
        words=words,
        weekdays=weekdays,
    )


def _staff_names(read_models: ReadModels, setting_id: UUID) -> dict[UUID, str]:
    return {m["staff_id"]: m["name"] for m in read_models.ask(setting_staff, setting_id)}


# -- planning one ----------------------------------------------------------------

LISTS = ("weekdays", "staff_ids")
CHOOSE = "Choose at least one"


def _plan_page(
    request: Request, actor: Actor, record: SenRecord, read_models: ReadModels, **context: Any
) -> Response:
    setting_staff_rows = read_models.ask(setting_staff, record.setting_id_of(actor))
    return render(
        request,
        "interventions/new.html",
        actor,
        area_options=options(AreaOfNeed),
        delivery_options=options(Delivery),
        weekday_options=[(d.value, name) for d, name in WEEKDAY_NAMES.items()],
        staff_options=[(str(m["staff_id"]), f"{m['name']} ({words(m['role'])})") for m in setting_staff_rows],
        **context,
    )


@router.get("/interventions/new")
def new_intervention(
    request: Request, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> Response:
    values = {"starts_on": today.isoformat(), "weekdays": [], "staff_ids": []}
    return _plan_page(request, actor, record, read_models, values=values, errors={})


def strategy_codes(text: str) -> list[str]:
    """Codes typed in one box, separated by commas or spaces ('CL5, CL7')."""
    return [code for code in re.split(r"[\s,;]+", text) if code]


@router.post("/interventions/new", dependencies=[CsrfChecked])
async def plan_intervention(
    request: Request, actor: SencoPage, record: SenRecordDep, read_models: ReadModelsDep
) -> Response:
    """POST /api/v1/interventions, from a form."""
    fields = await form_fields(request, *LISTS)
    body = whole_numbers(fields, "minutes_per_session", "planned_weeks")
    body["strategy_codes"] = strategy_codes(fields.get("strategy_codes", ""))
    body = {
        name: value for name, value in body.items() if value != []
    }  # none chosen: the default, or missing
    try:
        intervention_id = record.plan_intervention(actor, **parse(InterventionIn, body).model_dump())
    except FORM_ERRORS as e:
        errors = folded(errors_of(e), *LISTS, "strategy_codes")
        errors = {k: CHOOSE if k in LISTS and m == PLAIN["missing"] else m for k, m in errors.items()}
        return _plan_page(request, actor, record, read_models, status_code=422, values=fields, errors=errors)
    return see_other(request, f"/interventions/{intervention_id}")


# -- one intervention ------------------------------------------------------------


def _detail_page(
    request: Request,
    actor: Actor,
    record: SenRecord,
    read_models: ReadModels,
    today: date,
    intervention: Intervention,
    **context: Any,
) -> Response:
    setting_id = intervention.setting_id
    shown = intervention_out(intervention, today)
    register = read_models.ask(session_register, intervention.id)
    held = [s for s in register["sessions"] if not s["voided"]]
    # The register's marks are a read of those pupils' records, as GET …/sessions records it.
    marked = {m["pupil_id"] for s in register["sessions"] for m in s["attendance"]}
    record.record_access(actor, kind=READ, what=f"session register of {intervention.name}", pupil_ids=marked)
    enrolled = {e.pupil_id for e in shown.enrolments}
    names = _pupil_names(read_models, setting_id, enrolled)
    attended = {
        pupil_id: sum(
            1 for s in held for m in s["attendance"] if m["pupil_id"] == pupil_id and m["status"] != "absent"
        )
        for pupil_id in enrolled
    }
    current = {e.pupil_id for e in shown.enrolments if e.ends_on is None or e.ends_on >= today}
    return render(
        request,
        "interventions/detail.html",
        actor,
        intervention=shown,
        staff=_staff_names(read_models, setting_id),
        names=names,
        attended=attended,
        held=held,
        missed=register["missed"],
        minutes=sum(s["minutes"] for s in held),
        candidates=_candidates(actor, record, read_models, setting_id, current)
        if actor.role is Role.senco
        else None,
        words=words,
        weekdays=weekdays,
        **context,
    )


def _pupil_names(read_models: ReadModels, setting_id: UUID, pupil_ids: set[UUID]) -> dict[UUID, str]:
    if not pupil_ids:
        return {}
    rows, _ = read_models.ask(
        find_pupils, setting_id, pupil_ids=pupil_ids, include_left=True, limit=MOST_PUPILS
    )
    return {r["pupil_id"]: f"{r['given_name']} {r['family_name']}" for r in rows}


def _candidates(
    actor: Actor, record: SenRecord, read_models: ReadModels, setting_id: UUID, enrolled: set[UUID]
) -> dict[str, list[tuple[str, str]]]:
    """Pupils on roll who could join, as (id, "name, class") to choose from: those on the
    SEN register, then the others. Listing them is a read, audited as the API's pupil list is."""
    rows, _ = read_models.ask(find_pupils, setting_id, limit=MOST_PUPILS)
    rows = [r for r in rows if r["pupil_id"] not in enrolled]
    record.record_access(actor, kind=READ, what="pupil list", pupil_ids=[r["pupil_id"] for r in rows])

    def choices(on_register: bool) -> list[tuple[str, str]]:
        return [
            (str(r["pupil_id"]), f"{r['given_name']} {r['family_name']}, class {r['class_name']}")
            for r in rows
            if (r["sen_status"] in ON_THE_REGISTER) is on_register
        ]

    return {"register": choices(True), "others": choices(False)}


@router.get("/interventions/{intervention_id}")
def intervention_page(
    request: Request,
    intervention_id: UUID,
    actor: MemberPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
) -> Response:
    """GET /api/v1/interventions/{id} and its register, as a page."""
    intervention = record.intervention(actor, intervention_id)
    values = {"starts_on": today.isoformat(), "pupil_ids": []}
    return _detail_page(request, actor, record, read_models, today, intervention, values=values, errors={})


@router.post("/interventions/{intervention_id}/enrolments", dependencies=[CsrfChecked])
async def enrol_pupils(
    request: Request,
    intervention_id: UUID,
    actor: SencoPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
) -> Response:
    """POST /api/v1/interventions/{id}/enrolments, once for each pupil chosen. Every
    enrolment is checked by the API's model before the first is made; one the service
    then refuses is named at the top, and those before it stay enrolled (each is its own change)."""
    intervention = record.intervention(actor, intervention_id)
    fields = await form_fields(request, "pupil_ids")
    enrolments: list[EnrolmentIn] = []
    enrolled: list[UUID] = []
    try:
        enrolments = [
            parse(EnrolmentIn, {"pupil_id": pupil_id, "starts_on": fields.get("starts_on", "")})
            for pupil_id in fields["pupil_ids"] or [None]
        ]
        for enrolment in enrolments:
            record.enrol_pupil(actor, intervention.id, **enrolment.model_dump())
            enrolled.append(enrolment.pupil_id)
    except FORM_ERRORS as e:
        refused = enrolments[len(enrolled)].pupil_id if len(enrolments) > len(enrolled) else None
        errors = _enrolment_errors(
            errors_of(e), _pupil_names(read_models, intervention.setting_id, {refused} if refused else set())
        )
        names = _pupil_names(read_models, intervention.setting_id, set(enrolled))
        still = [p for p in fields["pupil_ids"] if p not in {str(e) for e in enrolled}]
        return _detail_page(
            request,
            actor,
            record,
            read_models,
            today,
            record.intervention(actor, intervention_id),
            status_code=422,
            values={**fields, "pupil_ids": still},
            errors=errors,
            just_enrolled=[names.get(p, "") for p in enrolled],
        )
    return see_other(request, f"/interventions/{intervention.id}")


def _enrolment_errors(errors: dict[str, str], refused: dict[UUID, str]) -> dict[str, str]:
    """The API's errors about one ``pupil_id``, shown at the list of pupils with the pupil's name."""
    shown = {("pupil_ids" if name == "pupil_id" else name): m for name, m in errors.items()}
    if shown.get("pupil_ids") == PLAIN["missing"]:
        shown["pupil_ids"] = "Choose at least one pupil"
    elif "pupil_ids" in shown and refused:
        shown["pupil_ids"] = f"{next(iter(refused.values()))}: {shown['pupil_ids']}"
    return shown
