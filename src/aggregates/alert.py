"""An alert raised by a policy: support that is not happening or not working."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import AlertStatus
from apdr.errors import InvalidInput


class Alert(Aggregate):
    """Its id is derived from what it is about, so a policy that runs twice, or
    in two workers at once, raises it once.

    A policy resolves it when its cause goes away, and raises it again if the
    cause comes back. A SENCO may resolve it by hand while the cause persists
    (they have dealt with it another way): it then stays resolved for as long
    as that cause lasts, and is raised again only if the cause goes away
    (recorded as ``CauseCleared``) and later comes back. ``cause_present``
    says whether the policy last found the cause.

    A SENCO's acknowledgement lasts as long as the cause: a later run that
    still finds it changes nothing, and only when the cause goes and comes
    back is the alert raised again, unacknowledged.

    Every change a policy run makes (raised, raised again, resolved by
    policy, cause cleared) is dated by the run's as-of date, and the live
    alerts only move forward in time: a policy change dated before the latest
    already recorded on the alert (``policy_dated_on``) is refused, so an
    older run can never undo a newer one.
    """

    @staticmethod
    def create_id(kind: str, subject: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/alerts/{kind}/{subject}")

    @event("Raised")
    def __init__(
        self,
        kind: str,
        subject: str,
        setting_id: UUID,
        raised_on: date,
        summary: str,
        pupil_id: UUID | None,
        intervention_id: UUID | None,
        plan_id: UUID | None,
        details: dict[str, Any],
        recorded_by: str = "apdr",
    ) -> None:
        self.kind = kind
        self.subject = subject
        self.setting_id = setting_id
        self.raised_on = raised_on
        self.summary = summary
        self.pupil_id = pupil_id
        self.intervention_id = intervention_id
        self.plan_id = plan_id
        self.details = details
        self.status = AlertStatus.open
        self.cause_present = True
        self.policy_dated_on = raised_on

    @property
    def is_open(self) -> bool:
        return self.status is not AlertStatus.resolved

    def acknowledge(self, *, acknowledged_on: date, note: str, recorded_by: str) -> None:
        if self.status is not AlertStatus.open:
            raise InvalidInput("status", f"the alert is {self.status.value}, not open")
        self._acknowledged(acknowledged_on=acknowledged_on, note=note.strip(), recorded_by=recorded_by)

    @event("Acknowledged")
    def _acknowledged(self, acknowledged_on: date, note: str, recorded_by: str) -> None:
        self.status = AlertStatus.acknowledged

    def is_older_than_recorded(self, as_of: date) -> bool:
        """Whether a policy change dated ``as_of`` comes before the latest
        policy change already recorded: an older run's, to be refused."""
        return as_of < self.policy_dated_on

    def _refuse_older(self, as_of: date) -> None:
        if self.is_older_than_recorded(as_of):
            raise InvalidInput(
                "as_of",
                f"the alert was last changed by a policy run as of {self.policy_dated_on}: "
                f"a run as of {as_of} cannot change it",
            )

    def resolve(self, *, resolved_on: date, reason: str, recorded_by: str, by_policy: bool = False) -> None:
        """Resolved by a SENCO, or ``by_policy`` because its cause has gone."""
        if self.status is AlertStatus.resolved:
            raise InvalidInput("status", "the alert is already resolved")
        if by_policy:
            self._refuse_older(resolved_on)
        self._resolved(
            resolved_on=resolved_on, reason=reason.strip(), recorded_by=recorded_by, by_policy=by_policy
        )

    @event("Resolved")
    def _resolved(self, resolved_on: date, reason: str, recorded_by: str, by_policy: bool = False) -> None:
        self.status = AlertStatus.resolved
        # Resolved by hand, the cause is still there as far as the policy last knew.
        self.cause_present = not by_policy
        if by_policy:
            self.policy_dated_on = max(self.policy_dated_on, resolved_on)

    def clear_cause(self, *, cleared_on: date, recorded_by: str) -> None:
        """The cause of an alert a SENCO resolved by hand has gone: if it comes
        back, the alert is raised again."""
        if self.status is not AlertStatus.resolved or not self.cause_present:
            raise InvalidInput("status", "only a resolved alert whose cause persisted can be cleared")
        self._refuse_older(cleared_on)
        self._cause_cleared(cleared_on=cleared_on, recorded_by=recorded_by)

    @event("CauseCleared")
    def _cause_cleared(self, cleared_on: date, recorded_by: str) -> None:
        self.cause_present = False
        self.policy_dated_on = max(self.policy_dated_on, cleared_on)

    def reraise(
        self, *, raised_on: date, summary: str, details: dict[str, Any], recorded_by: str = "apdr"
    ) -> None:
        """The cause came back after the alert was resolved."""
        if self.status is not AlertStatus.resolved:
            raise InvalidInput("status", "only a resolved alert can be raised again")
        self._refuse_older(raised_on)
        self._reraised(raised_on=raised_on, summary=summary, details=details, recorded_by=recorded_by)

    @event("Reraised")
    def _reraised(
        self, raised_on: date, summary: str, details: dict[str, Any], recorded_by: str = "apdr"
    ) -> None:
        self.status = AlertStatus.open
        self.cause_present = True
        self.raised_on = raised_on
        self.summary = summary
        self.details = details
        self.policy_dated_on = max(self.policy_dated_on, raised_on)
