"""The reports' columns, in the order a SENCO reads them: the provision map in the seed's
order (with the UPN to match rows against the MIS), the SEN register as the census counts
it, and the impact report a line per group and measure. The JSON keeps the codes; here each
code has its name beside it, as the Code of Practice and the census guide write them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import IO, Any

from apdr.aggregates.codes import NeedType, SenProvision
from apdr.projections.chronology.wording import AREA_NAMES, DELIVERY_NAMES, NEED_NAMES, capital, year_name
from apdr.projections.provision_map import Totals
from apdr.sheets.columns import Column, Kind, coded, yes_no
from apdr.sheets.workbook import Line, Table, title, workbook

AREAS = {a.value: name for a, name in AREA_NAMES.items()}
DELIVERIES = {d.value: name for d, name in DELIVERY_NAMES.items()}
NEEDS = {n.value: capital(NEED_NAMES[n]) for n in NeedType}
# The school census's names for its SEN provision codes.
PROVISIONS = {
    SenProvision.sen_support.value: "SEN support",
    SenProvision.ehc_plan.value: "Education, health and care plan",
    SenProvision.no_sen.value: "No special educational need",
}


def _days(row: Mapping[str, Any]) -> str:
    return ", ".join(day.capitalize() for day in row["weekdays"])


PROVISION_MAP = [
    Column("pupil_name", "Name", width=30),
    Column("upn", "UPN", width=15),
    Column("age", "Age", Kind.integer, width=6),
    Column("year_group", "Year group", Kind.integer, width=7),
    Column("class_name", "Class", width=8),
    Column("intervention", "Intervention", width=24),
    *coded("area_of_need", "Area of need", AREAS),
    Column("aim", "Aim", width=40),
    Column("staff", "Staff", width=22),
    Column("weekdays", "Days", read=_days, width=14),
    Column("sessions_per_week", "Sessions per week", Kind.integer),
    Column("minutes_per_session", "Minutes per session", Kind.integer),
    *coded("delivery", "Delivery", DELIVERIES),
    Column("ratio", "Ratio", width=7),
    Column("location", "Location"),
    Column("withdrawn_from", "Withdrawn from (lesson)"),
    Column("starts_on", "Start", Kind.date),
    Column("planned_weeks", "Weeks", Kind.integer, width=7),
    Column("review_due_on", "Review due", Kind.date),
    Column("reviewed_on", "Last reviewed", Kind.date, read=lambda row: max(row["reviewed_on"], default=None)),
    Column("ends_on", "End", Kind.date),
    Column("enrolled_on", "Joined on", Kind.date),
    Column("withdrawn_on", "Withdrawn on", Kind.date),
    Column("cost_per_pupil_per_year", "Cost per pupil per year (£)", Kind.money),
    Column("sessions_expected", "Sessions expected", Kind.integer),
    Column("sessions_delivered", "Sessions delivered", Kind.integer),
    Column("sessions_attended", "Sessions attended", Kind.integer),
]


def delivery_totals(totals: Mapping[str, Any]) -> list[Line]:
    """The JSON's totals of what was delivered (the map's, the SEN support report's), beneath it."""
    return [
        Line("Pupils", totals["pupils"]),
        Line("Interventions", totals["interventions"]),
        Line("Cost per year (£)", totals["cost_per_year"], Kind.money),
        Line("Cost per pupil per year (£)", totals["cost_per_pupil_per_year"], Kind.money),
        Line("Sessions expected", totals["sessions_expected"]),
        Line("Sessions delivered", totals["sessions_delivered"]),
        Line("Sessions attended", totals["sessions_attended"]),
        Line("Delivered of expected", totals["delivered_percent"], Kind.percent),
        Line("Attended of delivered", totals["attended_percent"], Kind.percent),
        Line("Pupils by area of need", None),
        *(Line(AREAS.get(area, area), n) for area, n in totals["pupils_by_area_of_need"].items()),
    ]


def provision_map_workbook(
    rows: Iterable[dict[str, Any]], *, school: str, urn: str, as_of: date, first: date, made_at: datetime
) -> IO[bytes]:
    """The map as a workbook: its rows, then its totals, added up as the rows pass."""
    totals = Totals()
    heading = title("Provision map", school, urn, as_of, made_at, first)
    table = Table(PROVISION_MAP, totals.counted(rows), totals=lambda: delivery_totals(totals.as_dict()))
    return workbook(heading, "Provision map", [table])


