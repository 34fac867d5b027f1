"""The shapes of the provision map, the impact report and the SEN support report, for the OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from apdr.api.schemas.common import Out


class ProvisionRow(Out):
    pupil_id: UUID
    pupil_name: str
    upn: str
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
    enrolled_on: date = Field(description="The day the pupil joined the intervention")
    left_on: date | None = Field(description="The day the pupil left it: withdrawn early, or at its end")
    withdrawn_on: date | None = Field(
        description="The day the pupil was withdrawn before the intervention ended"
    )
    cost_per_year: str
    cost_per_pupil_per_year: str
    sessions_expected: int
    sessions_delivered: int
    sessions_attended: int


class DeliveryTotals(Out):
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


class ProvisionTotals(DeliveryTotals):
    rows: int


class ProvisionMapOut(Out):
    as_of: date
    from_date: date
    calendar_is_default: bool
    rows: list[ProvisionRow]
    totals: ProvisionTotals


RatioGainBand = Literal["doubtful", "modest", "useful", "substantial", "remarkable"]


class MeasureOut(Out):
    instrument: str
    measure: str
    scale: str
    pairs: int = Field(description="The number of pupils behind the figures: one pair (baseline, exit) each")
    small_sample: bool = Field(description="Fewer than five pupils (apdr's default): read with caution")
    mean_baseline: float
    mean_exit: float
    mean_change: float
    effect_size: float | None = Field(
        description="Hedges' g of the pre-post change, no comparison group (see effect_size_kind); "
        "none with fewer than three pairs or no spread"
    )
    effect_size_kind: Literal["pre_post_hedges_g"] = Field(
        description="pre-post standardised mean change, Hedges' small-sample correction, no comparison group"
    )
    effect_size_ci_low: float | None = Field(description="95% confidence interval of effect_size, lower end")
    effect_size_ci_high: float | None = Field(description="95% confidence interval of effect_size, upper end")
    ratio_gain: float | None = Field(
        description="Age-equivalent measures, at least a term (91 days) on average from baseline to exit: "
        "months gained over months elapsed"
    )
    ratio_gain_band: RatioGainBand | None = Field(
        description="Brooks (2016): <1.4 doubtful, 1.4 modest, 2.0 useful, 3.0 substantial, 4.0 remarkable"
    )
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
    from_date: date | None = Field(description="The window's first day; none for the whole history")
    to: date | None = Field(description="The window's last day; none for the whole history")
    interventions: list[InterventionImpact]
    by_area: list[AreaImpact]
    by_year_group: list[YearGroupImpact]


# -- the SEN support report ---------------------------------------------------------------


class SettingOut(Out):
    urn: str
    name: str


class CountOut(Out):
    count: int
    percent: float | None


class NationalOut(Out):
    academic_year: str
    sen_support_percent: float
    ehc_plan_percent: float
    source: str
    published: str
    url: str


class NeedCount(Out):
    primary_need: str | None
    area_of_need: str | None
    sen_support: int
    ehc_plan: int
    total: int


class YearGroupCount(Out):
    year_group: int
    sen_support: int
    ehc_plan: int
    total: int


class RegisterSection(Out):
    pupils_on_roll: int
    sen_support: CountOut
    ehc_plan: CountOut
    on_register: CountOut
    national: NationalOut
    by_primary_need: list[NeedCount]
    by_year_group: list[YearGroupCount]


class InterventionDelivery(Out):
    intervention_id: UUID
    name: str
    programme: str
    area_of_need: str
    starts_on: date
    ends_on: date
    pupils: int
    sessions_expected: int
    sessions_delivered: int
    sessions_attended: int
    delivered_percent: float | None
    attended_percent: float | None
    cost_per_year: str


class InterventionsSection(Out):
    rows: list[InterventionDelivery]
    totals: DeliveryTotals


class SampledMeasure(MeasureOut):
    """A measure's figures in the SEN support report (``small_sample`` as the impact report marks it)."""


class InterventionMeasures(Out):
    intervention_id: UUID
    name: str
    area_of_need: str
    pupils: int
    measures: list[SampledMeasure]


class AreaMeasures(Out):
    area_of_need: str
    interventions: int
    pupils: int
    measures: list[SampledMeasure]


class ImpactSection(Out):
    small_sample_below: int
    pupils: int
    by_intervention: list[InterventionMeasures]
    by_area: list[AreaMeasures]


class ObservationOut(Out):
    intervention_id: UUID
    intervention: str
    observed_on: date
    observer: str
    fidelity: int
    notes: str
    actions: str


class ObservationsSection(Out):
    count: int
    mean_fidelity: float | None
    interventions_observed: int
    rows: list[ObservationOut]


class TrainingCoverage(Out):
    intervention_id: UUID
    intervention: str
    programme: str
    staff: int
    trained: int


class UntrainedOut(Out):
    staff_id: UUID
    staff: str
    intervention_id: UUID
    intervention: str
    programme: str


class TrainingSection(Out):
    trained_on: date
    staff: int
    assignments: int
    trained: int
    coverage_percent: float | None
    by_intervention: list[TrainingCoverage]
    untrained: list[UntrainedOut]


class ReviewsSection(Out):
    count: int
    pupils: int
    pupil_views: CountOut
    parent_views: CountOut


class SampledPupil(Out):
    pupil_id: UUID
    name: str
    year_group: int
    sen_status: str
    primary_need: str | None
    primary_need_area: str | None
    why: str


class SenSupportSections(Out):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)

    # "register" would shadow the model class's own ``register`` (it is an ABC).
    register_: RegisterSection = Field(alias="register")
    interventions: InterventionsSection
    impact: ImpactSection
    observations: ObservationsSection
    training: TrainingSection
    reviews: ReviewsSection
    sample: list[SampledPupil]


class SenSupportOut(Out):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)

    title: str
    setting: SettingOut
    from_date: date = Field(alias="from")
    to: date
    as_of: date
    issued_by: str
    issued_at: datetime
    marking: str
    sections: SenSupportSections
