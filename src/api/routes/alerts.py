"""Alerts: what the policies noticed, for a SENCO to acknowledge and act on;
and running the policies on demand, as of a date."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from apdr.aggregates.codes import AlertStatus
from apdr.api.answers import DONE
from apdr.api.deps import Reader, ReadModelsDep, Senco, SenRecordDep, Today
from apdr.api.schemas.alerts import (
    AlertKind,
    AlertList,
    AlertNoteIn,
    AlertOut,
    FoundOut,
    PolicyRunIn,
    PolicyRunOut,
)
from apdr.errors import InvalidInput
from apdr.policies.runner import PolicyRunner, alert_out
from apdr.projections.alerts import find_alerts

router = APIRouter(tags=["alerts"])


@router.get("/alerts", response_model=AlertList)
def list_alerts(
    actor: Reader,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    status: Annotated[AlertStatus | None, Query(description="open, acknowledged or resolved")] = None,
    kind: AlertKind | None = None,
    pupil_id: UUID | None = None,
    intervention_id: UUID | None = None,
) -> AlertList:
    """The setting's alerts, most recently raised first."""
    setting_id = record.setting_id_of(actor)
    rows = read_models.ask(
        find_alerts,
        setting_id,
        status=status.value if status else None,
        kind=kind.value if kind else None,
        pupil_id=pupil_id,
        intervention_id=intervention_id,
    )
    return AlertList(alerts=[AlertOut.model_validate(alert_out(r)) for r in rows])


@router.post("/alerts/{alert_id}/acknowledge", **DONE)
def acknowledge_alert(
    alert_id: UUID, actor: Senco, record: SenRecordDep, today: Today, body: AlertNoteIn | None = None
) -> None:
    """Seen, and being acted on: the alert stays acknowledged, with its note,
    for as long as its cause lasts. GET /alerts shows who acknowledged it and when."""
    record.acknowledge_alert(actor, alert_id, today=today, note=body.note if body else "")


@router.post("/alerts/{alert_id}/resolve", **DONE)
def resolve_alert(
    alert_id: UUID, actor: Senco, record: SenRecordDep, today: Today, body: AlertNoteIn | None = None
) -> None:
    """Resolved by hand. If its cause persists, the alert stays resolved; it is
    raised again only if the cause goes away and later comes back."""
    record.resolve_alert(actor, alert_id, today=today, note=body.note if body else "")


@router.post("/policies/run", response_model=PolicyRunOut)
def run_policies(
    body: PolicyRunIn, actor: Senco, record: SenRecordDep, read_models: ReadModelsDep, today: Today
) -> PolicyRunOut:
    """Run every policy for the setting as of a date (today by default), and
    answer which alerts it raised and which it resolved, and every cause it found.

    The live alerts only move forward in time: a run as of a date before the
    latest live run's (``live_as_of``) is a preview. It answers what the
    policies find as of that date (``found``), raises and resolves nothing,
    and changes no alert."""
    as_of = body.as_of or today
    if as_of > today:
        raise InvalidInput(
            "as_of", f"as_of {as_of} is in the future (today is {today}): nothing to judge yet"
        )
    result = PolicyRunner(record, read_models).run(actor, record.setting_id_of(actor), as_of)
    return PolicyRunOut(
        as_of=as_of,
        preview=result.preview,
        live_as_of=result.live_as_of,
        raised=[AlertOut.model_validate(a) for a in result.raised],
        resolved=[AlertOut.model_validate(a) for a in result.resolved],
        found=[FoundOut.model_validate(f) for f in result.found],
        failed=result.failed,
    )
