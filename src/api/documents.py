"""Answering with a document: JSON as built, or laid out from that JSON as HTML or PDF;
or a report's rows as a spreadsheet to download (CSV or XLSX)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import IO, Any

from fastapi import Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from apdr.api.streaming import chunked
from apdr.evidence import render
from apdr.sheets import MEDIA_TYPE, Column, chunks, csv_lines


class DocumentFormat(Enum):
    json = "json"
    html = "html"
    pdf = "pdf"


class ReportFormat(Enum):
    """A report: as JSON, a page, a document to print, or a workbook."""

    json = "json"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


class SheetFormat(Enum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


_FILE = {"schema": {"type": "string", "format": "binary"}}
SPREADSHEETS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": _FILE, MEDIA_TYPE: _FILE},
        "description": "JSON; or a spreadsheet to download, with format=csv or format=xlsx",
    }
}
"""The downloads a report's route documents beside its JSON."""


def laid_out(document: dict[str, Any], template: str, *, html: bool, filename: str) -> Response:
    """The document as an HTML page (with its print stylesheet) or a PDF to download."""
    if html:
        return Response(render.html(document, template), media_type="text/html; charset=utf-8")
    return Response(
        render.pdf(document, template),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )


def csv_download(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    filename: str,
    headers: Mapping[str, str] | None = None,
) -> StreamingResponse:
    """The rows as a CSV file, written as they are read."""
    return StreamingResponse(
        chunked(csv_lines(columns, rows)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"', **(headers or {})},
    )


def xlsx_download(
    book: IO[bytes], filename: str, headers: Mapping[str, str] | None = None
) -> StreamingResponse:
    """A workbook made (``apdr.sheets.workbook``), sent from its temporary file, which is
    closed (and so deleted) when the response ends, sent or not."""
    size = book.seek(0, 2)
    book.seek(0)
    return StreamingResponse(
        chunks(book),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.xlsx"',
            "Content-Length": str(size),
            **(headers or {}),
        },
        background=BackgroundTask(book.close),
    )
