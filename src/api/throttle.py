"""Failed sign-ins, counted per username and per client address, so that
passwords cannot be guessed at the speed of the server.

Counted in the process's memory: no new service to run, and nothing to clean
up. With several API workers each keeps its own count, so an attacker gets at
most the limit once per worker (four workers: four times the limit), which
still turns a guessing attack from thousands of tries a minute into a handful.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SignInThrottle:
    def __init__(
        self,
        per_username: int,
        per_address: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"user": per_username, "address": per_address}
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until this username may try again from this address, or None: it may now."""
        now = self.clock()
        waits = []
        with self._lock:
            for key in (("user", username), ("address", address)):
                failures = self._recent(key, now)
                if len(failures) >= self.limits[key[0]]:
                    waits.append(failures[0] + self.window - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:
                self._forget_old(now)  # bounded memory, whatever is thrown at it
            for key in (("user", username), ("address", address)):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username), None)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def _forget_old(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
