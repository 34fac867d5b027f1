"""The lease on one day's scheduled policy run, and each setting's latest live run.

APScheduler 3 cannot share a job store between processes, so each process
that runs a scheduler would run the daily job. The event store makes the run
unique instead: the lease's id is derived from the day, so the first process
to save it runs the policies and any other gets a conflict and skips.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.errors import InvalidInput


class DailyPolicyRun(Aggregate):
    @staticmethod
    def create_id(day: date) -> UUID:
        return uuid5(NAMESPACE_URL, f"/policy-runs/daily/{day.isoformat()}")

    @event("Claimed")
    def __init__(self, day: date, claimed_by: str) -> None:
        self.day = day
        self.claimed_by = claimed_by
        self.completed = False

    @event("Completed")
    def complete(self, raised: int, resolved: int) -> None:
        """How many alerts the run raised and resolved, across every setting."""
        self.completed = True


class LivePolicyRuns(Aggregate):
    """A setting's live policy runs: the ones that change its alerts.

    The live alert list only moves forward in time. A run as of a date before
    the latest live run's is a preview: it answers what the policies find as
    of that date and changes nothing, so it is not recorded here. A run as of
    the latest date, or later, is live: it is recorded here first, before it
    raises or resolves anything, and two runs at once are ordered by the event
    store (the second to save gets a conflict, loads again and looks again).
    One per setting, its id derived from the setting's.
    """

    @staticmethod
    def create_id(setting_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"/policy-runs/live/{setting_id}")

    @event("Opened")
    def __init__(self, setting_id: UUID) -> None:
        self.setting_id = setting_id
        self.latest_as_of: date | None = None
        self.latest_by: str | None = None

    def is_preview(self, as_of: date) -> bool:
        """Whether a run as of ``as_of`` comes before the latest live run."""
        return self.latest_as_of is not None and as_of < self.latest_as_of

    def record_run(self, *, as_of: date, recorded_by: str) -> None:
        """A live run as of ``as_of``, by ``recorded_by``: never before the latest."""
        if self.is_preview(as_of):
            raise InvalidInput(
                "as_of",
                f"the live alerts stand as of {self.latest_as_of}: a run as of {as_of} is only a preview",
            )
        self._ran(as_of=as_of, recorded_by=recorded_by)

    @event("Ran")
    def _ran(self, as_of: date, recorded_by: str) -> None:
        self.latest_as_of = as_of
        self.latest_by = recorded_by
