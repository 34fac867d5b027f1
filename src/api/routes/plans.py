"""SEN support plans: one assess-plan-do-review cycle each."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.aggregates import SupportPlan
from apdr.aggregates.record_access import READ
from apdr.api.answers import CREATED, DONE
from apdr.api.deps import PlanReader, ReadModelsDep, SenRecordDep, Teaching, Today, read_pupil
from apdr.api.schemas.common import Created, attributes_of
from apdr.api.schemas.plans import (
    AgreementIn,
    ClosureIn,
    OutcomeAddIn,
    OutcomeOut,
    OutcomeRevisionIn,
    PlanIn,
    PlanList,
    PlanOut,
    PlanSummary,
    ReviewDateIn,
    ReviewIn,
    ReviewOut,
    StrategyIn,
    StrategyOut,
)
from apdr.projections.monitoring import pupil_plans

router = APIRouter(tags=["plans"])


@router.post("/pupils/{pupil_id}/plans", **CREATED)
def draft_plan(pupil_id: UUID, body: PlanIn, actor: Teaching, record: SenRecordDep, today: Today) -> Created:
    """Start the pupil's next cycle; a plan still open is closed by the one that follows it."""
    return Created(id=record.draft_plan(actor, pupil_id, today=today, **body.model_dump()))


def plan_out(plan: SupportPlan) -> PlanOut:
    return PlanOut(
        id=plan.id,
        status="open" if plan.is_open else "closed",
        outcomes=[OutcomeOut(**o) for o in plan.outcomes.values()],
        strategies=[StrategyOut(**s) for s in plan.strategies],
        reviews=[ReviewOut(**r) for r in plan.reviews],
        **attributes_of(
            plan,
            "pupil_id starts_on review_due_on expected_impact pupil_views parent_views "
            "home_actions follows_plan_id agreed_on closed_on closed_reason version",
        ),
    )


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: UUID, actor: PlanReader, record: SenRecordDep) -> PlanOut:
    plan = record.plan(actor, plan_id)
    record.record_access(actor, kind=READ, what=f"support plan {plan.id}", pupil_ids=[plan.pupil_id])
    return plan_out(plan)


@router.post("/plans/{plan_id}/reviews", **CREATED)
def review_plan(
    plan_id: UUID, body: ReviewIn, actor: Teaching, record: SenRecordDep, today: Today
) -> Created:
    review = body.model_dump()
    return Created(id=record.review_plan(actor, plan_id, today=today, **review))


@router.post("/plans/{plan_id}/agreement", **DONE)
def agree_plan(plan_id: UUID, body: AgreementIn, actor: Teaching, record: SenRecordDep, today: Today) -> None:
    """Code of Practice 6.48: support is agreed "in consultation with the parent and the pupil"."""
    record.agree_plan(actor, plan_id, today=today, **body.model_dump())


@router.post("/plans/{plan_id}/outcomes", **CREATED)
def add_outcome(plan_id: UUID, body: OutcomeAddIn, actor: Teaching, record: SenRecordDep) -> Created:
    return Created(
        id=record.add_outcome(actor, plan_id, outcome=body.outcome.model_dump(), reason=body.reason)
    )


@router.post("/plans/{plan_id}/outcomes/{outcome_id}/revisions", **DONE)
def revise_outcome(
    plan_id: UUID, outcome_id: UUID, body: OutcomeRevisionIn, actor: Teaching, record: SenRecordDep
) -> None:
    record.revise_outcome(actor, plan_id, outcome_id, **body.model_dump())


@router.post("/plans/{plan_id}/strategies", **DONE)
def add_strategy(plan_id: UUID, body: StrategyIn, actor: Teaching, record: SenRecordDep) -> None:
    record.add_strategy(actor, plan_id, strategy=body.model_dump())


@router.post("/plans/{plan_id}/review-date", **DONE)
def move_review(plan_id: UUID, body: ReviewDateIn, actor: Teaching, record: SenRecordDep) -> None:
    record.move_review(actor, plan_id, **body.model_dump())


@router.post("/plans/{plan_id}/closure", **DONE)
def close_plan(plan_id: UUID, body: ClosureIn, actor: Teaching, record: SenRecordDep, today: Today) -> None:
    record.close_plan(actor, plan_id, today=today, **body.model_dump())


@router.get("/pupils/{pupil_id}/plans", response_model=PlanList)
def list_plans(
    pupil_id: UUID, actor: PlanReader, record: SenRecordDep, read_models: ReadModelsDep
) -> PlanList:
    """The pupil's support plans, oldest first: each cycle's dates, whether it is open,
    and the plan it follows. GET /plans/{id} gives a whole plan."""
    pupil = read_pupil(record, actor, pupil_id, "support plans")
    rows = read_models.ask(pupil_plans, pupil.setting_id, pupil.id)
    return PlanList(
        plans=[
            PlanSummary.model_validate(
                r | {"id": r["plan_id"], "status": "open" if r["closed_on"] is None else "closed"}
            )
            for r in rows
        ]
    )
