from __future__ import annotations

import pytest

from apdr.runtime import Apdr
from tests.support.history import History


@pytest.fixture
def history(apdr: Apdr) -> History:
    """A setting whose history is built through the service layer; 'today' is 23 November 2026."""
    return History(apdr.record)
