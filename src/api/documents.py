"""Answering with a document: JSON as built, or laid out from that JSON as HTML or PDF."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import Response

from apdr.evidence import render


class DocumentFormat(Enum):
    json = "json"
    html = "html"
    pdf = "pdf"


def laid_out(document: dict[str, Any], template: str, format: DocumentFormat, filename: str) -> Response:
    """The document as an HTML page (with its print stylesheet) or a PDF to download."""
    if format is DocumentFormat.html:
        return Response(render.html(document, template), media_type="text/html; charset=utf-8")
    return Response(
        render.pdf(document, template),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )
