"""The shapes of the provision map and the impact report, for the OpenAPI schema."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from apdr.api.schemas.common import Out


class ProvisionRow(Out):
    pupil_id: UUID
    pupil_name: str
    age: int
    year_group: int
    class_name: str
    intervention_id: UUID
    intervention: str
    programme: str
    area_of_need: str
    strategy_codes: list[str]
    aim: str
    staff: str
    weekdays: list[str]
    sessions_per_week: int
    minutes_per_session: int
    delivery: str
    ratio: str
    location: str
    withdrawn_from: str
    starts_on: date
    planned_weeks: int
    review_due_on: date | None
    reviewed_on: list[date]
    ends_on: date
    ended: bool
    enrolled_on: date
    left_on: date | None
    cost_per_year: str
    cost_per_pupil_per_year: str
    sessions_expected: int
    sessions_delivered: int
    sessions_attended: int


class ProvisionTotals(Out):
    rows: int
    pupils: int
    interventions: int
    cost_per_year: str
    cost_per_pupil_per_year: str
    sessions_expected: int
    sessions_delivered: int
    sessions_attended: int
    delivered_percent: float | None
    attended_percent: float | None
    pupils_by_area_of_need: dict[str, int]


class ProvisionMapOut(Out):
    as_of: date
    from_date: date
    calendar_is_default: bool
    rows: list[ProvisionRow]
    totals: ProvisionTotals


class MeasureOut(Out):
    instrument: str
    measure: str
    scale: str
    pairs: int
    mean_baseline: float
    mean_exit: float
    mean_change: float
    effect_size: float | None
    ratio_gain: float | None
    mean_months_elapsed: float
    cost_per_unit_of_gain: str | None


class CompletionOut(Out):
    completed: int
    withdrawn: int
    in_progress: int
    completed_percent: float | None


class InterventionImpact(Out):
    intervention_id: UUID
    name: str
    area_of_need: str
    starts_on: date
    ended_on: date | None
    pupils: int
    completion: CompletionOut
    sessions_delivered: int
    attendance_percent: float | None
    cost_per_pupil: str | None
    measures: list[MeasureOut]


class AreaImpact(Out):
    area_of_need: str
    interventions: int
    pupils: int
    completion: CompletionOut
    attendance_percent: float | None
    cost_per_pupil: str | None
    measures: list[MeasureOut]


class YearGroupImpact(Out):
    year_group: int
    interventions: int
    pupils: int
    completion: CompletionOut
    attendance_percent: float | None
    measures: list[MeasureOut]


class ImpactOut(Out):
    definitions: dict[str, str]
    interventions: list[InterventionImpact]
    by_area: list[AreaImpact]
    by_year_group: list[YearGroupImpact]
