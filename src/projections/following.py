"""Following the log between catch-ups: woken by the PostgreSQL subscription when
new events are recorded, and waiting a little longer after each failure while the
database is unreachable."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


MAX_BACKOFF_SECONDS = 5.0
"""The longest the follower waits before trying again while the database is
unreachable: it catches up within seconds of the database coming back."""


def backoff_seconds(failures: int, poll_seconds: float) -> float:
    """How long to wait after ``failures`` failures in a row: doubling from the
    poll interval, up to ``MAX_BACKOFF_SECONDS``."""
    return min(MAX_BACKOFF_SECONDS, poll_seconds * 2 ** min(failures, 16))


class Doorbell:
    """Rings ``bell`` when the library's subscription sees new events.

    The subscription runs in its own thread and holds a connection that LISTENs.
    When that connection is lost the subscription ends with the error; the thread
    then rings once more and ends, and ``alive`` turns false, so that the follower
    wakes and subscribes again rather than waiting on a bell that is gone."""

    def __init__(self, subscription: Any, bell: threading.Event) -> None:
        self._subscription = subscription
        self._bell = bell
        self._thread = threading.Thread(target=self._listen, name="apdr-subscription", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _listen(self) -> None:
        try:
            with self._subscription:
                for _ in self._subscription:
                    self._bell.set()
        except Exception:
            log.warning("the subscription to new events ended; subscribing again", exc_info=True)
        finally:
            self._bell.set()

    def stop(self) -> None:
        self._subscription.stop()
