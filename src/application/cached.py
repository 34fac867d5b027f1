"""Which cached aggregates a command may use as they are, without reading the log.

The library fast-forwards a cached aggregate each time it is loaded: a read of
the events newer than the copy, for every aggregate a command loads (recording
a session loads the intervention and the setting). On SQLite each read costs
about 0.1 ms of the library's work; on PostgreSQL each is a round trip.

Instead, while the events recorded since this process last looked at the log's
end (``look``) are its own commands' (put into the cache as they were saved),
every copy it has checked is current, and is used as it is. Events others
recorded meanwhile (the worker's alerts, another API process, the command line)
are read once, and only the aggregates they belong to are fast-forwarded again.

A command does not look before it starts: on PostgreSQL a look is a round trip,
a tenth of a command. It trusts its copies as of ``seen``, and its insert, in
its own transaction, checks that the log still ends there (``Insert``); if
others recorded meanwhile, nothing of it is kept and it runs again after
looking. A command refused, or with nothing to record, looks before it answers
(``moved_on``): a refusal on copies older than the log runs again too. A copy
that is somehow behind all the same is still caught by the event store: saving
it conflicts, and the command runs again after a fresh look.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

OTHERS_READ_AT_MOST = 1000
"""More events than this recorded by others since the last look: forget which copies
were checked, rather than read them all (an import in another process)."""

CHECKED_AT_MOST = 100_000
"""Aggregates remembered as checked; past this, forgotten, and checked again as loaded."""


class CachedCopies:
    """How far into the log the cached copies this process has checked are current.

    A copy in ``_checked`` holds every event of its aggregate up to ``_seen``."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._checked: set[UUID] = set()

    @property
    def seen(self) -> int | None:
        """The log's end as far as this process knows (None before it first looks)."""
        return self._seen

    def look(self) -> int:
        """Read the log's end, and forget the copies of what others recorded before it. Answers the end."""
        end = self._recorder.max_notification_id() or 0
        with self._lock:
            seen = self._seen
            if seen is not None and end <= seen:
                return end
            if seen is None or end - seen > OTHERS_READ_AT_MOST:
                self._checked.clear()
            else:
                recorded = self._recorder.select_notifications(
                    start=seen, limit=end - seen, stop=end, inclusive_of_start=False
                )
                self._checked.difference_update(_uuid(n.originator_id) for n in recorded)
            self._seen = end
        return end

    def moved_on(self, since: int | None) -> bool:
        """Whether anything was recorded after ``since``, the end a command trusted its copies
        at without looking (None: it looked, or used no copies; nothing to ask)."""
        return since is not None and self.look() != since

    def current(self, aggregate_id: UUID) -> bool:
        """Whether the cached copy of ``aggregate_id`` (if there is one) is current as of the last look."""
        return aggregate_id in self._checked

    def checking(self, aggregate_id: UUID) -> None:
        """The copy of ``aggregate_id`` is about to be fast-forwarded (or read whole) from
        the log, which holds at least what the last look saw. Marked before, not after:
        a look meanwhile that finds newer events of it unmarks it again."""
        with self._lock:
            if self._seen is not None:
                if len(self._checked) >= CHECKED_AT_MOST:
                    self._checked.clear()
                self._checked.add(aggregate_id)

    def saved(
        self, aggregate_ids: Iterable[UUID], notification_ids: list[int], previous: int | None = None
    ) -> None:
        """This process has saved these aggregates, as the events ``notification_ids``,
        right after notification ``previous`` (if the insert read it), and put them in
        the cache. If nothing was recorded between the last look and them, the log is
        seen up to them, and the copies are current; otherwise the next look reads what
        came between (and these copies are checked again). Without ``previous`` (an insert
        on its own), the first id must follow the last seen."""
        if previous is None and notification_ids:
            previous = notification_ids[0] - 1
        with self._lock:
            if self._seen is not None and notification_ids and previous == self._seen:
                self._seen = notification_ids[-1]
                self._checked.update(aggregate_ids)
            else:
                self._checked.difference_update(aggregate_ids)

    def conflicted(self, aggregate_ids: Iterable[UUID]) -> None:
        """Saving these conflicted: their copies are behind, whatever was thought."""
        with self._lock:
            self._checked.difference_update(aggregate_ids)


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
