"""The fields of the usual records, as the aggregates and the service both take them.

An aggregate test adds ``recorded_by`` and ``today`` (and an assessment's id); ``History`` adds the
actor, the record's id and ``today``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from apdr.aggregates.codes import AssessmentKind, Decision, Scale

REVIEW_TEXTS = ("tried", "learned", "pleased", "concerned", "pupil_views", "parent_views")
"""What a plan review writes up, besides its ratings and its decision."""


def assessment_fields(
    on: date,
    value: int | str,
    kind: AssessmentKind,
    intervention_id: UUID | None = None,
    *,
    instrument: str = "Single word reading test",
    measure: str = "reading age",
    scale: Scale = Scale.age_equivalent_months,
) -> dict[str, Any]:
    """A reading age (months) on the single word reading test, unless told otherwise."""
    return {
        "instrument": instrument,
        "measure": measure,
        "scale": scale,
        "value": Decimal(value),
        "assessed_on": on,
        "kind": kind,
        "intervention_id": intervention_id,
        "notes": "",
    }


def review_fields(
    on: date,
    outcomes: list[dict[str, Any]],
    decision: Decision,
    next_due: date | None,
    **written: str,
) -> dict[str, Any]:
    """A plan review rating ``outcomes``; each of ``REVIEW_TEXTS`` is blank unless ``written``."""
    assert set(written) <= set(REVIEW_TEXTS), written
    return {
        "reviewed_on": on,
        "outcomes": outcomes,
        **dict.fromkeys(REVIEW_TEXTS, ""),
        **written,
        "decision": decision,
        "next_review_due_on": next_due,
    }
