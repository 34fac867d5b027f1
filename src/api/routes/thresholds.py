"""The thresholds the setting's policies use: apdr's defaults, or the setting's own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from apdr.api.deps import Reader, Senco, SenRecordDep
from apdr.api.schemas.alerts import ThresholdOut, ThresholdsOut
from apdr.policies.catalogue import POLICY_OF, THRESHOLDS, thresholds_for

router = APIRouter(prefix="/setting", tags=["setting"])

EXAMPLE = {"missed_sessions_min": 4, "plan_review_grace_days": 10}


@router.get("/thresholds", response_model=ThresholdsOut)
def get_thresholds(actor: Reader, record: SenRecordDep) -> ThresholdsOut:
    """Every threshold, its value for this setting, and apdr's default."""
    setting = record.setting(record.setting_id_of(actor))
    return _out(thresholds_for(setting.thresholds))


@router.put("/thresholds", response_model=ThresholdsOut)
def set_thresholds(
    actor: Senco,
    record: SenRecordDep,
    values: Annotated[
        dict[str, Any],
        Body(description="threshold name -> whole number, or null for apdr's default", examples=[EXAMPLE]),
    ],
) -> ThresholdsOut:
    """Set some thresholds for this setting; the others keep their values."""
    return _out(record.set_thresholds(actor, values))


def _out(values: dict[str, int]) -> ThresholdsOut:
    return ThresholdsOut(
        thresholds=[
            ThresholdOut(
                name=name,
                value=values[name],
                default=t.default,
                is_default=values[name] == t.default,
                minimum=t.minimum,
                maximum=t.maximum,
                unit=t.unit,
                policy=POLICY_OF[name],
                description=t.description,
                source=t.source,
            )
            for name, t in THRESHOLDS.items()
        ]
    )
