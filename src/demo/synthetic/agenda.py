"""The clock and the sink every part of a setting's history shares.

Things happen on an agenda of dated actions, run in date order (within a day:
the morning, the sessions, the afternoon); what they change is handed to the
sink, which saves the events about ``chunk_size`` at a time.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from apdr.aggregates import Intervention, Pupil, Setting, StaffMember, SupportPlan
from apdr.aggregates.codes import AssessmentKind, NeedType, Scale, SenProvision
from apdr.aggregates.school_year import SchoolCalendar, Term, academic_year_of, default_terms
from apdr.demo.synthetic.generated import GeneratedSetting
from apdr.demo.synthetic.plan import SettingSpec
from apdr.demo.synthetic.programmes import PROGRAMMES, Programme


class _Sink:
    """Events in the order they happened, saved about ``chunk_size`` at a time."""

    def __init__(self, record: Any, chunk_size: int) -> None:
        self.record = record
        self.chunk_size = chunk_size
        self.buffer: list[Any] = []
        self.written = 0

    def emit(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.buffer.extend(aggregate.collect_events())
        if len(self.buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            # The event store's batch path (what ``Application.save`` calls), one transaction.
            self.record.events.put(self.buffer)
            self.written += len(self.buffer)
            self.buffer = []


_EVENT_ATTRS = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def _with_id(validated: Aggregate, aggregate_id: UUID) -> Any:
    """``validated`` (made by its checked constructor) again, with a deterministic id."""
    created = validated.pending_events[0]
    kwargs = {k: v for k, v in vars(created).items() if k not in _EVENT_ATTRS}
    return type(validated)._create(type(created), id=aggregate_id, **kwargs)


def _history_start(today: date, years: int) -> date:
    return default_terms(academic_year_of(today) - years + 1)[0].starts_on


# Events of one day: what happens in the morning (before sessions), the sessions, and after them.
MORNING, SESSIONS, AFTERNOON = 0, 1, 2


@dataclass
class _Pupil:
    """A pupil as the history follows them: the aggregate, and what the generator keeps beside it."""

    aggregate: Pupil
    born_year: int  # the academic year in which the pupil was born
    form: str
    plan: SupportPlan | None = None
    interventions: dict[UUID, Intervention] = field(default_factory=dict)
    persistent_absence: bool = False
    ehcp_pending: bool = False
    marks: int = 0
    plan_events: int = 0

    @property
    def id(self) -> UUID:
        return self.aggregate.id

    @property
    def on_register(self) -> bool:
        return self.aggregate.sen_status is not SenProvision.no_sen

    @property
    def left(self) -> bool:
        return self.aggregate.left_on is not None


@dataclass
class _Run:
    """An intervention while it runs: its programme, measure and who is in it."""

    intervention: Intervention
    programme: Programme
    pupils: list[_Pupil]
    baselines: dict[UUID, Decimal] = field(default_factory=dict)
    sessions: list[UUID] = field(default_factory=list)


class _Agenda:
    """What the parts of a setting's history share: the setting, the clock, the
    random draws, the pupils on roll and the interventions running. Each part
    (a mixin of ``_SettingHistory``) adds the steps of one lifecycle."""

    # Set as the run begins: the calendar, the setting and its staff.
    calendar: SchoolCalendar
    term_dates: dict[int, tuple[list[Term], list[date]]]
    day: date
    setting: Setting
    setting_id: UUID
    staff: list[StaffMember]
    trained: dict[str, list[StaffMember]]
    senco: StaffMember

    def __init__(
        self,
        spec: SettingSpec,
        years: int,
        today: date,
        seed: int,
        sink: _Sink,
        password_hash: str | None,
        advance: Callable[[date], None],
    ) -> None:
        self.spec = spec
        self.today = today
        self.sink = sink
        self.password_hash = password_hash
        self.advance = advance
        self.rng = random.Random(f"{seed}/{spec.urn}")
        self.ids = random.Random(f"{seed}/{spec.urn}/ids")
        self.last_year = academic_year_of(today)
        self.first_year = self.last_year - years + 1
        self.heap: list[tuple[int, int, int, Callable[..., None], tuple[Any, ...]]] = []
        self.sequence = itertools.count()
        self.domain = f"{spec.urn}.synthetic.example"
        self.senco_email = f"senco@{self.domain}"
        self.teacher_email = f"teacher@{self.domain}"
        self.pupils: list[_Pupil] = []
        self.on_roll: dict[UUID, _Pupil] = {}
        self.upn_serials: Counter[int] = Counter()
        self.result = GeneratedSetting(Setting.create_id(spec.urn), spec.urn, spec.name, spec.phase)
        self.runs: dict[UUID, _Run] = {}
        self.programmes = PROGRAMMES[spec.phase]
        self.forms = max(1, round(spec.pupils / len(spec.year_groups) / 30))

    # -- the clock -------------------------------------------------------------

    def new_id(self) -> UUID:
        return UUID(int=self.ids.getrandbits(128), version=4)

    def at(self, day: date, phase: int, action: Callable[..., None], *args: Any) -> bool:
        """Do ``action`` on ``day``, if that day is before today."""
        if day >= self.today:
            return False
        heapq.heappush(self.heap, (day.toordinal(), phase, next(self.sequence), action, args))
        return True

    def emit(self, *aggregates: Aggregate) -> None:
        self.sink.emit(*aggregates)

    def teaching_day_on_or_after(self, day: date) -> date:
        for _ in range(60):
            if self.calendar.is_teaching_day(day):
                return day
            day += timedelta(days=1)
        return day

    def term_after(self, day: date) -> Term | None:
        return next((t for t in self.calendar.terms if t.starts_on > day), None)

    def term_of(self, day: date) -> Term | None:
        return self.calendar.term_of(day)

    def _born(self, pupil: _Pupil) -> date:
        return pupil.aggregate.date_of_birth

    if TYPE_CHECKING:
        # For the type checker: the steps one part takes in another, each defined in its own part.
        def _set_term_dates(self, year: int) -> None: ...
        def _arrives_on_support(self, pupil: _Pupil, day: date) -> None: ...
        def _arrives_with_plan(self, pupil: _Pupil, day: date) -> None: ...
        def _need(self, pupil: _Pupil, need: NeedType, rank: int, on: date, today: date) -> None: ...
        def _status(
            self,
            pupil: _Pupil,
            status: SenProvision,
            on: date,
            today: date,
            reason: str,
            notified: bool = True,
        ) -> None: ...
        def _advice(self, pupil: _Pupil) -> None: ...
        def _assess(
            self,
            pupil: _Pupil,
            day: date,
            instrument: str,
            measure: str,
            scale: Scale,
            value: Decimal,
            kind: AssessmentKind,
            intervention_id: UUID | None,
        ) -> UUID: ...
        def _annual_review(self, pupil: _Pupil) -> None: ...
        def _request_ehcp(self, pupil: _Pupil, day: date) -> None: ...
        def _first_plan(self, pupil: _Pupil, day: date) -> None: ...
        def _close_plan(self, pupil: _Pupil, day: date, reason: str) -> None: ...
        def _withdraw(self, intervention: Intervention, pupil: _Pupil, day: date, reason: str) -> None: ...
        def _session(self, run: _Run, day: date) -> None: ...
        def _observe(self, run: _Run, day: date) -> None: ...
