"""Alerts: what the policies noticed, for a SENCO to acknowledge and act on;
and running the policies on demand, as of a date."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from apdr.api.deps import Reader, Record, Senco, Today, Views
from apdr.api.schemas.alerts import (
    AlertKind,
    AlertList,
    AlertNoteIn,
    AlertOut,
    AlertStatus,
    PolicyRunIn,
    PolicyRunOut,
)
from apdr.errors import InvalidInput, NotFound
from apdr.policies.runner import PolicyRunner, alert_out
from apdr.projections.alerts import alert_rows, find_alerts
from apdr.projections.runner import ReadModels

router = APIRouter(tags=["alerts"])


@router.get("/alerts", response_model=AlertList)
def list_alerts(
    actor: Reader,
    record: Record,
    views: Views,
    status: Annotated[AlertStatus | None, Query(description="open, acknowledged or resolved")] = None,
    kind: AlertKind | None = None,
    pupil_id: UUID | None = None,
    intervention_id: UUID | None = None,
) -> AlertList:
    """The setting's alerts, most recently raised first."""
    setting_id = record.setting_id_of(actor)
    views.ensure_current(["alerts"])
    with views.engine.connect() as conn:
        rows = find_alerts(
            conn,
            setting_id,
            status=status.value if status else None,
            kind=kind.value if kind else None,
            pupil_id=pupil_id,
            intervention_id=intervention_id,
        )
    return AlertList(alerts=[AlertOut.model_validate(alert_out(r)) for r in rows])


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge_alert(
    alert_id: UUID, actor: Senco, record: Record, views: Views, today: Today, body: AlertNoteIn | None = None
) -> AlertOut:
    """Seen, and being acted on: the alert stays until its cause goes."""
    record.acknowledge_alert(actor, alert_id, today=today, note=body.note if body else "")
    return _alert(views, alert_id)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut)
def resolve_alert(
    alert_id: UUID, actor: Senco, record: Record, views: Views, today: Today, body: AlertNoteIn | None = None
) -> AlertOut:
    """Resolved by hand. If its cause persists, the alert stays resolved; it is
    raised again only if the cause goes away and later comes back."""
    record.resolve_alert(actor, alert_id, today=today, note=body.note if body else "")
    return _alert(views, alert_id)


@router.post("/policies/run", response_model=PolicyRunOut)
def run_policies(body: PolicyRunIn, actor: Senco, record: Record, views: Views, today: Today) -> PolicyRunOut:
    """Run every policy for the setting as of a date (today by default), and
    answer which alerts it raised and which it resolved."""
    as_of = body.as_of or today
    if as_of > today:
        raise InvalidInput(
            "as_of", f"as_of {as_of} is in the future (today is {today}): nothing to judge yet"
        )
    result = PolicyRunner(record, views).run(actor, record.setting_id_of(actor), as_of)
    return PolicyRunOut(
        as_of=as_of,
        raised=[AlertOut.model_validate(a) for a in result.raised],
        resolved=[AlertOut.model_validate(a) for a in result.resolved],
        failed=result.failed,
    )


def _alert(views: ReadModels, alert_id: UUID) -> AlertOut:
    views.ensure_current(["alerts"])
    with views.engine.connect() as conn:
        rows = alert_rows(conn, [alert_id])
    if not rows:
        raise NotFound(f"there is no alert {alert_id}")
    return AlertOut.model_validate(alert_out(rows[0]))
