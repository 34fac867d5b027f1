"""How every command answers, one rule for all:

- a ``POST`` that records something new answers ``201`` with ``{"id"}``;
- a ``POST`` that records an action on something already there (a review, a
  void, an acknowledgement) answers ``204`` with no body and no content type;
- ``PUT`` and ``PATCH`` answer ``200`` with the resource as it now stands;
- the same command sent again (a resend after a dropped connection) answers as
  the first did and records nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response, status

from apdr.api.schemas.common import Created

CREATED: dict[str, Any] = {"status_code": status.HTTP_201_CREATED, "response_model": Created}
DONE: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT, "response_class": Response}
