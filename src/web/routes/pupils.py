"""The pupils: a list to search by name or UPN (a teaching assistant sees only the pupils
of the interventions they deliver, as GET /api/v1/pupils shows them), and a pupil's page."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from apdr.aggregates.codes import SenProvision
from apdr.aggregates.record_access import READ
from apdr.aggregates.rules import text_fault
from apdr.aggregates.school_year import year_group
from apdr.api.deps import ReadModelsDep, SenRecordDep, Today, read_pupil
from apdr.api.routes.pupils import list_read
from apdr.errors import NotFound
from apdr.projections.pupils import find_pupils
from apdr.web.deps import MemberPage
from apdr.web.pages import render
from apdr.web.routes import pupil_page

router = APIRouter(include_in_schema=False)

PAGE = 50
LONGEST_SEARCH = 100  # as GET /api/v1/pupils?search= allows
SEN_STATUSES = [("K", "SEN support (K)"), ("E", "EHC plan (E)"), ("N", "No SEN (N)")]
SEN_WORDS = dict(SEN_STATUSES)


def _search_fault(search: str) -> str | None:
    """What is wrong with the search typed, in words (the API's limits: a 422 there)."""
    if len(search) > LONGEST_SEARCH:
        return f"Search for at most {LONGEST_SEARCH} characters"
    if fault := text_fault(search):
        return fault[:1].upper() + fault[1:]
    return None


@router.get("/pupils", response_class=HTMLResponse)
def pupil_list(
    request: Request,
    actor: MemberPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    q: str = "",
    sen_status: str = "",
    page: int = 1,
) -> Response:
    """The setting's pupils on roll, by family name; as a search is typed, htmx asks for the results alone."""
    search = q.strip()
    status = SenProvision(sen_status) if sen_status in SEN_WORDS else None
    page = max(1, min(page, 20_000))
    errors = {"q": fault} if (fault := _search_fault(search)) else {}
    rows: list[dict[str, Any]] = []
    total = 0
    if not errors:
        rows, total = read_models.ask(
            find_pupils,
            record.setting_id_of(actor),
            search=search or None,
            sen_status=status.value if status else None,
            pupil_ids=actor.pupils_in_reach,  # a teaching assistant: their intervention's pupils only
            limit=PAGE,
            offset=(page - 1) * PAGE,
        )
        # As the API: the list shows UPN, date of birth, SEN status and need, a read of each pupil on it.
        what = list_read(search=search or None, sen_status=status, class_name=None, include_left=False)
        record.record_access(actor, kind=READ, what=what, pupil_ids=[r["pupil_id"] for r in rows])
    partial = request.headers.get("HX-Request") and request.headers.get("HX-Target") == "pupil-results"
    return render(
        request,
        "pupil/results.html" if partial else "pupil/list.html",
        actor,
        status_code=422 if errors and not partial else 200,
        q=q,
        sen_status=status.value if status else "",
        statuses=SEN_STATUSES,
        errors=errors,
        pupils=[_row(r, today) for r in rows],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        query=_query(search, status),
        partial=bool(partial),
    )


def _row(r: dict[str, Any], today: date) -> dict[str, Any]:
    year = year_group(r["date_of_birth"], today)
    return r | {
        "name": f"{r['given_name']} {r['family_name']}",
        "year": "Reception" if year == 0 else f"Year {year}" if year is not None and year > 0 else "",
        "status_words": SEN_WORDS.get(r["sen_status"], r["sen_status"]),
        "needs": ", ".join(n for n in (r["primary_need"], r["secondary_need"]) if n),
    }


def _query(search: str, status: SenProvision | None) -> str:
    """The search as a query string, for the links to other pages of results."""
    return urlencode({k: v for k, v in (("q", search), ("sen_status", status.value if status else "")) if v})


@router.get("/pupils/{pupil_id}", response_class=HTMLResponse)
def pupil(
    request: Request,
    pupil_id: str,
    actor: MemberPage,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    today: Today,
    chronology: str = "",
    interventions: str = "",
) -> Response:
    """The pupil's whole record on one page: another setting's pupil is not there (404), one
    outside a teaching assistant's reach is refused (403), as GET /api/v1/pupils/{id}."""
    try:
        wanted = UUID(pupil_id)
    except ValueError:
        raise NotFound(f"there is no pupil {pupil_id}") from None
    found = read_pupil(record, actor, wanted, "pupil page")
    view = pupil_page.read(
        record,
        read_models,
        actor,
        found,
        today,
        whole_chronology=chronology == "all",
        every_intervention=interventions == "all",
    )
    return render(request, "pupil/page.html", actor, **view)
