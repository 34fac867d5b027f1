"""Writing a pupil's entries: what every group of the chronology's handlers shares."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa

from apdr.config import SCHOOL_TIME
from apdr.projections.chronology.tables import alerts, entries, interventions, plans
from apdr.projections.projection import Batch

# What every event carries that is not what it says.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "recorded_by"})


def recorded_on(event: Any) -> date:
    """The date, at school, on which an event with no date of its own was recorded."""
    return event.timestamp.astimezone(SCHOOL_TIME).date()


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    # UUID, Decimal, and anything a later event may carry: as text, rather than
    # stopping the chronology at an event it cannot write.
    return str(value)


def as_json(data: dict[str, Any]) -> str:
    """orjson writes UUIDs, dates and enums as the API does, several times
    faster than the json module: most events in a rebuild pass through here."""
    return orjson.dumps(data, default=_plain).decode()


def attributes(event: Any, **extra: Any) -> dict[str, Any]:
    """What the event says, without its envelope."""
    return {**extra, **{k: v for k, v in vars(event).items() if k not in ENVELOPE}}


class Remembered(dict[Any, Any]):
    """Facts that never change once recorded (an intervention's name, a plan's
    pupil), kept so that a handler need not ask the database for them; bounded,
    so memory does not grow with the log."""

    # Events come in log order, so what is asked for is what is current: an authority's
    # running interventions and open plans at any one time are a few thousand. At 50,000 the
    # caches held most of its seven years, and a rebuild's memory grew with the log.
    def __init__(self, limit: int = 10_000) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value
        return value


class EntryWriter:
    """Writes an entry in a pupil's chronology, and remembers the facts that
    decide whose chronology an event belongs in. Each group of handlers (the
    pupil's own record, plans, interventions, alerts) builds on it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.names = Remembered()
        self.plan_pupils = Remembered()
        self.alert_subjects = Remembered()

    def entry(
        self,
        batch: Batch,
        pupil_id: UUID,
        e: Any,
        occurred_on: date,
        kind: str,
        summary: str,
        data: dict[str, Any] | str,
    ) -> None:
        """One entry in the pupil's chronology; ``data`` as a dict, or already as JSON."""
        batch.insert(
            entries,
            {
                "pupil_id": pupil_id,
                "position": batch.position,
                "occurred_on": occurred_on,
                "recorded_at": e.timestamp,
                "recorded_by": getattr(e, "recorded_by", "apdr"),
                "kind": kind,
                "summary": summary,
                "data": data if isinstance(data, str) else as_json(data),
            },
        )

    # -- what is remembered -------------------------------------------------

    def name_of(self, batch: Batch, intervention_id: UUID) -> str:
        name = self.names.get(intervention_id)
        if name is None:
            found = batch.read(
                sa.select(interventions.c.name).where(interventions.c.intervention_id == intervention_id)
            ).scalar()
            name = self.names.remember(intervention_id, found or "an intervention")
        return str(name)

    def pupil_of_plan(self, batch: Batch, plan_id: UUID) -> UUID | None:
        if plan_id not in self.plan_pupils:
            found = batch.read(sa.select(plans.c.pupil_id).where(plans.c.plan_id == plan_id)).scalar()
            self.plan_pupils.remember(plan_id, found)
        return self.plan_pupils[plan_id]

    def subject_of_alert(self, batch: Batch, alert_id: UUID) -> tuple[UUID | None, str]:
        if alert_id not in self.alert_subjects:
            found = batch.read(
                sa.select(alerts.c.pupil_id, alerts.c.kind).where(alerts.c.alert_id == alert_id)
            ).first()
            self.alert_subjects.remember(alert_id, (found.pupil_id, found.kind) if found else (None, ""))
        return self.alert_subjects[alert_id]
