from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from apdr.aggregates.codes import Decision, Rating
from apdr.api.schemas.common import Body, Day, Out, Short, Text


class OutcomeIn(Body):
    description: Text
    measure: Short
    target: Short


class StrategyIn(Body):
    code: Annotated[str, Field(max_length=10)] | None = None
    description: Text


class PlanIn(Body):
    starts_on: Day
    review_due_on: Day
    outcomes: Annotated[list[OutcomeIn], Field(max_length=20)]
    strategies: Annotated[list[StrategyIn], Field(max_length=40)] = []
    expected_impact: Text
    pupil_views: Text = ""
    parent_views: Text = ""
    home_actions: Text = ""


class AgreementIn(Body):
    agreed_on: Day
    agreed_with: Short = ""
    notes: Text = ""


class OutcomeAddIn(Body):
    outcome: OutcomeIn
    reason: Text = ""


class OutcomeRevisionIn(Body):
    description: Text | None = None
    measure: Short | None = None
    target: Short | None = None
    reason: Text


class ReviewDateIn(Body):
    review_due_on: Day
    reason: Text


class ClosureIn(Body):
    closed_on: Day
    reason: Text


class RatingIn(Body):
    outcome_id: UUID
    rating: Rating
    evidence: Text = ""


class ReviewIn(Body):
    reviewed_on: Day
    outcomes: Annotated[list[RatingIn], Field(max_length=20)]
    tried: Text = Field("", description="What have we tried?")
    learned: Text = Field("", description="What have we learned?")
    pleased: Text = Field("", description="What are we pleased about?")
    concerned: Text = Field("", description="What are we concerned about?")
    pupil_views: Text = ""
    parent_views: Text = ""
    decision: Decision
    next_review_due_on: Day | None = None


class OutcomeOut(Out):
    id: UUID
    description: str
    measure: str
    target: str


class StrategyOut(Out):
    code: str | None
    description: str


class RatingOut(Out):
    outcome_id: UUID
    rating: Rating
    evidence: str


class ReviewOut(Out):
    id: UUID
    reviewed_on: date
    outcomes: list[RatingOut]
    tried: str
    learned: str
    pleased: str
    concerned: str
    pupil_views: str
    parent_views: str
    decision: Decision
    next_review_due_on: date | None


class PlanOut(Out):
    id: UUID
    pupil_id: UUID
    status: str
    starts_on: date
    review_due_on: date
    outcomes: list[OutcomeOut]
    strategies: list[StrategyOut]
    expected_impact: str
    pupil_views: str
    parent_views: str
    home_actions: str
    follows_plan_id: UUID | None
    agreed_on: date | None
    reviews: list[ReviewOut]
    closed_on: date | None
    closed_reason: str | None
    version: int


class PlanSummary(Out):
    """One of a pupil's plans, as listed: GET /plans/{id} gives the whole plan."""

    id: UUID
    pupil_id: UUID
    starts_on: date
    review_due_on: date | None
    status: Literal["open", "closed"]
    closed_on: date | None
    follows_plan_id: UUID | None
    last_reviewed_on: date | None


class PlanList(Out):
    plans: list[PlanSummary]
