"""The lease on one day's scheduled policy run.

APScheduler 3 cannot share a job store between processes, so each process
that runs a scheduler would run the daily job. The event store makes the run
unique instead: the lease's id is derived from the day, so the first process
to save it runs the policies and any other gets a conflict and skips.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


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