def _milestones(row: Mapping[str, Any]) -> str | None:
    found = row.get("ehcp_milestones") or []
    return "; ".join(f"{m['milestone']} {m['reached_on']!s}" for m in found) or None


REGISTER = [
    Column("upn", "UPN", width=15),
    Column("family_name", "Family name"),
    Column("given_name", "Given name"),
    Column("date_of_birth", "Date of birth", Kind.date),
    Column("year_group", "Year group", Kind.integer, width=7),
    Column("class_name", "Class", width=8),
    *coded("sen_status", "SEN provision", PROVISIONS),
    Column("sen_status_since", "Since", Kind.date),
    Column("parents_notified_on", "Parents notified", Kind.date),
    *coded("primary_need", "Primary need", NEEDS),
    Column("primary_need_area", "Primary area of need", words=AREAS, width=24),
    *coded("secondary_need", "Secondary need", NEEDS),
    Column("secondary_need_area", "Secondary area of need", words=AREAS, width=24),
    Column("ehcp_milestones", "EHCP milestones", read=_milestones, width=30),
]


def register_totals_lines(totals: Mapping[str, Any]) -> list[Line]:
    return [
        Line("Pupils", totals["pupils"]),
        Line("On the register (K or E)", totals["on_register"]),
        *(Line(PROVISIONS[status], n) for status, n in totals["by_status"].items()),
        *(
            Line(f"Primary need: {'none recorded' if need == 'none' else NEEDS.get(need, need)}", n)
            for need, n in totals["by_primary_need"].items()
        ),
    ]


# -- the impact report: a line per group and measure -------------------------------------------

GROUPINGS = (("interventions", "Intervention"), ("by_area", "Area of need"), ("by_year_group", "Year group"))

MEASURE = [
    Column("instrument", "Instrument"),
    Column("measure", "Measure"),
    Column("scale", "Scale", width=12),
    Column("pairs", "Pupils with baseline and exit", Kind.integer),
    Column("small_sample", "Small sample", read=yes_no("small_sample"), width=7),
    Column("mean_baseline", "Mean baseline", Kind.number),
    Column("mean_exit", "Mean exit", Kind.number),
    Column("mean_change", "Mean change", Kind.number),
    Column("effect_size", "Effect size (Hedges' g)", Kind.number),
    Column("effect_size_ci_low", "Effect size, 95% CI low", Kind.number),
    Column("effect_size_ci_high", "Effect size, 95% CI high", Kind.number),
    Column("ratio_gain", "Ratio gain", Kind.number),
    Column("ratio_gain_band", "Ratio gain band", width=12),
    Column("mean_months_elapsed", "Mean months from baseline to exit", Kind.number),
    Column("cost_per_unit_of_gain", "Cost per unit of gain (£)", Kind.money),
]
IMPACT = [
    Column("grouping", "Grouping", width=13),
    Column("name", "Name", width=26),
    *coded("area_of_need", "Area of need", AREAS),
    Column("starts_on", "Start", Kind.date),
    Column("ended_on", "Ended", Kind.date),
    Column("interventions", "Interventions", Kind.integer),
    Column("pupils", "Pupils", Kind.integer),
    Column("completed", "Completed", Kind.integer),
    Column("withdrawn", "Withdrawn early", Kind.integer),
    Column("in_progress", "Still running", Kind.integer),
    Column("completed_percent", "Completed (%)", Kind.percent),
    Column("sessions_delivered", "Sessions delivered", Kind.integer),
    Column("attendance_percent", "Attendance (%)", Kind.percent),
    Column("cost_per_pupil", "Cost per pupil (£)", Kind.money),
    *MEASURE,
]


def impact_lines(report: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The report's groups (interventions, areas of need, year groups) a line per measure;
    a group with no measure taken yet has a line of its own."""
    for key, grouping in GROUPINGS:
        for group in report[key]:
            line = {
                **{k: v for k, v in group.items() if k not in ("completion", "measures")},
                **group["completion"],
                "grouping": grouping,
                "name": _group_name(group),
            }
            if "interventions" not in group:
                line["interventions"] = 1
            for measure in group["measures"] or [{}]:
                yield {**line, **measure}


def _group_name(group: Mapping[str, Any]) -> str | None:
    if "name" in group:
        return str(group["name"])
    if "year_group" in group:
        return year_name(group["year_group"])
    return AREAS.get(group["area_of_need"], group["area_of_need"])
