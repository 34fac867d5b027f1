"""The SENCO's forms for the graduated approach: register a pupil, record a need,
write a support plan, hold its review. Each form posts to the same ``SenRecord``
command as the API route that does the same thing, validated by that route's body
model, so an error names the same field (``outcomes[0].target``) and is shown beside it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from apdr.aggregates import Pupil, SupportPlan
from apdr.aggregates.codes import Decision, NeedType, Rating
from apdr.aggregates.record_access import READ
from apdr.api.deps import SenRecordDep, Today, read_pupil
from apdr.api.schemas.plans import PlanIn, ReviewIn
from apdr.api.schemas.pupils import NeedIn, PupilIn
from apdr.application import Actor, SenRecord
from apdr.projections.chronology.wording import DECISIONS, NEED_NAMES, capital
from apdr.web.deps import CsrfChecked, SencoPage, TeachingPage
from apdr.web.forms import (
    FORM_ERRORS,
    at_top,
    errors_of,
    form_fields,
    nested,
    options,
    parse,
    whole_numbers,
)
from apdr.web.pages import render, see_other

router = APIRouter(include_in_schema=False)

ROWS = {"outcomes": 3, "strategies": 2}
"""Blank rows a new plan shows for its outcomes and strategies; "add another" adds one."""

NEED_OPTIONS = [(n.value, f"{capital(NEED_NAMES[n])} ({n.value})") for n in NeedType]
RANK_OPTIONS = [("1", "1: primary need"), ("2", "2: secondary need")]
RATING_OPTIONS = options(Rating)
DECISION_OPTIONS = [(d.value, capital(DECISIONS[d])) for d in Decision]
QUESTIONS = [
    (name, ReviewIn.model_fields[name].description) for name in ("tried", "learned", "pleased", "concerned")
]
"""The four questions a review asks, in the API's own words."""


# -- register a pupil ------------------------------------------------------------


@router.get("/pupils/new")
def new_pupil(request: Request, actor: SencoPage) -> Response:
    return render(request, "forms/pupil.html", actor, values={}, errors={})


@router.post("/pupils/new", dependencies=[CsrfChecked])
async def register_pupil(request: Request, actor: SencoPage, record: SenRecordDep, today: Today) -> Response:
    """POST /api/v1/pupils, from a form."""
    fields = await form_fields(request)
    try:
        pupil_id = record.register_pupil(actor, today=today, **parse(PupilIn, fields).model_dump())
    except FORM_ERRORS as e:
        return render(request, "forms/pupil.html", actor, status_code=422, values=fields, errors=errors_of(e))
    return see_other(request, f"/pupils/{pupil_id}")


# -- record a need ---------------------------------------------------------------


def _need_page(request: Request, actor: Actor, pupil: Pupil, **context: Any) -> Response:
    return render(
        request,
        "forms/need.html",
        actor,
        pupil=pupil,
        current=[(rank, capital(NEED_NAMES[n["need_type"]])) for rank, n in sorted(pupil.needs.items())],
        need_options=NEED_OPTIONS,
        rank_options=RANK_OPTIONS,
        **context,
    )


@router.get("/pupils/{pupil_id}/needs/new")
def new_need(
    request: Request, pupil_id: UUID, actor: SencoPage, record: SenRecordDep, today: Today
) -> Response:
    pupil = read_pupil(record, actor, pupil_id, "pupil record")
    first_free = "2" if 1 in pupil.needs else "1"
    return _need_page(
        request, actor, pupil, values={"rank": first_free, "identified_on": today.isoformat()}, errors={}
    )


@router.post("/pupils/{pupil_id}/needs/new", dependencies=[CsrfChecked])
async def identify_need(
    request: Request, pupil_id: UUID, actor: SencoPage, record: SenRecordDep, today: Today
) -> Response:
    """POST /api/v1/pupils/{id}/needs, from a form."""
    pupil = record.pupil(actor, pupil_id)  # another setting's pupil: 404 before anything is read
    fields = await form_fields(request)
    try:
        need = parse(NeedIn, whole_numbers(fields, "rank"))
        record.identify_need(actor, pupil.id, today=today, **need.model_dump())
    except FORM_ERRORS as e:
        return _need_page(request, actor, pupil, status_code=422, values=fields, errors=errors_of(e))
    return see_other(request, f"/pupils/{pupil.id}")


