"""What can go wrong, in terms a client can act on.

The HTTP layer maps each to a status code; the domain raises them without
knowing about HTTP.
"""

from __future__ import annotations


class ApdrError(Exception):
    """Base of every error apdr reports to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ApdrError):
    """Input that breaks a rule of the domain. ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ApdrError):
    """Nothing there, or nothing this user may know is there."""


class Conflict(ApdrError):
    """Clashes with what is already recorded (a duplicate, a stale version).
    ``conflicts_with`` names the record it clashes with, where there is one:
    ``{"kind": "session", "id": …, "on": …}``."""

    def __init__(self, message: str, conflicts_with: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.conflicts_with = conflicts_with


class Forbidden(ApdrError):
    """The user is known but their role does not allow this."""


class NotAuthenticated(ApdrError):
    """No valid credentials."""
