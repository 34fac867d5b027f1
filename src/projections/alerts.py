"""The alerts a setting's policies have raised: what GET /alerts lists, and
what the policy runner compares each run's causes with."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Alert
from apdr.aggregates.codes import AlertStatus
from apdr.projections.columns import keyed_table
from apdr.projections.projection import Batch, Projection, handles, reads

alerts = keyed_table(
    "alerts",
    "alert_id",
    sa.Column("setting_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("raised_on", sa.Date, nullable=False),
    sa.Column("first_raised_on", sa.Date, nullable=False),
    sa.Column("times_raised", sa.Integer, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("pupil_id", sa.Uuid, index=True),
    sa.Column("intervention_id", sa.Uuid),
    sa.Column("plan_id", sa.Uuid),
    sa.Column("raised_by", sa.String(320), nullable=False),
    sa.Column("acknowledged_on", sa.Date),
    sa.Column("acknowledged_by", sa.String(320)),
    sa.Column("acknowledgement", sa.Text),
    sa.Column("resolved_on", sa.Date),
    sa.Column("resolved_by", sa.String(320)),
    sa.Column("resolution", sa.Text),
    sa.Column("resolved_by_policy", sa.Boolean),
    sa.Column("cause_present", sa.Boolean, nullable=False),
    sa.Index("alerts_by_setting", "setting_id", "kind", "status"),
)

_reraise = (
    alerts.update()
    .where(alerts.c.alert_id == sa.bindparam("w_alert_id"))
    .values(
        status=AlertStatus.open.value,
        raised_on=sa.bindparam("v_raised_on"),
        summary=sa.bindparam("v_summary"),
        raised_by=sa.bindparam("v_raised_by"),
        times_raised=alerts.c.times_raised + 1,
        cause_present=True,
        acknowledged_on=None,
        acknowledged_by=None,
        acknowledgement=None,
        resolved_on=None,
        resolved_by=None,
        resolution=None,
        resolved_by_policy=None,
    )
)

# For each status an alert moves to: its columns for the day it moved, who moved
# it, and the note they gave.
_MOVED_COLUMNS = {
    AlertStatus.acknowledged: ("acknowledged_on", "acknowledged_by", "acknowledgement"),
    AlertStatus.resolved: ("resolved_on", "resolved_by", "resolution"),
}


class Alerts(Projection):
    name = "alerts"
    tables = (alerts,)

    @handles(Alert.Raised)
    def raised(self, e: Any, batch: Batch) -> None:
        batch.insert(
            alerts,
            {
                "alert_id": e.originator_id,
                "setting_id": e.setting_id,
                "kind": e.kind,
                "subject": e.subject,
                "status": AlertStatus.open.value,
                "raised_on": e.raised_on,
                "first_raised_on": e.raised_on,
                "times_raised": 1,
                "summary": e.summary,
                "pupil_id": e.pupil_id,
                "intervention_id": e.intervention_id,
                "plan_id": e.plan_id,
                "raised_by": e.recorded_by,
                "acknowledged_on": None,
                "acknowledged_by": None,
                "acknowledgement": None,
                "resolved_on": None,
                "resolved_by": None,
                "resolution": None,
                "resolved_by_policy": None,
                "cause_present": True,
            },
        )

    def move_to(self, batch: Batch, e: Any, status: AlertStatus, on: date, note: str, **more: Any) -> None:
        """Set the alert's ``status``, and when, by whom and with what note it moved there
        (in that status's columns: see ``_MOVED_COLUMNS``), then the ``more`` columns."""
        when, who, why = _MOVED_COLUMNS[status]
        values = {"status": status.value, when: on, who: e.recorded_by, why: note, **more}
        batch.update(alerts, {"alert_id": e.originator_id}, values)

    @handles(Alert.Acknowledged)
    def acknowledged(self, e: Any, batch: Batch) -> None:
        self.move_to(batch, e, AlertStatus.acknowledged, e.acknowledged_on, e.note)

    @handles(Alert.Resolved)
    def resolved(self, e: Any, batch: Batch) -> None:
        policy = {"resolved_by_policy": e.by_policy, "cause_present": not e.by_policy}
        self.move_to(batch, e, AlertStatus.resolved, e.resolved_on, e.reason, **policy)

    @handles(Alert.CauseCleared)
    def cause_cleared(self, e: Any, batch: Batch) -> None:
        batch.update(alerts, {"alert_id": e.originator_id}, {"cause_present": False})

    @handles(Alert.Reraised)
    def reraised(self, e: Any, batch: Batch) -> None:
        batch.execute(
            _reraise,
            {
                "w_alert_id": e.originator_id,
                "v_raised_on": e.raised_on,
                "v_summary": e.summary,
                "v_raised_by": e.recorded_by,
            },
        )


# -- queries ------------------------------------------------------------------


@reads("alerts")
def find_alerts(
    conn: sa.Connection,
    setting_id: UUID,
    *,
    status: str | None = None,
    kind: str | None = None,
    pupil_id: UUID | None = None,
    intervention_id: UUID | None = None,
) -> list[dict[str, Any]]:
    """The setting's alerts, most recently raised first."""
    where = [alerts.c.setting_id == setting_id]
    if status:
        where.append(alerts.c.status == status)
    if kind:
        where.append(alerts.c.kind == kind)
    if pupil_id:
        where.append(alerts.c.pupil_id == pupil_id)
    if intervention_id:
        where.append(alerts.c.intervention_id == intervention_id)
    rows = conn.execute(
        sa.select(alerts).where(*where).order_by(alerts.c.raised_on.desc(), alerts.c.kind, alerts.c.alert_id)
    )
    return [dict(r) for r in rows.mappings()]


@reads("alerts")
def alert_rows(conn: sa.Connection, alert_ids: list[UUID]) -> list[dict[str, Any]]:
    if not alert_ids:
        return []
    rows = conn.execute(sa.select(alerts).where(alerts.c.alert_id.in_(alert_ids))).mappings()
    by_id = {r["alert_id"]: dict(r) for r in rows}
    return [by_id[i] for i in alert_ids if i in by_id]


@reads("alerts")
def alerts_of_kind(conn: sa.Connection, setting_id: UUID, kind: str) -> dict[str, dict[str, Any]]:
    """subject -> the alert, for the runner to compare a run's causes with."""
    rows = conn.execute(
        sa.select(alerts.c.alert_id, alerts.c.subject, alerts.c.status, alerts.c.cause_present).where(
            alerts.c.setting_id == setting_id, alerts.c.kind == kind
        )
    )
    return {r.subject: dict(r._mapping) for r in rows}
