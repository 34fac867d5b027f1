"""What each spawned process does in the start-up test (importable, so spawn can find it)."""

from __future__ import annotations

from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

from apdr.runtime import Apdr
from tests.conftest import fast_settings


def open_at_once(settings: dict[str, Any], start: Barrier, out: Queue[Any]) -> None:
    """Wait for the others, then open apdr on a database nobody has set up yet."""
    start.wait(timeout=120)
    try:
        Apdr.open(fast_settings(**settings)).close()
        out.put("opened")
    except BaseException as error:
        out.put(f"error: {error!r}")
        raise
