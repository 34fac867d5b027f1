"""Every policy, and every threshold with its default.

A setting overrides a threshold with ``PUT /api/v1/setting/thresholds``
(recorded on the Setting as ``ThresholdsSet``); a value of null puts the
default back.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from apdr.errors import InvalidInput
from apdr.policies import (
    curriculum_narrowing,
    ehcp_deadline,
    information_request_due,
    intervention_review_overdue,
    low_attendance,
    missed_sessions,
    overdue_review,
    parents_not_notified,
    single_trained_staff,
    stalled_progress,
    untrained_delivery,
)
from apdr.policies.policy import Threshold

POLICIES: tuple[ModuleType, ...] = (
    missed_sessions,
    low_attendance,
    overdue_review,
    intervention_review_overdue,
    stalled_progress,
    curriculum_narrowing,
    single_trained_staff,
    untrained_delivery,
    ehcp_deadline,
    parents_not_notified,
    information_request_due,
)
KINDS: tuple[str, ...] = tuple(p.KIND for p in POLICIES)
THRESHOLDS: dict[str, Threshold] = {t.name: t for p in POLICIES for t in p.THRESHOLDS}
POLICY_OF: dict[str, str] = {t.name: p.KIND for p in POLICIES for t in p.THRESHOLDS}
READ_MODELS: tuple[str, ...] = tuple(sorted({m for p in POLICIES for m in p.READ_MODELS} | {"alerts"}))


def thresholds_markdown() -> str:
    """The README's table of thresholds, from the catalogue itself (a test keeps the two the same):
    ``python -c "from apdr.policies.catalogue import thresholds_markdown as t; print(t())"``."""
    lines = ["| threshold | policy | default | unit | source |", "|---|---|---|---|---|"]
    for name, t in THRESHOLDS.items():
        source = t.source.replace("|", "\\|")
        lines.append(f"| `{name}` | `{POLICY_OF[name]}` | {t.default} | {t.unit} | {source} |")
    return "\n".join(lines)


def thresholds_for(overrides: Mapping[str, Any]) -> dict[str, int]:
    """Every threshold: the setting's own value where it set one, else the default."""
    return {
        name: int(overrides[name]) if overrides.get(name) is not None else t.default
        for name, t in THRESHOLDS.items()
    }


def check_thresholds(values: Mapping[str, Any]) -> dict[str, int | None]:
    """Values a SENCO may set: known names, whole numbers within each one's
    range, or null for the default. Raises InvalidInput naming the threshold."""
    checked: dict[str, int | None] = {}
    for name, value in values.items():
        threshold = THRESHOLDS.get(name)
        if threshold is None:
            raise InvalidInput(name, f"there is no threshold {name!r}; there are: {', '.join(THRESHOLDS)}")
        if value is None:
            checked[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(name, f"{name} is a whole number of {threshold.unit}")
        if not threshold.minimum <= value <= threshold.maximum:
            raise InvalidInput(
                name, f"{name} is between {threshold.minimum} and {threshold.maximum} {threshold.unit}"
            )
        checked[name] = value
    return checked
