"""An evidence pack's document, built from the read models as of a date.

Each section is one small function of ``Sources`` (the pupil, the order, and
what the read models hold about the pupil up to the pack's date). Figures are
the read models' own (the provision map's expected sessions and costs, the
impact report's ratio gain): nothing here is a second copy of a rule.

``sources`` reads what a pack is built from; ``record`` has the sections about
the pupil's own record, ``support`` those about the support and its impact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any
from uuid import UUID

from apdr.aggregates.evidence_pack import MARKING
from apdr.application import Actor, SenRecord
from apdr.application.evidence import Compose, PackOrder
from apdr.evidence.packs import record, support
from apdr.evidence.packs.sources import TITLES, Sources, recorded_about
from apdr.projections.runner import ReadModels

SECTIONS: dict[str, Callable[[Sources], Any]] = {
    "pupil": record.pupil_section,
    "sen_status": record.sen_status_section,
    "needs": record.needs_section,
    "communication": record.communication_section,
    "current_support": support.current_support_section,
    "views": record.views_section,
    "plans": support.plans_section,
    "provision": support.provision_section,
    "sessions": support.sessions_section,
    "assessments": support.assessments_section,
    "advice": record.advice_section,
    "concerns": record.concerns_section,
    "ehcp": record.ehcp_section,
    "disclosures": record.disclosures_section,
    "information_requests": record.information_requests_section,
}


def composer(record: SenRecord, read_models: ReadModels, actor: Actor) -> Compose:
    """The builder the pack commands are given."""
    return partial(build, record, read_models, actor)


def build(record: SenRecord, read_models: ReadModels, actor: Actor, order: PackOrder) -> dict[str, Any]:
    pupil = order.pupil
    calendar = record.calendar(pupil.setting_id, pupil.admitted_on, order.as_of)
    recorded = read_models.ask(recorded_about, pupil, order.as_of, calendar)
    sources = Sources(record, actor, order, recorded)
    setting = record.setting(pupil.setting_id)
    document = {
        "id": order.pack_id,
        "kind": order.kind,
        "title": TITLES[order.kind],
        "pupil_id": order.pupil.id,
        "pupil_name": order.pupil.name,
        "as_of": order.as_of,
        "issued_at": order.issued_at,
        "issued_by": order.issued_by,
        "recipient": order.recipient,
        "request_id": order.request_id,
        "setting": {"urn": setting.urn, "name": setting.name},
        "marking": MARKING,
        "sections": {name: SECTIONS[name](sources) for name in order.sections},
    }
    return plain(document)


def plain(value: Any) -> Any:
    """JSON's own types only, so the document reads back exactly as it was sealed."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value
