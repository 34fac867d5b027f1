"""What the demo school and the synthetic history both write when they review a support plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from apdr.aggregates.codes import Rating


def rated_outcomes(outcome_ids: Iterable[UUID], ratings: list[Rating]) -> list[dict[str, Any]]:
    """Each of a plan's outcomes with its rating, as a plan review records them."""
    return [
        {"outcome_id": o, "rating": r, "evidence": "Tracked in the intervention log"}
        for o, r in zip(outcome_ids, ratings, strict=True)
    ]
