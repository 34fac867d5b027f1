"""The chronology's entries for alerts: each in the chronology of the pupil the
alert is about (an alert about no one pupil is in no chronology)."""

from __future__ import annotations

from datetime import date
from typing import Any

from apdr.aggregates import Alert
from apdr.projections.chronology.entries import EntryWriter, attributes
from apdr.projections.chronology.tables import alerts
from apdr.projections.chronology.wording import because, clip, words
from apdr.projections.projection import Batch, handles


class AlertHandlers(EntryWriter):
    """Handlers of an alert's events; the alert's pupil and kind are remembered from when it was raised."""

    def alert_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        pupil_id, _ = self.subject_of_alert(batch, e.originator_id)
        if pupil_id is not None:
            self.entry(
                batch, pupil_id, e, occurred_on, kind, summary, attributes(e, alert_id=e.originator_id)
            )

    @handles(Alert.Raised)
    def alert_raised(self, e: Any, batch: Batch) -> None:
        batch.insert(alerts, {"alert_id": e.originator_id, "pupil_id": e.pupil_id, "kind": e.kind})
        self.alert_subjects.remember(e.originator_id, (e.pupil_id, e.kind))
        self.alert_entry(batch, e, e.raised_on, "alert_raised", f"Alert raised: {clip(e.summary)}")

    @handles(Alert.Acknowledged)
    def alert_acknowledged(self, e: Any, batch: Batch) -> None:
        _, kind = self.subject_of_alert(batch, e.originator_id)
        summary = f"Alert acknowledged: {words(kind)}{because(e.note)}"
        self.alert_entry(batch, e, e.acknowledged_on, "alert_acknowledged", summary)

    @handles(Alert.Resolved)
    def alert_resolved(self, e: Any, batch: Batch) -> None:
        _, kind = self.subject_of_alert(batch, e.originator_id)
        summary = f"Alert resolved: {words(kind)}{because(e.reason)}"
        self.alert_entry(batch, e, e.resolved_on, "alert_resolved", summary)

    @handles(Alert.Reraised)
    def alert_reraised(self, e: Any, batch: Batch) -> None:
        self.alert_entry(batch, e, e.raised_on, "alert_reraised", f"Alert raised again: {clip(e.summary)}")
