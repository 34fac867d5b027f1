"""The provision map, the evidence of impact and the SEN support report: what leaders,
governors, Ofsted and the LA are shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from apdr.aggregates.record_access import EXPORT
from apdr.aggregates.school_year import academic_year_of
from apdr.api.deps import Leadership, Now, Reader, ReadModelsDep, SenRecordDep, Today
from apdr.api.documents import SPREADSHEETS, ReportFormat, SheetFormat, csv_download, laid_out, xlsx_download
from apdr.api.schemas.common import Day
from apdr.api.schemas.reports import ImpactOut, ProvisionMapOut, SenSupportOut
from apdr.api.streaming import chunked, dumps, json_document
from apdr.errors import InvalidInput
from apdr.evidence.sen_support import TITLE, sen_support_report
from apdr.projections import impact
from apdr.projections.provision_map import Totals, Window, provision_rows
from apdr.sheets import MEDIA_TYPE, Table, title, workbook
from apdr.sheets.layouts import IMPACT, PROVISION_MAP, impact_lines, provision_map_workbook
from apdr.sheets.sen_support import sen_support_tables

router = APIRouter(tags=["reports"])
LONGEST_WINDOW = timedelta(days=3653)


@router.get("/provision-map", response_model=ProvisionMapOut, responses=SPREADSHEETS)
def provision_map(
    actor: Reader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
    as_of: Annotated[Day | None, Query(description="The last day (default: today)")] = None,
    from_date: Annotated[
        Day | None,
        Query(
            alias="from",
            description="Include provision in place at any time since this date "
            "(default: the start of the academic year; give the as_of date for a single day)",
        ),
    ] = None,
    format: SheetFormat = SheetFormat.json,
    pupil_id: Annotated[UUID | None, Query(description="One pupil's provision only")] = None,
) -> StreamingResponse:
    """Every pupil's provision in place during the window (or one pupil's), with what it
    costs and how much was delivered: as JSON, or as a spreadsheet (CSV, XLSX)."""
    as_of = as_of or today
    first = window_start(from_date, as_of, "as_of")
    setting_id = record.setting_id_of(actor)
    if pupil_id is not None:
        record.pupil(actor, pupil_id)  # another setting's pupil, or none: a 404
    calendar = record.calendar(setting_id, first, as_of)
    found = read_models.stream(provision_rows, setting_id, Window(first, as_of), calendar, pupil_id)

    def rows() -> Iterator[dict[str, Any]]:
        """The rows as they are read; the pupils sent are recorded as exported
        when the stream ends (or is cut off), before the response completes."""
        sent: set[UUID] = set()
        try:
            for row in found:
                sent.add(row["pupil_id"])
                yield row
        finally:
            found.close()
            what = f"provision map {first} to {as_of} ({format.value})"
            record.record_access(actor, kind=EXPORT, what=what, pupil_ids=sent)

    filename = f"provision-map-{as_of.isoformat()}"
    if format is SheetFormat.csv:
        return csv_download(PROVISION_MAP, rows(), filename)
    if format is SheetFormat.xlsx:
        setting = record.setting(setting_id)
        book = provision_map_workbook(
            rows(), school=setting.name, urn=setting.urn, as_of=as_of, first=first, made_at=now
        )
        return xlsx_download(book, filename)
    totals = Totals()
    head = {"as_of": as_of, "from_date": first, "calendar_is_default": bool(calendar.default_years)}
    return StreamingResponse(
        chunked(json_document(head, "rows", totals.counted(rows()), lambda: {"totals": totals.as_dict()})),
        media_type="application/json",
    )


def window_start(from_date: date | None, last: date, last_name: str) -> date:
    """The window's first day (default: 1 September of the academic year of ``last``),
    refused when after ``last`` or more than ten years before it."""
    first = from_date or date(academic_year_of(last), 9, 1)
    if first > last:
        raise InvalidInput("from", f"from must not be after {last_name}")
    if last - first > LONGEST_WINDOW:
        raise InvalidInput(
            "from", f"the window is at most ten years: give a later from, or an earlier {last_name}"
        )
    return first


@router.get("/impact", response_model=ImpactOut, responses=SPREADSHEETS)
def impact_report(
    actor: Reader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
    from_date: Annotated[
        Day | None,
        Query(
            alias="from",
            description="The window's first day (with only `to`: 1 September of its academic year). "
            "Without from and to, the whole history",
        ),
    ] = None,
    to: Annotated[Day | None, Query(description="The window's last day (with only `from`: today)")] = None,
    format: SheetFormat = SheetFormat.json,
) -> Response:
    """Per intervention, area of need and year group: who took part, attendance, cost,
    and the change from baseline to exit on each measure. Over a window: the interventions
    running in it, the sessions delivered in it and what they cost, and the pairs whose exit
    fell in it (as the SEN support report counts them). As JSON, or as a spreadsheet (CSV,
    XLSX) a line per group and measure."""
    setting_id = record.setting_id_of(actor)
    window = None
    if from_date is not None or to is not None:
        last = to or today
        window = Window(window_start(from_date, last, "to"), last)
    report = read_models.ask(impact.impact_report, setting_id, today, window)
    filename = "impact" + (f"-{window.first.isoformat()}-to-{window.as_of.isoformat()}" if window else "")
    if format is SheetFormat.csv:
        return csv_download(IMPACT, impact_lines(report), filename)
    if format is SheetFormat.xlsx:
        setting = record.setting(setting_id)
        last, first = (window.as_of, window.first) if window else (None, None)
        heading = title("Evidence of impact", setting.name, setting.urn, last, now, first)
        return xlsx_download(workbook(heading, "Impact", [Table(IMPACT, impact_lines(report))]), filename)
    # Written straight to JSON in the shape of ImpactOut (a test holds the two equal): at a
    # school's size it is 700 KB, and validating it into the model and out again, then through
    # the standard library's json, cost 3-6 ms a request (benchmarks/queries.py).
    return Response(dumps({"definitions": DEFINITIONS, **report}), media_type="application/json")


DEFINITIONS = {
    "pair": "a pupil's latest baseline and, after it, latest exit on one measure for the intervention",
    "pairs": "the number of pupils behind a figure (n)",
    "small_sample": "fewer than 5 pupils behind the figure (apdr's default): read it with caution",
    "mean_change": "mean of exit minus baseline over the pairs",
    "effect_size": (
        "pre-post standardised mean change, Hedges' g, no comparison group: the mean change over the "
        "pooled standard deviation of baseline and exit, times Hedges' correction "
        "J = 1 - 3 / (4(n - 1) - 1); none with fewer than 3 pairs. It shows how far the pupils moved, "
        "not what the intervention caused"
    ),
    "effect_size_confidence_interval": (
        "95% confidence interval of the effect size, for matched groups (Borenstein, Hedges, Higgins and "
        "Rothstein 2009, Introduction to Meta-Analysis, ch. 4): g -/+ 1.96 J sqrt((1/n + d^2/2n) 2(1 - r)), "
        "with 2(1 - r) the variance of the pupils' changes over the pooled variance"
    ),
    "ratio_gain": (
        "age-equivalent measures: months gained over months elapsed (1.0: typical progress; below 1.0 the "
        "pupils fall further behind), only when baseline and exit are on average a term (91 days) or more "
        "apart (apdr's default)"
    ),
    "ratio_gain_band": (
        "Brooks (2016), What works for children and young people with literacy difficulties?, 5th edn: "
        "below 1.4 doubtful (of doubtful educational significance), 1.4 up to 2.0 modest, 2.0 up to 3.0 "
        "useful, 3.0 up to 4.0 substantial, 4.0 and over remarkable"
    ),
    "cost_per_pupil": (
        "the cost of what was delivered over the pupils who took part: cost per year times sessions "
        "delivered over a school year's sessions (sessions a week x 38 weeks, 190 days: The Education "
        "(School Day and School Year) (England) Regulations 1999, reg. 3); an area's, its interventions' "
        "delivered costs over its pupils"
    ),
    "completion": "places (a pupil in an intervention) completed, withdrawn early, or still running",
    "cost_per_unit_of_gain": "cost per pupil over the mean change",
}


@router.get(
    "/reports/sen-support",
    response_model=SenSupportOut,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}, MEDIA_TYPE: {}},
            "description": "JSON; or with format=html a page, with format=pdf a document to print, "
            "with format=xlsx a workbook (its sections one under another)",
        }
    },
)
def sen_support(
    actor: Leadership,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    now: Now,
    from_date: Annotated[
        Day | None,
        Query(alias="from", description="The window's first day (default: 1 September of the academic year)"),
    ] = None,
    to: Annotated[
        Day | None, Query(description="The window's last day, and the register's day (default: today)")
    ] = None,
    format: ReportFormat = ReportFormat.json,
) -> Response:
    """The SEN support report for Ofsted and governors over a window (a term, a year): the
    register beside England's figures, the interventions and how much of them happened, their
    impact, monitoring of delivery, staff training, plan reviews, and pupils to sample."""
    last = to or today
    first = window_start(from_date, last, "to")
    setting_id = record.setting_id_of(actor)
    calendar = record.calendar(setting_id, first, last)
    report = read_models.ask(
        sen_support_report,
        setting_id,
        Window(first, last),
        calendar,
        issued_by=actor.email,
        issued_at=now,
    )
    document = SenSupportOut.model_validate(report)
    sampled = [p.pupil_id for p in document.sections.sample]
    what = f"SEN support report {first} to {last} ({format.value})"
    record.record_access(actor, kind=EXPORT, what=what, pupil_ids=sampled)
    if format is ReportFormat.json:
        return Response(document.model_dump_json(by_alias=True), media_type="application/json")
    data = document.model_dump(mode="json", by_alias=True)
    filename = f"sen-support-{first.isoformat()}-to-{last.isoformat()}"
    if format is ReportFormat.xlsx:
        heading = title(TITLE, document.setting.name, document.setting.urn, last, now, first)
        return xlsx_download(workbook(heading, TITLE, sen_support_tables(data)), filename)
    return laid_out(data, "sen_support.html", html=format is ReportFormat.html, filename=filename)
