"""The provision map and the evidence of impact, as pages: what the SENCO keeps and
leaders and governors read. The rows, totals, CSV and impact figures are the API's
(``apdr.api.routes.reports``), read by the same queries; the requests and packs are
in ``packs``, included here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from apdr.aggregates.codes import AreaOfNeed
from apdr.aggregates.record_access import EXPORT
from apdr.api.deps import Now, ReadModelsDep, SenRecordDep, Today
from apdr.api.documents import csv_download, xlsx_download
from apdr.api.routes.reports import DEFINITIONS, window_start
from apdr.application import Actor
from apdr.errors import InvalidInput
from apdr.evidence.render import WORDS
from apdr.evidence.sen_support import SMALL_SAMPLE
from apdr.projections import impact
from apdr.projections.provision_map import Totals, Window, provision_rows
from apdr.sheets.layouts import PROVISION_MAP, provision_map_workbook
from apdr.web.deps import ReaderPage
from apdr.web.forms import options
from apdr.web.impact_chart import effect_size_chart
from apdr.web.pages import render
from apdr.web.routes import packs

router = APIRouter(include_in_schema=False)
router.include_router(packs.router)

ENTER_A_DATE = "Enter a date, like 2026-11-23"
NO_STORE = {"Cache-Control": "no-store"}  # a page's download holds pupils' names: not kept by the browser
AREAS = options(AreaOfNeed)


@dataclass
class MapFilters:
    """What the form asks for, as typed, and what it means once read."""

    typed: dict[str, str]
    as_of: date
    first: date
    pupil_id: UUID | None = None
    area: str | None = None
    year_group: int | None = None
    intervention_id: UUID | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def keeps(self, row: dict[str, Any]) -> bool:
        """Filters beyond the API's (area, year group, intervention) narrow its rows; they never
        change a row, so a group's cost is still shared by the whole group."""
        return (
            (self.area is None or row["area_of_need"] == self.area)
            and (self.year_group is None or row["year_group"] == self.year_group)
            and (self.intervention_id is None or row["intervention_id"] == self.intervention_id)
        )


def _read_filters(
    today: date, as_of: str, from_: str, pupil: str, area: str, year_group: str, intervention: str
) -> MapFilters:
    typed = {
        "as_of": as_of,
        "from": from_,
        "pupil": pupil,
        "area": area,
        "year_group": year_group,
        "intervention": intervention,
    }
    errors: dict[str, str] = {}

    def read(name: str, text: str, parse: Callable[[str], Any], message: str) -> Any:
        if not text.strip():
            return None
        try:
            return parse(text.strip())
        except ValueError:
            errors[name] = message
            return None

    last = read("as_of", as_of, date.fromisoformat, ENTER_A_DATE) or today
    from_date = read("from", from_, date.fromisoformat, ENTER_A_DATE)
    try:
        first = window_start(from_date, last, "as_of")
    except InvalidInput as e:
        errors.setdefault(e.field, _sentence(e.message.replace("as_of", "the as-of date")))
        first = last
    found = MapFilters(typed, last, first, errors=errors)
    found.pupil_id = read("pupil", pupil, UUID, "Choose a pupil from the list")
    found.area = read("area", area, lambda v: AreaOfNeed(v).value, "Choose an area of need from the list")
    found.year_group = read("year_group", year_group, int, "Choose a year group from the list")
    found.intervention_id = read("intervention", intervention, UUID, "Choose an intervention from the list")
    return found


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def filters(
    today: Today,
    as_of: Annotated[str, Query()] = "",
    from_: Annotated[str, Query(alias="from")] = "",
    pupil: str = "",
    area: str = "",
    year_group: str = "",
    intervention: str = "",
) -> MapFilters:
    """Every field as text, so a mistyped date is shown beside its field, not as an error page."""
    return _read_filters(today, as_of, from_, pupil, area, year_group, intervention)


Filters = Annotated[MapFilters, Depends(filters)]


def _window_rows(
    actor: Actor, record: SenRecordDep, read_models: ReadModelsDep, f: MapFilters, pupil_id: UUID | None
) -> Iterator[dict[str, Any]]:
    """The API's rows for the window, everyone's or (as its ``pupil_id``) one pupil's."""
    setting_id = record.setting_id_of(actor)
    if pupil_id is not None:
        record.pupil(actor, pupil_id)  # another setting's pupil, or none: a 404
    calendar = record.calendar(setting_id, f.first, f.as_of)
    return read_models.stream(provision_rows, setting_id, Window(f.first, f.as_of), calendar, pupil_id)


def _shown(
    actor: Actor, record: SenRecordDep, f: MapFilters, found: Iterator[dict[str, Any]], format: str
) -> Iterator[dict[str, Any]]:
    """The rows the page's own filters keep; the pupils shown are recorded as exported when
    the rows end (or are cut off), as the API records its map."""
    sent: set[UUID] = set()
    try:
        for row in found:
            if f.keeps(row):
                sent.add(row["pupil_id"])
                yield row
    finally:
        close = getattr(found, "close", None)
        if close is not None:
            close()
        what = f"provision map {f.first} to {f.as_of} ({format})"
        record.record_access(actor, kind=EXPORT, what=what, pupil_ids=sent)


@router.get("/provision-map")
def provision_map_page(
    request: Request, actor: ReaderPage, record: SenRecordDep, read_models: ReadModelsDep, f: Filters
) -> Response:
    """The map as of a date, filtered, with its totals, and the same as CSV to download."""
    if f.errors:
        return _map_page(request, actor, f, rows=[], totals=None, choices=_no_choices(), status_code=422)
    everyone = list(_window_rows(actor, record, read_models, f, None))
    found = iter(everyone) if f.pupil_id is None else _window_rows(actor, record, read_models, f, f.pupil_id)
    rows = list(_shown(actor, record, f, found, "html"))
    totals = Totals()
    for row in rows:
        totals.add(row)
    return _map_page(request, actor, f, rows=rows, totals=totals.as_dict(), choices=_choices(everyone, f))


