"""Alerts and the policy runs that raise and resolve them, and the thresholds
each setting sets for its policies.

An alert's id comes from its kind and subject, and a day's scheduled run and a
setting's live runs have ids of their own: two processes doing the same at the
same moment collide in the event store, and the one that loses looks again.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from apdr.aggregates import Alert, Setting
from apdr.aggregates.codes import AlertStatus
from apdr.aggregates.policy_run import DailyPolicyRun, LivePolicyRuns
from apdr.application.core import Actor, ApplicationCore, changed_meanwhile


class AlertCommands(ApplicationCore):
    def set_thresholds(self, actor: Actor, thresholds: dict[str, Any]) -> dict[str, int]:
        """Override policy thresholds for the actor's setting (null puts a default back).
        Answers every threshold as it now stands."""
        # Imported here: the policies read the read models, which import this module.
        from apdr.policies.catalogue import check_thresholds, thresholds_for

        checked = check_thresholds(thresholds)

        def set_them(setting: Setting) -> dict[str, int]:
            setting.set_thresholds(thresholds=checked, recorded_by=actor.email)
            return thresholds_for(setting.thresholds)

        return self._update(Setting, self.setting_id_of(actor), actor, set_them)

    def raise_alert(
        self,
        actor: Actor,
        *,
        setting_id: UUID,
        kind: str,
        subject: str,
        raised_on: date,
        summary: str,
        pupil_id: UUID | None = None,
        intervention_id: UUID | None = None,
        plan_id: UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> bool:
        """A policy found a cause: raise its alert, or raise it again if it was
        resolved after its cause went. Answers whether the alert is newly open.
        A second process raising it at the same moment collides on saving; the
        loser looks again and finds it open."""
        alert_id = Alert.create_id(kind, subject)

        def raise_it() -> tuple[bool, list[Alert]]:
            alert = self._find(alert_id)
            if alert is None:
                alert = Alert(
                    kind=kind,
                    subject=subject,
                    setting_id=setting_id,
                    raised_on=raised_on,
                    summary=summary,
                    pupil_id=pupil_id,
                    intervention_id=intervention_id,
                    plan_id=plan_id,
                    details=details or {},
                    recorded_by=actor.email,
                )
            elif alert.is_older_than_recorded(raised_on):
                # A newer run has already changed it: an older one never undoes that.
                return False, []
            elif alert.status is AlertStatus.resolved and not alert.cause_present:
                alert.reraise(
                    raised_on=raised_on, summary=summary, details=details or {}, recorded_by=actor.email
                )
            else:
                # Still open, or resolved by a SENCO while this same cause persists.
                return False, []
            return True, [alert]

        return self._run(raise_it, conflict=changed_meanwhile(Alert))

    def cause_gone(self, actor: Actor, alert_id: UUID, *, on: date) -> bool:
        """A policy no longer finds an alert's cause: resolve the alert, or, if a
        SENCO resolved it by hand, note that its cause has gone (so that it is
        raised again if the cause comes back). Answers whether it resolved it."""

        def settle(alert: Alert) -> bool:
            if alert.is_older_than_recorded(on):
                return False  # a newer run has already changed it
            if alert.status is not AlertStatus.resolved:
                alert.resolve(
                    resolved_on=on,
                    reason="resolved by policy: its cause has gone",
                    recorded_by=actor.email,
                    by_policy=True,
                )
                return True
            if alert.cause_present:
                alert.clear_cause(cleared_on=on, recorded_by=actor.email)
            return False

        return self._update(Alert, alert_id, actor, settle)

    def acknowledge_alert(self, actor: Actor, alert_id: UUID, *, today: date, note: str = "") -> None:
        """A SENCO has seen the alert and is acting on it; it stays until its cause goes."""
        self._update(
            Alert,
            alert_id,
            actor,
            lambda a: a.acknowledge(acknowledged_on=today, note=note, recorded_by=actor.email),
        )

    def resolve_alert(self, actor: Actor, alert_id: UUID, *, today: date, note: str = "") -> None:
        """A SENCO resolves the alert by hand. If its cause persists it stays
        resolved; it is raised again only if the cause goes and comes back."""
        self._update(
            Alert,
            alert_id,
            actor,
            lambda a: a.resolve(
                resolved_on=today, reason=note.strip() or "resolved by hand", recorded_by=actor.email
            ),
        )

    # -- policy runs ------------------------------------------------------------

    def claim_daily_policy_run(self, day: date, *, claimed_by: str) -> DailyPolicyRun | None:
        """The lease on ``day``'s scheduled run: the first process to claim it
        runs the policies; any other gets None (the event store refuses a
        second lease with the same id, and the next look finds it) and skips."""

        def claim() -> tuple[DailyPolicyRun | None, list[DailyPolicyRun]]:
            if self._find(DailyPolicyRun.create_id(day)) is not None:
                return None, []
            lease = DailyPolicyRun(day=day, claimed_by=claimed_by)
            return lease, [lease]

        return self._run(claim, conflict=f"the policy run of {day} was claimed at the same time")

    def complete_daily_policy_run(self, lease: DailyPolicyRun, *, raised: int, resolved: int) -> None:
        """The lease is this process's alone (it claimed it): nothing else writes to it."""
        lease.complete(raised=raised, resolved=resolved)
        self._store(lease)

    def latest_live_policy_run(self, setting_id: UUID) -> date | None:
        """The as-of date the setting's live alerts stand at (None: never run)."""
        runs = self._find(LivePolicyRuns.create_id(setting_id))
        return runs.latest_as_of if runs is not None else None

    def start_live_policy_run(self, actor: Actor, setting_id: UUID, as_of: date) -> tuple[bool, date]:
        """Record a live policy run as of ``as_of``, before it changes any alert,
        unless it comes before the latest live run: then it is a preview, and
        nothing is recorded. Answers whether it is live, and the date the live
        alerts now stand at. Two runs at once are ordered by the event store: the
        second to save loads the runs again and decides again."""

        def start() -> tuple[tuple[bool, date], list[LivePolicyRuns]]:
            runs = self._find(LivePolicyRuns.create_id(setting_id)) or LivePolicyRuns(setting_id=setting_id)
            if runs.is_preview(as_of):
                return (False, runs.latest_as_of), []
            runs.record_run(as_of=as_of, recorded_by=actor.email)
            return (True, as_of), [runs]

        return self._run(start, conflict="the policies were run by someone else at the same time; try again")
