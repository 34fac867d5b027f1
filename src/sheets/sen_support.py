"""The SEN support report as a workbook: its sections one under another on one sheet, each
a bold caption over a table, for governors and the LA to sort and total for themselves.
The figures are the report's own (its JSON); nothing is counted again here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from apdr.projections.chronology.wording import day, year_name
from apdr.sheets.columns import Column, Kind, coded
from apdr.sheets.layouts import AREAS, MEASURE, NEEDS, PROVISIONS, delivery_totals
from apdr.sheets.workbook import Line, Table

COUNTS = [
    Column("label", "", width=30),
    Column("count", "Pupils", Kind.integer),
    Column("percent", "Of pupils on roll (%)", Kind.percent),
    Column("england", "England (%)", Kind.percent),
]
REVIEWS = [
    Column("label", "", width=30),
    Column("count", "Number", Kind.integer),
    Column("percent", "Of the reviews (%)", Kind.percent),
]
BY_NEED = [
    *coded("primary_need", "Primary need", NEEDS),
    Column("area_of_need", "Area of need", words=AREAS),
    Column("sen_support", "SEN support", Kind.integer),
    Column("ehc_plan", "EHC plan", Kind.integer),
    Column("total", "Total", Kind.integer),
]
BY_YEAR = [
    Column("year_group", "Year group", read=lambda row: year_name(row["year_group"])),
    Column("sen_support", "SEN support", Kind.integer),
    Column("ehc_plan", "EHC plan", Kind.integer),
    Column("total", "Total", Kind.integer),
]
DELIVERY = [
    Column("name", "Intervention", width=24),
    Column("programme", "Programme"),
    *coded("area_of_need", "Area of need", AREAS),
    Column("starts_on", "Start", Kind.date),
    Column("ends_on", "End", Kind.date),
    Column("pupils", "Pupils", Kind.integer),
    Column("sessions_expected", "Sessions expected", Kind.integer),
    Column("sessions_delivered", "Sessions delivered", Kind.integer),
    Column("sessions_attended", "Sessions attended", Kind.integer),
    Column("delivered_percent", "Delivered of expected (%)", Kind.percent),
    Column("attended_percent", "Attended of delivered (%)", Kind.percent),
    Column("cost_per_year", "Cost per year (£)", Kind.money),
]
IMPACT_BY_INTERVENTION = [
    Column("name", "Intervention", width=24),
    *coded("area_of_need", "Area of need", AREAS),
    Column("pupils", "Pupils", Kind.integer),
    *MEASURE,
]
IMPACT_BY_AREA = [
    *coded("area_of_need", "Area of need", AREAS),
    Column("interventions", "Interventions", Kind.integer),
    Column("pupils", "Pupils", Kind.integer),
    *MEASURE,
]
OBSERVATIONS = [
    Column("intervention", "Intervention", width=24),
    Column("observed_on", "Observed on", Kind.date),
    Column("observer", "Observer"),
    Column("fidelity", "Fidelity (1-4)", Kind.integer),
    Column("notes", "Notes", width=40),
    Column("actions", "Actions", width=40),
]
TRAINING = [
    Column("intervention", "Intervention", width=24),
    Column("programme", "Programme"),
    Column("staff", "Staff delivering", Kind.integer),
    Column("trained", "Trained", Kind.integer),
]
UNTRAINED = [
    Column("staff", "Staff", width=22),
    Column("intervention", "Intervention", width=24),
    Column("programme", "Programme"),
]
SAMPLE = [
    Column("name", "Pupil", width=22),
    Column("year_group", "Year group", read=lambda row: year_name(row["year_group"])),
    *coded("sen_status", "SEN provision", PROVISIONS),
    *coded("primary_need", "Primary need", NEEDS),
    Column("primary_need_area", "Area of need", words=AREAS),
    Column("why", "Why this pupil", width=40),
]


def sen_support_tables(report: Mapping[str, Any]) -> list[Table]:
    """The report's sections as tables, in the report's order, each with its totals."""
    s = report["sections"]
    register, impact, observations, training = (
        s[k] for k in ("register", "impact", "observations", "training")
    )
    reviews = s["reviews"]
    national = register["national"]
    return [
        Table(
            COUNTS,
            _register_counts(register),
            f"The register on {_day(report['as_of'])}",
            lambda: [Line(f"England, {national['academic_year']}: {national['source']}", None)],
        ),
        Table(BY_NEED, register["by_primary_need"], "By primary need"),
        Table(BY_YEAR, register["by_year_group"], "By year group"),
        Table(
            DELIVERY,
            s["interventions"]["rows"],
            "Interventions: how much of them happened",
            lambda: delivery_totals(s["interventions"]["totals"]),
        ),
        Table(
            IMPACT_BY_INTERVENTION,
            _by_measure(impact["by_intervention"]),
            "Impact, by intervention",
            lambda: [
                Line("Pupils with a baseline and an exit", impact["pupils"]),
                Line(f"Small sample: fewer than {impact['small_sample_below']} pupils behind a figure", None),
            ],
        ),
        Table(IMPACT_BY_AREA, _by_measure(impact["by_area"]), "Impact, by area of need"),
        Table(
            OBSERVATIONS,
            observations["rows"],
            "Monitoring of delivery",
            lambda: [
                Line("Observations", observations["count"]),
                Line("Interventions observed", observations["interventions_observed"]),
                Line("Mean fidelity (1-4)", observations["mean_fidelity"], Kind.number),
            ],
        ),
        Table(
            TRAINING,
            training["by_intervention"],
            f"Staff training (as of {_day(training['trained_on'])})",
            lambda: [
                Line("Staff delivering interventions", training["staff"]),
                Line("Assignments (a member of staff to an intervention)", training["assignments"]),
                Line("Assignments with training", training["trained"]),
                Line("Trained of assignments", training["coverage_percent"], Kind.percent),
            ],
        ),
        Table(UNTRAINED, training["untrained"], "Staff delivering without the programme's training"),
        Table(
            REVIEWS,
            [
                {"label": "Plan reviews held", "count": reviews["count"]},
                {"label": "Pupils reviewed", "count": reviews["pupils"]},
                {"label": "With the pupil's views", **reviews["pupil_views"]},
                {"label": "With the parents' views", **reviews["parent_views"]},
            ],
            "Plan reviews",
        ),
        Table(SAMPLE, s["sample"], "Pupils an inspector might sample"),
    ]


def _day(value: str | date) -> str:
    return day(value if isinstance(value, date) else date.fromisoformat(value))


def _register_counts(register: Mapping[str, Any]) -> list[dict[str, Any]]:
    national = register["national"]
    return [
        {"label": "Pupils on roll", "count": register["pupils_on_roll"]},
        {"label": "SEN support", **register["sen_support"], "england": national["sen_support_percent"]},
        {"label": "EHC plan", **register["ehc_plan"], "england": national["ehc_plan_percent"]},
        {"label": "On the register (SEN support or EHC plan)", **register["on_register"]},
    ]


def _by_measure(groups: list[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for group in groups:
        line = {k: v for k, v in group.items() if k != "measures"}
        for measure in group["measures"] or [{}]:
            yield {**line, **measure}
