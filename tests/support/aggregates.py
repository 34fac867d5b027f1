"""Given events, when a command, then events: the shape of every aggregate test.

``given`` replays past events into a fresh aggregate, exactly as the event
store does when it loads one; the command under test is then run on it with
``today`` passed in, and ``then`` answers the events it recorded (or the test
expects ``InvalidInput`` naming the field).

Past events are made by running commands on a scratch aggregate and taking
``collect_events()``, or built directly from the generated event classes with
``past``. Either way the aggregate under test is rebuilt from them by the
``@event`` methods alone, so these tests check the evolving half as well as
the deciding half.

``invalid`` runs a command that must be refused, and answers the ``InvalidInput`` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.utils import get_topic

from apdr.errors import InvalidInput
from tests.support.school import TODAY

A = TypeVar("A", bound=Aggregate)

__all__ = ["BY", "TODAY", "given", "history", "invalid", "names", "past", "then"]

BY = "senco@school.example"


def given(*events: DomainEventProtocol) -> Any:
    """A fresh aggregate rebuilt from ``events`` (the first one creates it)."""
    assert events, "given at least the event that created the aggregate"
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
    assert aggregate is not None
    assert not aggregate.pending_events
    return aggregate


def history(scratch: A, *commands: Callable[[A], object]) -> list[DomainEventProtocol]:
    """The events a scratch aggregate records when ``commands`` run on it in turn."""
    for command in commands:
        command(scratch)
    return list(scratch.collect_events())


def then(aggregate: Aggregate) -> list[Any]:
    """The new events the command recorded."""
    return list(aggregate.collect_events())


def invalid(field: str, command: Callable[[], object]) -> InvalidInput:
    """The refusal of ``command``, which must name ``field``."""
    with pytest.raises(InvalidInput) as raised:
        command()
    assert raised.value.field == field, raised.value.message
    return raised.value


def names(events: Iterable[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def past(event_class: type, originator_id: UUID, originator_version: int, **attributes: Any) -> Any:
    """One past event built from an aggregate's generated event class."""
    extra = {}
    if originator_version == 1:
        extra["originator_topic"] = get_topic(_aggregate_of(event_class))
    return event_class(
        originator_id=originator_id,
        originator_version=originator_version,
        timestamp=event_class.create_timestamp(),
        **extra,
        **attributes,
    )


def _aggregate_of(event_class: type) -> type:
    """``Pupil.Registered`` -> ``Pupil``."""
    owner_name = event_class.__qualname__.split(".")[0]
    module = __import__(event_class.__module__, fromlist=[owner_name])
    return getattr(module, owner_name)
