"""Runs the policies for a setting as of a date, and keeps its alerts in step.

For each policy: its causes now, against the alerts of its kind already
recorded for the setting (the ``alerts`` read model), by subject:

- a cause with no alert raises one (``Alert.create_id(kind, subject)``);
- a cause whose alert was resolved after its cause went raises it again;
- an open or acknowledged alert with no cause any more is resolved ("resolved
  by policy");
- a cause whose alert a SENCO resolved by hand leaves it resolved; once that
  cause goes, the alert is marked so, and is raised again if it comes back.

Every change goes through ``SenRecord`` (``raise_alert``, ``cause_gone``), so
the events carry who ran the policies, and each re-checks the alert itself
before changing it: two runs, or two processes at once, raise nothing twice.

The live alerts only move forward in time. A run as of the latest live run's
date or later is live: it is recorded first (``LivePolicyRuns``), then it
raises and resolves. A run as of an earlier date is a preview: it answers
what the policies find as of that date and changes nothing. Should two live
runs overlap, each alert refuses a change dated before the latest a run has
already made to it, so the older run never undoes the newer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Alert
from apdr.aggregates.codes import AlertStatus
from apdr.aggregates.school_year import SchoolCalendar
from apdr.policies.catalogue import POLICIES, READ_MODELS, thresholds_for
from apdr.policies.policy import Cause, Context
from apdr.projections.alerts import alert_rows, alerts_of_kind
from apdr.projections.monitoring import setting_ids
from apdr.projections.projection import reads
from apdr.projections.provision_map import interventions

if TYPE_CHECKING:
    from apdr.application import Actor, SenRecord
    from apdr.projections.runner import ReadModels

log = logging.getLogger(__name__)

RUN_READS: tuple[str, ...] = tuple(sorted({*READ_MODELS, "provision_map"}))
"""What a run reads: what the policies read and the alerts compared with their causes (the
catalogue's ``READ_MODELS``), and the interventions' start dates its calendar spans."""


@dataclass
class RunResult:
    """What one run did in one setting: the alerts it raised and resolved, and
    every cause it found. A preview (a run as of a date before the latest live
    run, ``live_as_of``) raises and resolves nothing."""

    setting_id: UUID
    as_of: date
    preview: bool = False
    live_as_of: date | None = None
    raised: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class _Found:
    kind: str
    causes: dict[str, Cause]
    alerts: dict[str, dict[str, Any]]


class PolicyRunner:
    def __init__(self, record: SenRecord, read_models: ReadModels) -> None:
        self.record = record
        self.read_models = read_models

    def setting_ids(self) -> list[UUID]:
        return self.read_models.ask(setting_ids)

    def run_all(self, actor: Actor, as_of: date) -> list[RunResult]:
        return [self.run(actor, setting_id, as_of) for setting_id in self.setting_ids()]

    def run(self, actor: Actor, setting_id: UUID, as_of: date) -> RunResult:
        """Run every policy for one setting as of the end of ``as_of``: live if
        that is no earlier than the latest live run, else a preview."""
        live, live_as_of = self.record.start_live_policy_run(actor, setting_id, as_of)
        result = RunResult(setting_id, as_of, preview=not live, live_as_of=live_as_of)
        found = self._find(setting_id, as_of, result)
        result.found = [_found_out(f.kind, cause, as_of) for f in found for cause in f.causes.values()]
        if not live:
            return result
        raised: list[UUID] = []
        resolved: list[UUID] = []
        for f in found:
            raised += self._raise(actor, setting_id, as_of, f)
            resolved += self._resolve(actor, as_of, f)
        result.raised = [alert_out(r) for r in self.read_models.ask(alert_rows, raised)]
        result.resolved = [alert_out(r) for r in self.read_models.ask(alert_rows, resolved)]
        return result

    def _find(self, setting_id: UUID, as_of: date, result: RunResult) -> list[_Found]:
        """Each policy's causes, and the alerts of its kind, read in one go."""
        thresholds = thresholds_for(self.record.setting(setting_id).thresholds)
        return self.read_models.ask(self._causes_and_alerts, setting_id, as_of, thresholds, result)

    @reads(*RUN_READS)
    def _causes_and_alerts(
        self,
        conn: sa.Connection,
        setting_id: UUID,
        as_of: date,
        thresholds: dict[str, int],
        result: RunResult,
    ) -> list[_Found]:
        context = Context(conn, setting_id, self._calendar(conn, setting_id, as_of), thresholds, as_of)
        found = []
        for policy in POLICIES:
            try:
                causes = {c.subject: c for c in policy.causes(context)}
            except Exception:
                # One faulty policy must not stop the others watching.
                log.exception("policy %s failed for setting %s as of %s", policy.KIND, setting_id, as_of)
                result.failed.append(policy.KIND)
                continue
            found.append(_Found(policy.KIND, causes, alerts_of_kind(conn, setting_id, policy.KIND)))
        return found

    def _calendar(self, conn: sa.Connection, setting_id: UUID, as_of: date) -> SchoolCalendar:
        """The setting's calendar from the start of its oldest running intervention
        (and at least a year back) to ``as_of``."""
        oldest = conn.execute(
            sa.select(sa.func.min(interventions.c.starts_on)).where(
                interventions.c.setting_id == setting_id,
                sa.or_(interventions.c.ended_on.is_(None), interventions.c.ended_on > as_of),
            )
        ).scalar()
        first = min(d for d in (oldest, as_of - timedelta(days=366)) if d is not None)
        return self.record.calendar(setting_id, first, as_of)

    def _raise(self, actor: Actor, setting_id: UUID, as_of: date, found: _Found) -> list[UUID]:
        raised = []
        for subject, cause in found.causes.items():
            known = found.alerts.get(subject)
            if known and (known["status"] != AlertStatus.resolved.value or known["cause_present"]):
                continue  # open, or resolved by hand while the cause persists
            if self.record.raise_alert(
                actor,
                setting_id=setting_id,
                kind=found.kind,
                subject=subject,
                raised_on=as_of,
                summary=cause.summary,
                pupil_id=cause.pupil_id,
                intervention_id=cause.intervention_id,
                plan_id=cause.plan_id,
                details=cause.details,
            ):
                raised.append(Alert.create_id(found.kind, subject))
        return raised

    def _resolve(self, actor: Actor, as_of: date, found: _Found) -> list[UUID]:
        resolved = []
        for subject, known in found.alerts.items():
            if subject in found.causes or (
                known["status"] == AlertStatus.resolved.value and not known["cause_present"]
            ):
                continue
            if self.record.cause_gone(actor, known["alert_id"], on=as_of):
                resolved.append(known["alert_id"])
        return resolved


def _found_out(kind: str, cause: Cause, as_of: date) -> dict[str, Any]:
    """A cause a run found, shaped like the alert it raises (or keeps open)."""
    return {
        "id": Alert.create_id(kind, cause.subject),
        "kind": kind,
        "status": AlertStatus.open.value,
        "raised_on": as_of,
        "summary": cause.summary,
        "pupil_id": cause.pupil_id,
        "intervention_id": cause.intervention_id,
        "plan_id": cause.plan_id,
        "subject": cause.subject,
    }


def alert_out(row: dict[str, Any]) -> dict[str, Any]:
    """An alert as the HTTP contract shows it (the contract's fields first)."""
    return {
        "id": row["alert_id"],
        "kind": row["kind"],
        "status": row["status"],
        "raised_on": row["raised_on"],
        "summary": row["summary"],
        "pupil_id": row["pupil_id"],
        "intervention_id": row["intervention_id"],
        "plan_id": row["plan_id"],
        "subject": row["subject"],
        "first_raised_on": row["first_raised_on"],
        "times_raised": row["times_raised"],
        "raised_by": row["raised_by"],
        "acknowledged_on": row["acknowledged_on"],
        "acknowledged_by": row["acknowledged_by"],
        "acknowledgement": row["acknowledgement"],
        "resolved_on": row["resolved_on"],
        "resolved_by": row["resolved_by"],
        "resolution": row["resolution"],
    }