# -- write a support plan --------------------------------------------------------


def _with_rows(values: dict[str, Any], more: str | None = None) -> dict[str, Any]:
    """The plan's rows as typed, then blank ones up to the usual number, and one more
    for the list whose "add another" was pressed."""
    shown = dict(values)
    for name, blank in ROWS.items():
        rows = list(values.get(name) or [])
        wanted = max(blank, len(rows)) + (1 if name == more else 0)
        shown[name] = rows + [{} for _ in range(wanted - len(rows))]
    return shown


def _plan_page(
    request: Request, actor: Actor, pupil: Pupil, values: dict[str, Any], **context: Any
) -> Response:
    return render(request, "forms/plan.html", actor, pupil=pupil, values=values, **context)


@router.get("/pupils/{pupil_id}/plans/new")
def new_plan(
    request: Request, pupil_id: UUID, actor: TeachingPage, record: SenRecordDep, today: Today
) -> Response:
    pupil = read_pupil(record, actor, pupil_id, "pupil record")
    return _plan_page(request, actor, pupil, _with_rows({"starts_on": today.isoformat()}), errors={})


@router.post("/pupils/{pupil_id}/plans/new", dependencies=[CsrfChecked])
async def draft_plan(
    request: Request, pupil_id: UUID, actor: TeachingPage, record: SenRecordDep, today: Today
) -> Response:
    """POST /api/v1/pupils/{id}/plans, from a form. "Add another outcome" (or strategy)
    comes back to the same form with one more row: the page works without JavaScript."""
    pupil = record.pupil(actor, pupil_id)  # another setting's pupil: 404
    fields = await form_fields(request)
    more = fields.pop("add", None)
    values = nested(fields)
    if more in ROWS:
        return _plan_page(request, actor, pupil, _with_rows(values, more), errors={}, added=more)
    try:
        plan = parse(PlanIn, values)
        record.draft_plan(actor, pupil.id, today=today, **plan.model_dump())
    except FORM_ERRORS as e:
        errors = at_top(errors_of(e), "pupil_id")
        return _plan_page(request, actor, pupil, _with_rows(values), status_code=422, errors=errors)
    return see_other(request, f"/pupils/{pupil.id}")


# -- hold a review -----------------------------------------------------------------


def _review_page(
    request: Request, actor: Actor, record: SenRecord, plan: SupportPlan, **context: Any
) -> Response:
    return render(
        request,
        "forms/review.html",
        actor,
        plan=plan,
        pupil=record.pupil(actor, plan.pupil_id),
        outcomes=list(plan.outcomes.values()),
        questions=QUESTIONS,
        rating_options=RATING_OPTIONS,
        decision_options=DECISION_OPTIONS,
        **context,
    )


@router.get("/plans/{plan_id}/review")
def new_review(
    request: Request, plan_id: UUID, actor: TeachingPage, record: SenRecordDep, today: Today
) -> Response:
    plan = record.plan(actor, plan_id)
    # The page shows the plan's outcomes: a read of the plan, as GET /api/v1/plans/{id} records it.
    record.record_access(actor, kind=READ, what=f"support plan {plan.id}", pupil_ids=[plan.pupil_id])
    rows = [{"outcome_id": str(outcome_id)} for outcome_id in plan.outcomes]
    values = {"reviewed_on": today.isoformat(), "outcomes": rows}
    return _review_page(request, actor, record, plan, values=values, errors={})


@router.post("/plans/{plan_id}/review", dependencies=[CsrfChecked])
async def review_plan(
    request: Request, plan_id: UUID, actor: TeachingPage, record: SenRecordDep, today: Today
) -> Response:
    """POST /api/v1/plans/{id}/reviews, from a form: a rating per outcome, the four questions, a decision."""
    plan = record.plan(actor, plan_id)
    values = nested(await form_fields(request))
    try:
        review = parse(ReviewIn, values)
        record.review_plan(actor, plan.id, today=today, **review.model_dump())
    except FORM_ERRORS as e:
        errors = at_top(errors_of(e), "plan_id")
        plan = record.plan(actor, plan_id)
        return _review_page(request, actor, record, plan, status_code=422, values=values, errors=errors)
    return see_other(request, f"/pupils/{plan.pupil_id}")