def _no_choices() -> dict[str, list[tuple[str, str]]]:
    return {"pupils": [], "interventions": [], "year_groups": [], "areas": AREAS}


def _choices(rows: list[dict[str, Any]], f: MapFilters) -> dict[str, list[tuple[str, str]]]:
    """The form's lists: the pupils, interventions and year groups in the window's map."""
    pupils = {str(r["pupil_id"]): r["pupil_name"] for r in rows}
    interventions = {str(r["intervention_id"]): r["intervention"] for r in rows}
    years = sorted({r["year_group"] for r in rows} | ({f.year_group} if f.year_group is not None else set()))
    return {
        "pupils": sorted(pupils.items(), key=lambda p: (p[1].split()[-1], p[1])),
        "interventions": sorted(interventions.items(), key=lambda i: i[1]),
        "year_groups": [(str(y), "Reception" if y == 0 else f"Year {y}") for y in years],
        "areas": AREAS,
    }


def _map_page(
    request: Request,
    actor: Actor,
    f: MapFilters,
    *,
    rows: list[dict[str, Any]],
    totals: dict[str, Any] | None,
    choices: dict[str, list[tuple[str, str]]],
    status_code: int = 200,
) -> Response:
    query = "&".join(f"{k}={v}" for k, v in _query(f).items())
    return render(
        request,
        "reports/provision_map.html",
        actor,
        status_code=status_code,
        f=f,
        values=f.typed,
        errors=f.errors,
        rows=rows,
        totals=totals,
        choices=choices,
        columns=PROVISION_MAP,
        csv_href="/provision-map.csv" + (f"?{query}" if query else ""),
        xlsx_href="/provision-map.xlsx" + (f"?{query}" if query else ""),
        words=WORDS,
    )


def _query(f: MapFilters) -> dict[str, str]:
    """The filters as read (not as typed), for the CSV link."""
    found = {"as_of": f.as_of.isoformat(), "from": f.first.isoformat()}
    for name in ("pupil", "area", "year_group", "intervention"):
        if f.typed.get(name):
            found[name] = quote(f.typed[name].strip())
    return found


@router.get("/provision-map.csv")
def provision_map_csv(
    actor: ReaderPage, record: SenRecordDep, read_models: ReadModelsDep, f: Filters
) -> StreamingResponse:
    """The CSV the API's ``format=csv`` gives (its columns, its writer), for the same filters."""
    if f.errors:
        raise InvalidInput(*next(iter(f.errors.items())))
    found = _window_rows(actor, record, read_models, f, f.pupil_id)
    rows = _shown(actor, record, f, found, "csv")
    return csv_download(PROVISION_MAP, rows, f"provision-map-{f.as_of.isoformat()}", NO_STORE)


@router.get("/provision-map.xlsx")
def provision_map_xlsx(
    actor: ReaderPage, record: SenRecordDep, read_models: ReadModelsDep, now: Now, f: Filters
) -> StreamingResponse:
    """The workbook the API's ``format=xlsx`` gives, for the same filters."""
    if f.errors:
        raise InvalidInput(*next(iter(f.errors.items())))
    found = _window_rows(actor, record, read_models, f, f.pupil_id)
    rows = _shown(actor, record, f, found, "xlsx")
    setting = record.setting(record.setting_id_of(actor))
    book = provision_map_workbook(
        rows, school=setting.name, urn=setting.urn, as_of=f.as_of, first=f.first, made_at=now
    )
    return xlsx_download(book, f"provision-map-{f.as_of.isoformat()}", NO_STORE)


def _impact_window(today: date, from_: str, to: str) -> tuple[Window | None, dict[str, str]]:
    """The window the form asks for (none: the whole history), or what is wrong with it, by field;
    the API's rule (``window_start``)."""
    errors: dict[str, str] = {}
    typed: dict[str, date | None] = {}
    for name, text in (("from", from_), ("to", to)):
        try:
            typed[name] = date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            errors[name] = ENTER_A_DATE
    if errors or (typed["from"] is None and typed["to"] is None):
        return None, errors
    last = typed["to"] or today
    try:
        return Window(window_start(typed["from"], last, "the to date"), last), errors
    except InvalidInput as e:
        return None, {e.field: _sentence(e.message)}


@router.get("/impact")
def impact_page(
    request: Request,
    actor: ReaderPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    from_: Annotated[str, Query(alias="from")] = "",
    to: str = "",
) -> Response:
    """The API's impact report, over the whole history or a window: effect sizes as a chart and a
    table, with the pupils behind each."""
    setting_id = record.setting_id_of(actor)
    window, errors = _impact_window(today, from_, to)
    report = read_models.ask(impact.impact_report, setting_id, today, window)
    bars = [
        {
            **m,
            "intervention": i["name"],
            "area_of_need": i["area_of_need"],
            "small": m["small_sample"],
        }
        for i in report["interventions"]
        for m in i["measures"]
    ]
    return render(
        request,
        "reports/impact.html",
        actor,
        report=report,
        window=window,
        errors=errors,
        values={"from": from_, "to": to},
        bars=bars,
        chart=effect_size_chart(bars, table_id="effect-sizes"),
        small_sample=SMALL_SAMPLE,
        definitions=DEFINITIONS,
        words=WORDS,
        today=today,
    )
