"""A read of pupils' records: who looked at what, and when (UK GDPR accountability)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

READ = "read"
EXPORT = "export"
DISCLOSURE = "disclosure"  # a record sent outside the school (a CTF for the next school)


class RecordAccess(Aggregate):
    """One read of a pupil's record, or one export listing many pupils.

    Each read is an aggregate of its own (a new id every time), recorded by one
    event in one insert: reads never wait on one another, as they would if they
    all appended to one audit log aggregate.
    """

    @event("Recorded")
    def __init__(
        self, setting_id: UUID, by: str, role: str, kind: str, what: str, pupil_ids: list[UUID]
    ) -> None:
        # The event is the record (the audit trail reads it); an access is written once and
        # never loaded again, so the aggregate keeps only the setting it belongs to.
        self.setting_id = setting_id
