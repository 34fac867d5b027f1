"""Synthetic history at scale: a school, a trust, a local authority.

``generate`` writes years of realistic SEN-support history for one or more
settings, deterministically from a seed and a ``today``:

- settings with their term dates and closures (INSET days, bank holidays);
- cohorts of pupils who join, move class every September and leave, with
  about 14% of pupils on SEN support and about 3% with an EHC plan at any
  time (``school`` has 1,500 pupils and about 250 on the register), needs
  drawn from the national mix (SLCN, SEMH, MLD, SPLD and ASD commonest);
- concerns, needs, SEN status changes and parents' notification, one-page
  profiles, outside advice, the statutory EHC process and annual reviews;
- a support plan each term for every pupil on the register, agreed with
  parents and reviewed at the end of the term (continue, adjust, end
  support or request an EHC needs assessment);
- interventions at the EEF's typical dosage (20-50 minute sessions, 3-5 a
  week, 8-20 weeks) for groups of pupils with the same area of need, with
  trained staff, baseline and exit assessments, every session with its
  attendance, missed sessions, observations of delivery, withdrawals,
  reviews, and a few corrections and voided sessions.

It never goes through HTTP, nor one command at a time through ``SenRecord``:
it builds the aggregates with their own command methods (so every invariant
holds and the events are exactly those the product records), in the order
things happen, and hands the events to the event store in batches of about
``chunk_size`` (one transaction each). Events carry the dates on which things
happened; the library stamps their ``timestamp`` with the time of writing.
"""

from __future__ import annotations

import heapq
import itertools
import math
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from queue import Empty
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from apdr.aggregates import Intervention, Pupil, Setting, StaffMember, SupportPlan, UpnClaim, User
from apdr.aggregates.codes import (
    AdviceSource,
    AreaOfNeed,
    AssessmentKind,
    AttendanceStatus,
    ConcernSource,
    Decision,
    Delivery,
    EhcpMilestone,
    InterventionDecision,
    LawfulBasis,
    MissedReason,
    NeedType,
    Rating,
    Role,
    Scale,
    SenProvision,
    Weekday,
)
from apdr.aggregates.school_year import (
    SchoolCalendar,
    Term,
    academic_year_of,
    default_closures,
    default_terms,
)
from apdr.aggregates.staff_member import StaffRole
from apdr.aggregates.upn import check_letter

SYNTHETIC_TODAY = date(2026, 3, 20)
"""The benchmarks' fixed 'today': a Friday in the spring term, seven academic years in."""
SYNTHETIC_PASSWORD = "synthetic-demo"
SCALES = ("school", "trust", "la")

# -- what to generate ---------------------------------------------------------


@dataclass(frozen=True)
class SettingSpec:
    """One setting to generate: a primary (Reception to Year 6) or a secondary (Years 7 to 11)."""

    urn: str
    name: str
    phase: str
    pupils: int
    la: str = "801"
    establishment: str = "2001"

    @property
    def year_groups(self) -> range:
        return range(7) if self.phase == "primary" else range(7, 12)


@dataclass(frozen=True)
class Plan:
    """What to generate: some settings, over ``years`` academic years up to ``today``."""

    name: str
    settings: tuple[SettingSpec, ...]
    years: int = 7


_PRIMARY_NAMES = ("Oakfield", "Riverside", "St Mary's", "Hillside", "Meadow", "Brookfield", "Greenway")
_SECONDARY_NAMES = ("Kingsmead", "Westfield", "Northgate", "Castle", "Elmwood", "Park View")


def _setting(n: int, phase: str, pupils: int, la: str = "801") -> SettingSpec:
    """The ``n``th primary or secondary of the plan."""
    names = _PRIMARY_NAMES if phase == "primary" else _SECONDARY_NAMES
    kind = "Primary School" if phase == "primary" else "Academy"
    name = f"{names[n % len(names)]} {kind}" + (f" {n // len(names) + 1}" if n >= len(names) else "")
    number = (2000 if phase == "primary" else 4000) + n
    return SettingSpec(f"{700000 + number:06d}", name, phase, pupils, la, f"{number:04d}")


def plan_for(scale: str, seed: int = 1) -> Plan:
    """The preset sizes: ``school`` (a 1,500-pupil secondary, seven years),
    ``trust`` (ten schools) and ``la`` (a local authority's mainstream schools,
    more than a million events)."""
    rng = random.Random(f"{seed}/plan/{scale}")
    if scale == "school":
        return Plan("school", (_setting(0, "secondary", 1500),))
    if scale == "trust":
        primaries = [_setting(n, "primary", rng.choice([210, 315, 420, 420, 630])) for n in range(8)]
        secondaries = [_setting(n, "secondary", rng.choice([900, 1200, 1500])) for n in range(2)]
        return Plan("trust", (*primaries, *secondaries))
    if scale == "la":
        # A small authority's mainstream schools: over a million events.
        primaries = [_setting(n, "primary", rng.choice([210, 315, 420, 420, 630])) for n in range(30)]
        secondaries = [_setting(n, "secondary", rng.choice([900, 1200, 1500])) for n in range(4)]
        return Plan("la", (*primaries, *secondaries))
    raise ValueError(f"scale is one of {', '.join(SCALES)}, not {scale!r}")


# -- what was generated -------------------------------------------------------


@dataclass
class RunningIntervention:
    """An intervention still running on 'today', for benchmarks that record sessions."""

    intervention_id: UUID
    delivery: Delivery
    pupil_ids: list[UUID]
    staff_ids: list[UUID]
    minutes: int


@dataclass
class GeneratedSetting:
    setting_id: UUID
    urn: str
    name: str
    phase: str
    pupils_ever: int = 0
    on_roll: int = 0
    sen_support: int = 0
    ehc_plans: int = 0
    interventions: int = 0
    sessions: int = 0
    events: int = 0
    longest_pupil_id: UUID | None = None
    longest_pupil_events: int = 0
    running: list[RunningIntervention] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    needs: Counter[str] = field(default_factory=Counter)

    @property
    def on_register(self) -> int:
        return self.sen_support + self.ehc_plans


@dataclass
class GeneratedHistory:
    plan: str
    seed: int
    today: date
    settings: list[GeneratedSetting]
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        pupils = sum(s.on_roll for s in self.settings)
        k = sum(s.sen_support for s in self.settings)
        e = sum(s.ehc_plans for s in self.settings)
        return (
            f"{len(self.settings)} setting(s), {pupils} pupils on roll on {self.today}: "
            f"{k} on SEN support ({100 * k / max(pupils, 1):.1f}%), {e} with an EHC plan "
            f"({100 * e / max(pupils, 1):.1f}%); "
            f"{sum(s.interventions for s in self.settings)} interventions, "
            f"{sum(s.sessions for s in self.settings)} sessions; {self.events} events in "
            f"{self.seconds:.1f} s ({self.events_per_second:,.0f} events/s)"
        )


Progress = Callable[[float, int], None]
"""Told the fraction of the work done so far (0 to 1) and the events written."""


def generate(
    record: Any,
    plan: Plan,
    *,
    seed: int = 1,
    today: date = SYNTHETIC_TODAY,
    chunk_size: int = 1000,
    password_hash: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> GeneratedHistory:
    """Write ``plan``'s history into ``record`` (a ``SenRecord``, or any
    eventsourcing ``Application`` with apdr's transcodings).

    With ``password_hash``, each setting gets users (``senco@``, ``teacher@``,
    ``ta@``, ``head@`` its URN ``.synthetic.example``) who sign in with it.

    With ``workers`` > 1 (``record`` must then be a ``SenRecord``), settings
    are generated side by side in that many processes, each writing to the
    same database: every setting's history is the same as with one worker,
    but the settings' batches interleave in the log in no fixed order.
    """
    started = time.perf_counter()
    workers = max(1, min(workers, len(plan.settings)))
    if workers > 1:
        settings, written = _in_processes(
            record.settings, plan, seed, today, chunk_size, password_hash, progress, workers
        )
    else:
        settings, written = _generate(
            record, plan, range(len(plan.settings)), seed, today, chunk_size, password_hash, progress
        )
    if progress:
        progress(1.0, written)
    return GeneratedHistory(plan.name, seed, today, settings, written, time.perf_counter() - started)


def _generate(
    record: Any,
    plan: Plan,
    indexes: Iterable[int],
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
    progress: Progress | None,
) -> tuple[list[GeneratedSetting], int]:
    sink = _Sink(record, chunk_size)
    first = _history_start(today, plan.years)
    days = (today - first).days or 1
    indexes = list(indexes)
    settings = []
    for done, index in enumerate(indexes):

        def advance(day: date, done: int = done) -> None:
            if progress:
                progress((done + min(max((day - first).days, 0), days) / days) / len(indexes), sink.written)

        before = sink.written + len(sink.buffer)
        spec = plan.settings[index]
        generated = _SettingHistory(spec, plan.years, today, seed, sink, password_hash, advance).run()
        generated.events = sink.written + len(sink.buffer) - before
        settings.append(generated)
    sink.flush()
    return settings, sink.written


def _in_processes(
    settings: Any,
    plan: Plan,
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
    progress: Progress | None,
    workers: int,
) -> tuple[list[GeneratedSetting], int]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(
                queue,
                n,
                settings,
                plan,
                range(n, len(plan.settings), workers),
                seed,
                today,
                chunk_size,
                password_hash,
            ),
            daemon=True,
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    fractions, events = [0.0] * workers, [0] * workers
    results: dict[int, GeneratedSetting] = {}
    finished = 0
    while finished < workers:
        try:
            message = queue.get(timeout=5)
        except Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError(
                    "a worker generating synthetic history failed: see its error above"
                ) from None
            continue
        kind, n, *rest = message
        if kind == "progress":
            fractions[n], events[n] = rest
            if progress:
                progress(sum(fractions) / workers, sum(events))
        elif kind == "done":
            generated, events[n] = rest
            for index, setting in zip(range(n, len(plan.settings), workers), generated, strict=True):
                results[index] = setting
            finished += 1
        else:
            raise RuntimeError(f"a worker generating synthetic history failed: {rest[0]}")
    for process in processes:
        process.join()
    return [results[i] for i in range(len(plan.settings))], sum(events)


def _work(
    queue: Any,
    n: int,
    settings: Any,
    plan: Plan,
    indexes: range,
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
) -> None:
    """One worker process: its share of the settings, into its own connection to the database."""
    from apdr.application import SenRecord

    try:
        record = SenRecord(settings)
        last = [0.0]

        def report(done: float, events: int) -> None:
            if done - last[0] >= 0.01:
                last[0] = done
                queue.put(("progress", n, done, events))

        generated, written = _generate(record, plan, indexes, seed, today, chunk_size, password_hash, report)
        record.close()
        queue.put(("done", n, generated, written))
    except BaseException as error:
        queue.put(("failed", n, f"{type(error).__name__}: {error}"))
        raise


# -- writing ----------------------------------------------------------------------


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


# -- the vocabulary of a synthetic school -------------------------------------------

# fmt: off
GIVEN = (
    "Amira", "Oliver", "Zainab", "Harry", "Maya", "Leo", "Ava", "Noah", "Isla", "Kacper", "Aaliyah", "Jack",
    "Freya", "Mohammed", "Ruby", "Theo", "Chloe", "Jayden", "Layla", "Finley", "Sofia", "Ethan", "Grace",
    "Yusuf", "Poppy", "Alfie", "Hana", "Reuben", "Evie", "Tyler", "Nia", "Samuel", "Lily", "Dylan", "Zara",
    "Kai", "Ellie", "Arjun", "Mia", "Callum", "Fatima", "Logan", "Imogen", "Idris", "Olivia", "George",
    "Amelia", "Muhammad", "Charlotte", "Arthur", "Ivy", "Oscar", "Rosie", "Jacob", "Emily", "Henry",
    "Sienna", "Lucas", "Willow", "Adam", "Aisha", "Reggie", "Phoebe", "Ibrahim", "Daisy"
)
# fmt: on
# fmt: off
FAMILY = (
    "Khan", "Smith", "Ahmed", "Jones", "Patel", "Williams", "Nowak", "Brown", "Taylor", "Begum", "Davies",
    "Evans", "Okafor", "Wilson", "Hussain", "Thomas", "Roberts", "Ali", "Walker", "Wright", "Kowalski",
    "Green", "Hall", "Mensah", "Clarke", "Lewis", "Singh", "Murphy", "Osei", "Hughes", "Johnson",
    "Robinson", "Wood", "Thompson", "White", "Edwards", "Martin", "Jackson", "Turner", "Hill", "Moore",
    "Cooper", "Ward", "Morris", "King", "Baker", "Harris", "Mahmood", "Rahman", "Chowdhury", "Kaur", "Shah",
    "Lee", "Chen", "Nguyen", "Santos", "Silva", "Popescu", "Kovacs", "Ibrahim"
)
# fmt: on

# Primary type of need (DfE, Special educational needs in England, January 2024, rounded):
# SLCN, SEMH, MLD, SPLD and ASD commonest on SEN support; ASD, SLCN and SEMH with EHC plans.
_N = NeedType
NEEDS_ON_SUPPORT = {
    "primary": {
        _N.SLCN: 33,
        _N.SEMH: 17,
        _N.MLD: 15,
        _N.SPLD: 8,
        _N.ASD: 7,
        _N.OTH: 4,
        _N.NSA: 4,
        _N.PD: 3,
        _N.HI: 1.5,
        _N.VI: 0.7,
        _N.SLD: 0.7,
        _N.MSI: 0.2,
    },
    "secondary": {
        _N.SEMH: 26,
        _N.SPLD: 22,
        _N.MLD: 17,
        _N.SLCN: 12,
        _N.ASD: 8,
        _N.OTH: 5,
        _N.NSA: 3,
        _N.PD: 2,
        _N.HI: 1.5,
        _N.VI: 1,
        _N.SLD: 0.5,
    },
}
NEEDS_WITH_PLAN = {
    _N.ASD: 35,
    _N.SLCN: 21,
    _N.SEMH: 16,
    _N.SLD: 7,
    _N.MLD: 7,
    _N.PD: 5,
    _N.SPLD: 3,
    _N.HI: 2,
    _N.VI: 1,
    _N.PMLD: 1,
    _N.MSI: 0.5,
    _N.OTH: 1.5,
}
SECOND_NEEDS = (_N.SLCN, _N.SEMH, _N.SPLD, _N.MLD, _N.ASD, _N.PD)

# How the register moves (per term); tuned so that about 14% of pupils are
# on SEN support and about 3% have an EHC plan at any time, as in mainstream schools.
ARRIVES_WITH = {"primary": (0.07, 0.02), "secondary": (0.11, 0.022)}  # (K, E) on joining
IDENTIFIED_PER_TERM = {"primary": 0.016, "secondary": 0.0125}
LEAVES_REGISTER_PER_REVIEW = 0.065
EHCP_REQUEST_PER_REVIEW = 0.012
LEAVE_DURING_YEAR = 0.03


@dataclass(frozen=True)
class Measure:
    instrument: str
    measure: str
    scale: Scale
    low: float
    high: float
    gain_per_week: float
    relative_to_age: bool = False


@dataclass(frozen=True)
class Programme:
    name: str
    area: AreaOfNeed
    codes: tuple[str, ...]
    aim: str
    delivery: Delivery
    group: int
    per_week: tuple[int, int]
    minutes: tuple[int, int]
    weeks: tuple[int, int]
    cost: int
    needs: frozenset[NeedType]
    measure: Measure
    withdrawn_from: tuple[str, ...]


_A, _D = AreaOfNeed, Delivery
_CL, _CI, _SEMH, _SP = _A.cognition_learning, _A.communication_interaction, _A.semh, _A.sensory_physical
_READING_AGE = Measure(
    "Single word reading test",
    "reading age",
    Scale.age_equivalent_months,
    -30,
    -12,
    0.8,
    relative_to_age=True,
)
_SPELLING_AGE = Measure(
    "Single word spelling test",
    "spelling age",
    Scale.age_equivalent_months,
    -36,
    -14,
    0.8,
    relative_to_age=True,
)
_SDQ = Measure("Strengths and Difficulties Questionnaire", "total difficulties", Scale.raw, 15, 28, -0.35)
_PRIMARY_LESSONS = ("guided reading", "phonics", "assembly", "afternoon play", "maths starter", "PE", "topic")
_SECONDARY_LESSONS = ("tutor time", "modern languages", "PE", "computing", "RE", "music", "art")


def _programmes(lessons: tuple[str, ...], *rows: tuple[Any, ...]) -> tuple[Programme, ...]:
    """Rows of (name, area, codes, aim, delivery, group size, sessions a week, minutes, weeks,
    cost a year, needs served, measure)."""
    return tuple(
        Programme(name, area, tuple(codes.split()), aim, delivery, group, week, minutes, weeks, cost,
                  frozenset(needs), measure, lessons)
        for name, area, codes, aim, delivery, group, week, minutes, weeks, cost, needs, measure in rows
    )  # fmt: skip


# The EEF's typical dosage: sessions of 20-50 minutes, 3-5 times a week, for 8-20 weeks.
# fmt: off
PROGRAMMES = {
    "primary": _programmes(
        _PRIMARY_LESSONS,
        ("Precision teaching", _CL, "CL5", "Read the first 100 high-frequency words fluently",
         _D.small_group, 3, (3, 5), (20, 30), (8, 12), 950, {_N.MLD, _N.SPLD, _N.SLD, _N.OTH, _N.NSA},
         _READING_AGE),
        ("Talk Boost", _CI, "SLC8", "Build vocabulary and narrative language",
         _D.small_group, 4, (3, 3), (30, 30), (10, 10), 1400, {_N.SLCN},
         Measure("Talk Boost language assessment", "language score", Scale.raw, 14, 30, 0.9)),
        ("NELI", _CI, "SLC3", "Listening, narrative and vocabulary in the early years",
         _D.small_group, 4, (3, 3), (30, 30), (20, 20), 1200, {_N.SLCN, _N.NSA},
         Measure("LanguageScreen", "language standard score", Scale.standard_score, 70, 90, 0.5)),
        ("Lego therapy", _CI, "ASC12", "Take turns and share attention in a small group",
         _D.small_group, 3, (3, 3), (40, 40), (8, 12), 600, {_N.ASD, _N.SLCN},
         Measure("Social communication checklist", "skills observed", Scale.percent, 20, 45, 2.0)),
        ("Numicon intervention", _CL, "CL3", "Secure place value to 100",
         _D.small_group, 4, (3, 4), (20, 30), (10, 12), 800, {_N.MLD, _N.SPLD, _N.SLD, _N.OTH},
         Measure("Sandwell early numeracy test", "numeracy score", Scale.standard_score, 70, 88, 0.8)),
        ("Zones of Regulation", _SEMH, "SEMH7", "Choose a calming strategy when in the yellow or red zone",
         _D.small_group, 6, (3, 3), (30, 45), (8, 12), 400, {_N.SEMH, _N.ASD},
         Measure("Boxall profile", "developmental strands", Scale.raw, 30, 55, 0.7)),
        ("ELSA", _SEMH, "SEMH5", "Recognise and manage feelings of anxiety",
         _D.individual, 3, (3, 3), (30, 30), (8, 12), 1100, {_N.SEMH}, _SDQ),
        ("Fine motor skills", _SP, "PM2", "Form letters legibly with a tripod grip",
         _D.small_group, 4, (3, 4), (20, 30), (8, 10), 350, {_N.PD, _N.OTH, _N.MSI},
         Measure("Handwriting speed assessment", "letters a minute", Scale.raw, 8, 16, 0.4)),
        ("Better Reading Partnership", _CL, "CL4", "Read texts at the expected level with understanding",
         _D.individual, 3, (3, 3), (20, 30), (10, 10), 1300, {_N.SPLD, _N.MLD, _N.SLCN}, _READING_AGE),
        ("Sensory circuits", _SP, "PM5", "Arrive in class calm and ready to learn",
         _D.small_group, 6, (5, 5), (20, 20), (12, 20), 300, {_N.ASD, _N.PD, _N.HI, _N.VI, _N.MSI},
         Measure("Sensory profile checklist", "regulated mornings", Scale.percent, 30, 60, 1.0)),
        ("Speech and language programme", _CI, "SLC5", "Use target speech sounds in conversation",
         _D.individual, 3, (3, 3), (20, 20), (12, 20), 1500, {_N.SLCN, _N.HI},
         Measure("CELF-5", "core language standard score", Scale.standard_score, 60, 85, 0.5)),
    ),
    "secondary": _programmes(
        _SECONDARY_LESSONS,
        ("Catch Up Literacy", _CL, "CL4", "Read age-appropriate texts with understanding",
         _D.individual, 3, (3, 3), (20, 20), (12, 20), 1500, {_N.SPLD, _N.MLD, _N.SLD, _N.OTH, _N.NSA},
         _READING_AGE),
        ("Reading fluency group", _CL, "SPLD3", "Read aloud at 120 words a minute",
         _D.small_group, 4, (4, 4), (30, 30), (10, 20), 900, {_N.SPLD, _N.MLD},
         Measure("Reading fluency probe", "words correct a minute", Scale.raw, 60, 110, 2.0)),
        ("Catch Up Numeracy", _CL, "CL3", "Calculate with the four operations confidently",
         _D.individual, 3, (3, 3), (20, 20), (12, 16), 1400, {_N.MLD, _N.SLD, _N.SPLD},
         Measure("Sandwell numeracy test", "numeracy standard score", Scale.standard_score, 68, 88, 0.6)),
        ("Talk About", _CI, "SLC8", "Join and keep up a conversation with peers",
         _D.small_group, 4, (3, 3), (40, 40), (10, 12), 800, {_N.SLCN, _N.ASD},
         Measure("Talkabout assessment", "interaction skills", Scale.raw, 20, 40, 0.8)),
        ("Anxiety management group", _SEMH, "SEMH3", "Recognise anxiety early and use a plan to manage it",
         _D.small_group, 6, (3, 3), (45, 50), (8, 10), 700, {_N.SEMH}, _SDQ),
        ("Mentoring", _SEMH, "SEMH8", "Attend every lesson and keep a positive report",
         _D.individual, 3, (3, 3), (30, 30), (10, 20), 1200, {_N.SEMH, _N.ASD},
         Measure("Resilience scale", "resilience score", Scale.percent, 30, 55, 1.0)),
        ("Social communication group", _CI, "ASC3", "Work in a group without adult prompting",
         _D.small_group, 6, (3, 3), (40, 40), (10, 12), 600, {_N.ASD, _N.SLCN},
         Measure("Social communication checklist", "skills observed", Scale.percent, 25, 50, 1.5)),
        ("Touch typing", _SP, "SPLD11", "Type at 25 words a minute for extended writing",
         _D.small_group, 6, (3, 4), (30, 30), (8, 12), 500, {_N.SPLD, _N.PD, _N.VI, _N.MSI},
         Measure("Typing speed test", "words a minute", Scale.raw, 8, 20, 0.8)),
        ("Precision teaching: spelling", _CL, "CL5", "Spell the statutory word list accurately",
         _D.small_group, 3, (5, 5), (20, 20), (8, 10), 700, {_N.SPLD, _N.MLD, _N.SLD}, _SPELLING_AGE),
        ("Specialist teacher support", _SP, "HL5 VI2", "Access the curriculum with the right equipment",
         _D.individual, 3, (3, 3), (45, 50), (12, 20), 2500, {_N.HI, _N.VI, _N.MSI},
         Measure("Curriculum access checklist", "independent access", Scale.percent, 30, 60, 1.0)),
    ),
}
# fmt: on

OUTCOMES = {
    _CL: (
        ("Reads the first 100 high-frequency words", "words read correctly", "100"),
        ("Writes three sentences independently", "sentences a week", "3"),
        ("Recalls number bonds to 20", "bonds recalled in a minute", "20"),
    ),
    _CI: (
        ("Uses five new topic words in class", "words used a week", "5"),
        ("Retells a short story in order", "story parts in order", "5"),
        ("Takes turns in a small group", "turns without prompting", "4"),
    ),
    _SEMH: (
        ("Asks for help when stuck", "times observed in a week", "3"),
        ("Uses a calming strategy when upset", "times without adult support", "4"),
        ("Attends every lesson on the timetable", "attendance percent", "95"),
    ),
    _SP: (
        ("Forms letters legibly", "legible letters in a line", "20"),
        ("Uses the equipment independently", "lessons without prompting", "5"),
    ),
}
FOCUS = (
    "recap and timed practice",
    "new vocabulary",
    "game-based practice",
    "reading aloud",
    "modelled then independent",
    "review of targets",
)
ADVICE = (
    AdviceSource.educational_psychologist,
    AdviceSource.speech_and_language_therapist,
    AdviceSource.occupational_therapist,
    AdviceSource.specialist_teacher,
    AdviceSource.camhs,
    AdviceSource.paediatrician,
)
MARKS = (
    AttendanceStatus.present,
    AttendanceStatus.absent,
    AttendanceStatus.late,
    AttendanceStatus.left_early,
)
LOCATIONS = ("Library room", "Nurture room", "SEN base", "Small group room", "Learning support centre")

# Events of one day: what happens in the morning (before sessions), the sessions, and after them.
MORNING, SESSIONS, AFTERNOON = 0, 1, 2


@dataclass
class _Pupil:
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


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


class _SettingHistory:
    """One setting's history, simulated day by day from an agenda of dated actions."""

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

    # -- plumbing --------------------------------------------------------------

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

    # -- the run ---------------------------------------------------------------

    def run(self) -> GeneratedSetting:
        self.calendar = self._calendar()
        start = self.calendar.terms[0].starts_on
        self.day = start
        self._setting(start)
        self._staff(start)
        self._users()
        self.day = start
        self._first_pupils(start)
        for term in self.calendar.terms:
            self.at(term.starts_on, MORNING, self._term_starts, term)
            if term.name == "summer":
                self.at(term.ends_on, AFTERNOON, self._summer_ends, term)
        last_reported = 0
        while self.heap:
            ordinal, _, _, action, args = heapq.heappop(self.heap)
            self.day = date.fromordinal(ordinal)
            action(*args)
            if ordinal - last_reported >= 7:
                last_reported = ordinal
                self.advance(date.fromordinal(ordinal))
        self._finish()
        return self.result

    def _finish(self) -> None:
        result = self.result
        result.pupils_ever = len(self.pupils)
        on_roll = [p for p in self.pupils if not p.left]
        result.on_roll = len(on_roll)
        result.sen_support = sum(p.aggregate.sen_status is SenProvision.sen_support for p in on_roll)
        result.ehc_plans = sum(p.aggregate.sen_status is SenProvision.ehc_plan for p in on_roll)
        for p in on_roll:
            if 1 in p.aggregate.needs:
                result.needs[p.aggregate.needs[1]["need_type"].value] += 1
        longest = max(self.pupils, key=lambda p: p.aggregate.version + p.marks + p.plan_events)
        result.longest_pupil_id = longest.id
        result.longest_pupil_events = longest.aggregate.version + longest.marks + longest.plan_events
        for run in self.runs.values():
            i = run.intervention
            if i.ended_on is None and i.planned_end_on(self.today) >= self.today:
                pupils = sorted(i.enrolled_on(self.today - timedelta(days=1)), key=str)
                if pupils:
                    result.running.append(
                        RunningIntervention(
                            i.id,
                            i.delivery,
                            pupils,
                            list(i.staff_ids),
                            i.schedule_on(self.today).minutes_per_session,
                        )
                    )

    # -- the setting, its calendar, staff and users ----------------------------

    def _calendar(self) -> SchoolCalendar:
        terms: list[Term] = []
        closures: set[date] = set()
        self.term_dates: dict[int, tuple[list[Term], list[date]]] = {}
        for year in range(self.first_year, self.last_year + 1):
            year_terms = default_terms(year)
            year_closures = set(default_closures(year))
            # INSET days: the first day of the autumn term and four more, as the school chooses.
            year_closures.add(year_terms[0].starts_on)
            for term in year_terms:
                year_closures.add(term.starts_on + timedelta(days=self.rng.choice([0, 1, 7])))
            year_closures.add(year_terms[1].ends_on)
            year_closures = {d for d in year_closures if d.isoweekday() <= 5}
            terms.extend(year_terms)
            closures |= year_closures
            self.term_dates[year] = (year_terms, sorted(year_closures))
        return SchoolCalendar(tuple(terms), frozenset(closures))

    def _setting(self, start: date) -> None:
        setting = Setting.register(urn=self.spec.urn, name=self.spec.name, recorded_by="synthetic")
        self.setting = setting
        self.setting_id = setting.id
        self._set_term_dates(self.first_year)
        self.emit(setting)

    def _set_term_dates(self, year: int) -> None:
        terms, closures = self.term_dates[year]
        self.setting.set_term_dates(
            academic_year=year,
            terms=[
                {
                    "name": t.name,
                    "starts_on": t.starts_on,
                    "ends_on": t.ends_on,
                    "half_term_starts_on": t.half_term_starts_on,
                    "half_term_ends_on": t.half_term_ends_on,
                }
                for t in terms
            ],
            closures=closures,
            recorded_by=self.senco_email,
        )
        self.emit(self.setting)

    def _staff(self, start: date) -> None:
        rng, spec = self.rng, self.spec
        people = [(StaffRole.senco, 1)]
        people += [(StaffRole.teacher, 2 + spec.pupils // 400), (StaffRole.ta, max(3, spec.pupils // 90))]
        people += [(StaffRole.hlta, 1 + spec.pupils // 800)]
        if spec.phase == "secondary":
            people.append((StaffRole.specialist_teacher, 1))
        self.staff: list[StaffMember] = []
        self.trained: dict[str, list[StaffMember]] = {p.name: [] for p in self.programmes}
        for role, count in people:
            for _ in range(count):
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                email = (
                    f"{name.lower().replace(' ', '.').replace(chr(39), '')}.{len(self.staff)}@{self.domain}"
                )
                validated = StaffMember.register(
                    setting_id=self.setting_id,
                    name=name,
                    role=role,
                    email=email,
                    recorded_by=self.senco_email,
                )
                member = _with_id(validated, self.new_id())
                self.emit(member)
                self.staff.append(member)
        self.senco = self.staff[0]
        deliverers = [s for s in self.staff if s.role is not StaffRole.teacher]
        for programme in self.programmes:
            # Usually two or three trained people; sometimes only one (an alert worth seeing).
            for member in rng.sample(deliverers, k=min(len(deliverers), rng.choice([1, 2, 2, 3, 3, 4]))):
                self.trained[programme.name].append(member)
                self._train(member, programme.name, start - timedelta(days=rng.randint(20, 700)))

    def _train(self, member: StaffMember, programme: str, completed: date) -> None:
        """Training in a programme, renewed before it expires three years later."""
        member.record_training(
            programme=programme,
            completed_on=completed,
            expires_on=completed + timedelta(days=3 * 365),
            recorded_by=self.senco_email,
            today=max(completed, self.day),
        )
        self.emit(member)
        renewed = completed + timedelta(days=3 * 365 - self.rng.randint(1, 60))
        self.at(renewed, AFTERNOON, self._train, member, programme, renewed)

    def _users(self) -> None:
        if self.password_hash is None:
            return
        ta = next((s for s in self.staff if s.role is StaffRole.ta), None)
        for local, role, staff in (
            ("senco", Role.senco, None),
            ("teacher", Role.teacher, None),
            ("ta", Role.ta, ta),
            ("head", Role.leader, None),
        ):
            email = f"{local}@{self.domain}"
            user = User.add(
                email=email,
                role=role,
                setting_id=self.setting_id,
                staff_id=staff.id if staff else None,
                password_hash=self.password_hash,
                recorded_by="synthetic",
            )
            self.emit(user)
            self.result.users[role.value] = email

    # -- pupils: joining, moving up, leaving -----------------------------------

    def _first_pupils(self, start: date) -> None:
        per_year = self.spec.pupils // len(self.spec.year_groups)
        for group in self.spec.year_groups:
            for _ in range(per_year):
                self._join(self.first_year - group - 5, start, group)
        self._plan_churn(self.first_year)

    def _class_name(self, group: int, form: str) -> str:
        return f"{'R' if group == 0 else group}{form}"

    def _upn(self, born_year: int) -> str:
        allocated = (born_year + 5) % 100
        serial = self.upn_serials[allocated]
        self.upn_serials[allocated] += 1
        if serial >= 1000:
            raise ValueError(f"more than 1,000 pupils allocated UPNs in one year in {self.spec.name}")
        body = f"{self.spec.la}{self.spec.establishment}{allocated:02d}{serial:03d}"
        return check_letter(body) + body

    def _join(self, born_year: int, day: date, group: int) -> None:
        rng = self.rng
        born = date(born_year, 9, 1) + timedelta(days=rng.randint(0, 364))
        form = "ABCDEFGHJK"[rng.randrange(self.forms)]
        validated = Pupil.register(
            setting_id=self.setting_id,
            upn=self._upn(born_year),
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=born,
            class_name=self._class_name(group, form),
            recorded_by=self.senco_email,
            today=day,
        )
        aggregate = _with_id(validated, self.new_id())
        claim = UpnClaim(setting_id=self.setting_id, upn=aggregate.upn, pupil_id=aggregate.id)
        self.emit(aggregate, claim)
        pupil = _Pupil(aggregate, born_year, form, persistent_absence=rng.random() < 0.05)
        self.pupils.append(pupil)
        self.on_roll[pupil.id] = pupil
        if rng.random() < 0.01:
            self.at(day + timedelta(days=rng.randint(3, 60)), AFTERNOON, self._correct_details, pupil)
        k, e = ARRIVES_WITH[self.spec.phase]
        draw = rng.random()
        if draw < e:
            self._arrives_with_plan(pupil, day)
        elif draw < e + k:
            self._arrives_on_support(pupil, day)

    def _correct_details(self, pupil: _Pupil) -> None:
        if pupil.left:
            return
        day = self.day
        name = pupil.aggregate.family_name
        pupil.aggregate.correct_details(
            changes={"family_name": name + "-" + self.rng.choice(FAMILY)},
            reason="Double-barrelled surname as on the birth certificate",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _term_starts(self, term: Term) -> None:
        year = academic_year_of(term.starts_on)
        if term.name == "autumn" and year > self.first_year:
            self._new_year(term, year)
        rng = self.rng
        # Identification of new needs during the term.
        for pupil in self.on_roll.values():
            if not pupil.on_register and rng.random() < IDENTIFIED_PER_TERM[self.spec.phase]:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(14, 56)))
                self.at(day, MORNING, self._identify, pupil, day)
        # One-page profiles each autumn, standalone assessments each term.
        for pupil in self.on_roll.values():
            if not pupil.on_register:
                continue
            if term.name == "autumn" and rng.random() < 0.8:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(7, 30)))
                self.at(day, AFTERNOON, self._update_profile, pupil, day)
            if rng.random() < 0.5:
                day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(5, 20)))
                self.at(day, AFTERNOON, self._standalone_assessment, pupil, day)
        # This term's interventions.
        day = self.teaching_day_on_or_after(term.starts_on + timedelta(days=rng.randint(7, 12)))
        self.at(day, MORNING, self._form_interventions, day)

    def _new_year(self, term: Term, year: int) -> None:
        first_group = self.spec.year_groups[0]
        moved_on = term.starts_on
        for pupil in self.on_roll.values():
            group = year - pupil.born_year - 5
            pupil.aggregate.move_class(
                class_name=self._class_name(group, pupil.form),
                moved_on=moved_on,
                recorded_by=self.senco_email,
                today=moved_on,
            )
            self.emit(pupil.aggregate)
        per_year = self.spec.pupils // len(self.spec.year_groups)
        for _ in range(per_year):
            self._join(year - first_group - 5, moved_on, first_group)
        self._plan_churn(year)

    def _plan_churn(self, year: int) -> None:
        """A few pupils leave during the year, and others join in their place."""
        rng = self.rng
        terms = [t for t in self.calendar.terms if academic_year_of(t.starts_on) == year]
        leavers = round(self.spec.pupils * LEAVE_DURING_YEAR)
        for _ in range(leavers):
            term = rng.choice(terms)
            day = self.teaching_day_on_or_after(
                term.starts_on + timedelta(days=rng.randint(10, (term.ends_on - term.starts_on).days - 10))
            )
            self.at(day, AFTERNOON, self._churn, day)

    def _churn(self, day: date) -> None:
        rng = self.rng
        year = academic_year_of(day)
        on_roll = list(self.on_roll.values())
        if not on_roll:
            return
        pupil = rng.choice(on_roll)
        group = year - pupil.born_year - 5
        self._leave(pupil, day, rng.choice(["Moved out of the area", "Another school in the LA", "Abroad"]))
        joins = self.teaching_day_on_or_after(day + timedelta(days=rng.randint(1, 20)))
        if academic_year_of(joins) == year:
            self.at(joins, MORNING, self._join, pupil.born_year, joins, group)

    def _summer_ends(self, term: Term) -> None:
        year = academic_year_of(term.starts_on)
        last_group = self.spec.year_groups[-1]
        destination = "Secondary school" if self.spec.phase == "primary" else "Sixth form or college"
        for pupil in list(self.on_roll.values()):
            if year - pupil.born_year - 5 == last_group:
                self._leave(pupil, term.ends_on, destination)
        if year + 1 <= self.last_year:
            self._set_term_dates(year + 1)

    def _leave(self, pupil: _Pupil, day: date, destination: str) -> None:
        for intervention in list(pupil.interventions.values()):
            if intervention.is_enrolled(pupil.id) and intervention.ended_on is None:
                self._withdraw(intervention, pupil, day, "Left the school")
        pupil.interventions.clear()
        if pupil.plan is not None and pupil.plan.is_open:
            self._close_plan(pupil, day, "The pupil left the school")
        pupil.aggregate.leave(left_on=day, destination=destination, recorded_by=self.senco_email, today=day)
        self.emit(pupil.aggregate)
        del self.on_roll[pupil.id]

    # -- the register ---------------------------------------------------------------

    def _need(self, pupil: _Pupil, need: NeedType, rank: int, on: date, today: date) -> None:
        pupil.aggregate.identify_need(
            need_type=need,
            rank=rank,
            identified_on=on,
            description="Identified through assess, plan, do, review",
            recorded_by=self.senco_email,
            today=today,
        )

    def _needs(self, pupil: _Pupil, weights: dict[NeedType, float], on: date, today: date) -> None:
        rng = self.rng
        primary = _weighted(rng, weights)
        if primary is NeedType.NSA:
            return  # identified once the pupil is on SEN support (a census rule)
        self._need(pupil, primary, 1, on, today)
        if rng.random() < 0.3:
            self._need(pupil, rng.choice([n for n in SECOND_NEEDS if n is not primary]), 2, on, today)

    def _status(
        self, pupil: _Pupil, status: SenProvision, on: date, today: date, reason: str, notified: bool = True
    ) -> None:
        pupil.aggregate.change_sen_status(
            status=status,
            effective_on=on,
            parents_notified_on=on if notified else None,
            reason=reason,
            recorded_by=self.senco_email,
            today=today,
        )

    def _arrives_on_support(self, pupil: _Pupil, day: date) -> None:
        earlier = max(
            day - timedelta(days=self.rng.randint(60, 700)), self._born(pupil) + timedelta(days=730)
        )
        self._needs(pupil, NEEDS_ON_SUPPORT[self.spec.phase], min(earlier, day), day)
        self._status(pupil, SenProvision.sen_support, day, day, "On SEN support at the previous school")
        if not pupil.aggregate.needs:
            self._need(pupil, NeedType.NSA, 1, day, day)
        self.emit(pupil.aggregate)
        self._first_plan(pupil, day)

    def _born(self, pupil: _Pupil) -> date:
        return pupil.aggregate.date_of_birth

    def _arrives_with_plan(self, pupil: _Pupil, day: date) -> None:
        rng = self.rng
        aggregate = pupil.aggregate
        requested = max(day - timedelta(days=rng.randint(200, 900)), self._born(pupil) + timedelta(days=800))
        requested = min(requested, day - timedelta(days=150))
        self._needs(pupil, NEEDS_WITH_PLAN, requested - timedelta(days=60), day)
        if not aggregate.needs:
            self._need(pupil, NeedType.ASD, 1, requested - timedelta(days=60), day)
        for milestone, weeks in (
            (EhcpMilestone.requested, 0),
            (EhcpMilestone.decision_to_assess, 6),
            (EhcpMilestone.plan_issued, 20),
        ):
            aggregate.record_ehcp_milestone(
                milestone=milestone,
                reached_on=requested + timedelta(weeks=weeks),
                notes="Recorded from the previous school's file",
                recorded_by=self.senco_email,
                today=day,
            )
        self._status(pupil, SenProvision.ehc_plan, day, day, "Joined with an EHC plan")
        self.emit(aggregate)
        issued = requested + timedelta(weeks=20)
        review = issued + timedelta(days=rng.randint(330, 364))
        while review < day:
            review += timedelta(days=365)
        self.at(self.teaching_day_on_or_after(review), AFTERNOON, self._annual_review, pupil)
        self._first_plan(pupil, day)

    def _identify(self, pupil: _Pupil, day: date) -> None:
        if pupil.left or pupil.on_register:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        if rng.random() < 0.6:
            aggregate.raise_concern(
                raised_on=day - timedelta(days=rng.randint(14, 42)),
                raised_by=rng.choice([ConcernSource.parent, ConcernSource.staff, ConcernSource.staff]),
                raised_by_name=rng.choice(["Class teacher", "Parent", "Form tutor"]),
                concern="Progress well below that of peers despite adapted teaching",
                recorded_by=self.teacher_email,
                today=day,
            )
        # Ending needs on leaving the register leaves none; a pupil identified again starts afresh.
        self._needs(pupil, NEEDS_ON_SUPPORT[self.spec.phase], day, day)
        notified = rng.random() < 0.9
        self._status(
            pupil,
            SenProvision.sen_support,
            day,
            day,
            "Needs support additional to high-quality teaching",
            notified,
        )
        if not aggregate.needs:
            self._need(pupil, NeedType.NSA, 1, day, day)
        self.emit(aggregate)
        if not notified and rng.random() < 0.7:
            self.at(day + timedelta(days=rng.randint(10, 40)), AFTERNOON, self._notify_parents, pupil)
        if rng.random() < 0.35:
            self.at(day + timedelta(days=rng.randint(40, 120)), AFTERNOON, self._advice, pupil)
        self._update_profile(pupil, day)
        self._first_plan(pupil, day)

    def _notify_parents(self, pupil: _Pupil) -> None:
        if pupil.left or not pupil.on_register or pupil.aggregate.parents_notified_on is not None:
            return
        day = self.day
        if pupil.aggregate.sen_status_since and day < pupil.aggregate.sen_status_since:
            return
        pupil.aggregate.notify_parents(
            notified_on=day, how="Letter and meeting", recorded_by=self.senco_email, today=day
        )
        self.emit(pupil.aggregate)

    def _advice(self, pupil: _Pupil) -> None:
        if pupil.left or not pupil.on_register:
            return
        day = self.day
        pupil.aggregate.receive_advice(
            source=self.rng.choice(ADVICE),
            received_on=day,
            author="Visiting professional",
            summary="Assessment in school, with recommendations for the plan",
            recommendations=["Pre-teach key vocabulary", "Short, chunked instructions with visual support"],
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _update_profile(self, pupil: _Pupil, day: date) -> None:
        if pupil.left:
            return
        pupil.aggregate.update_profile(
            sections={
                "like_and_admire": "Kind, funny and a brilliant builder",
                "important_to_me": "My family and my friends",
                "likes": self.rng.choice(["Football", "Drawing", "Minecraft", "Dancing", "Animals"]),
                "dislikes": "Loud rooms",
                "finds_hard": "Reading long texts",
                "what_helps": "Being told what is coming next",
                "what_does_not_help": "Being rushed",
                "aspirations": self.rng.choice(
                    ["To be a vet", "To be a footballer", "To work with computers"]
                ),
                "teacher_needs_to_know": "I go quiet when I am worried",
            },
            updated_on=day,
            replace=True,
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    def _standalone_assessment(self, pupil: _Pupil, day: date) -> None:
        if pupil.left:
            return
        age_months = (day - self._born(pupil)).days // 30
        self._assess(
            pupil,
            day,
            "Single word reading test",
            "reading age",
            Scale.age_equivalent_months,
            Decimal(max(36, age_months - self.rng.randint(6, 36))),
            AssessmentKind.standalone,
            None,
        )

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
    ) -> UUID:
        # The same assessment recorded twice is recorded once: use the id it answers.
        assessment_id = pupil.aggregate.record_assessment(
            assessment_id=self.new_id(),
            instrument=instrument,
            measure=measure,
            scale=scale,
            value=value,
            assessed_on=day,
            kind=kind,
            intervention_id=intervention_id,
            notes="",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)
        if self.rng.random() < 0.01:
            self.at(day + timedelta(days=self.rng.randint(1, 10)), AFTERNOON, self._correct_assessment, pupil,
                    assessment_id, value)  # fmt: skip
        return assessment_id

    def _correct_assessment(self, pupil: _Pupil, assessment_id: UUID, value: Decimal) -> None:
        day = self.day
        scale = pupil.aggregate.assessments[assessment_id]["scale"]
        corrected = value + 1 if scale is not Scale.percent or value < 100 else value - 1
        pupil.aggregate.correct_assessment(
            assessment_id=assessment_id,
            value=corrected,
            assessed_on=None,
            reason="Mis-scored: recounted from the test booklet",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(pupil.aggregate)

    # -- the statutory EHC process --------------------------------------------------

    def _request_ehcp(self, pupil: _Pupil, day: date) -> None:
        rng = self.rng
        aggregate = pupil.aggregate
        last = aggregate.ehcp[-1]["milestone"] if aggregate.ehcp else None
        if last not in (None, EhcpMilestone.decided_not_to_assess, EhcpMilestone.decided_not_to_issue):
            return
        pupil.ehcp_pending = True
        self._milestone(pupil, EhcpMilestone.requested, day)
        decided = day + timedelta(weeks=rng.choice([4, 5, 6, 6, 7]))
        if rng.random() < 0.12:
            self.at(decided, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decided_not_to_assess, decided)
            return
        self.at(decided, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decision_to_assess, decided)
        issued = day + timedelta(weeks=rng.choice([16, 18, 19, 20, 20, 22, 26, 30]))
        if rng.random() < 0.08:
            self.at(issued, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.decided_not_to_issue, issued)
        else:
            self.at(issued, AFTERNOON, self._ehcp_step, pupil, EhcpMilestone.plan_issued, issued)

    def _milestone(self, pupil: _Pupil, milestone: EhcpMilestone, day: date) -> None:
        pupil.aggregate.record_ehcp_milestone(
            milestone=milestone, reached_on=day, notes="", recorded_by=self.senco_email, today=day
        )
        self.emit(pupil.aggregate)

    def _ehcp_step(self, pupil: _Pupil, milestone: EhcpMilestone, day: date) -> None:
        if pupil.left:
            return
        self._milestone(pupil, milestone, day)
        if milestone in (EhcpMilestone.decided_not_to_assess, EhcpMilestone.decided_not_to_issue):
            pupil.ehcp_pending = False
        if milestone is EhcpMilestone.plan_issued:
            pupil.ehcp_pending = False
            aggregate = pupil.aggregate
            if any(n["need_type"] is NeedType.NSA for n in aggregate.needs.values()):
                aggregate.end_need(
                    need_type=NeedType.NSA,
                    ended_on=day,
                    reason="Specialist assessment completed",
                    recorded_by=self.senco_email,
                    today=day,
                )
                current = {n["need_type"] for n in aggregate.needs.values()}
                need = _weighted(self.rng, {n: w for n, w in NEEDS_WITH_PLAN.items() if n not in current})
                self._need(pupil, need, 1 if not aggregate.needs else 2, day, day)
            if aggregate.sen_status is not SenProvision.ehc_plan:
                self._status(pupil, SenProvision.ehc_plan, day, day, "EHC plan issued")
            self.emit(aggregate)
            review = self.teaching_day_on_or_after(day + timedelta(days=self.rng.randint(320, 360)))
            self.at(review, AFTERNOON, self._annual_review, pupil)

    def _annual_review(self, pupil: _Pupil) -> None:
        if pupil.left or pupil.aggregate.sen_status is not SenProvision.ehc_plan:
            return
        day = self.day
        self._milestone(pupil, EhcpMilestone.annual_review, day)
        pupil.aggregate.share_information(
            shared_on=day,
            shared_with="Local authority SEN team",
            purpose="EHC plan annual review",
            lawful_basis=LawfulBasis.public_task,
            what="Annual review report and advice",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(pupil.aggregate)
        if self.rng.random() < 0.5:
            self.at(day + timedelta(days=self.rng.randint(7, 40)), AFTERNOON, self._advice, pupil)
        late = self.rng.random() < 0.1
        review = day + timedelta(days=self.rng.randint(370, 420) if late else self.rng.randint(330, 362))
        self.at(self.teaching_day_on_or_after(review), AFTERNOON, self._annual_review, pupil)

    # -- support plans -------------------------------------------------------------

    def _review_date(self, day: date) -> date:
        """The plan's review: near the end of the term that ``day`` falls in (or the next, if too near)."""
        term = self.term_of(day) or self.term_after(day)
        if term is None:
            return day + timedelta(weeks=12)
        if (term.ends_on - day).days < 28:
            following = self.term_after(term.ends_on)
            if following is None:
                return term.ends_on + timedelta(weeks=8)
            term = following
        return term.ends_on - timedelta(days=self.rng.randint(3, 14))

    def _first_plan(self, pupil: _Pupil, day: date) -> None:
        start = self.teaching_day_on_or_after(day + timedelta(days=self.rng.randint(3, 12)))
        self.at(start, MORNING, self._draft_plan, pupil, start)

    def _draft_plan(self, pupil: _Pupil, day: date) -> None:
        if pupil.left or not pupil.on_register:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        area = self._area(pupil)
        outcomes = rng.sample(OUTCOMES[area], k=min(len(OUTCOMES[area]), rng.choice([2, 2, 3])))
        review_due_on = self._review_date(day)
        plan_id = self.new_id()
        follows = aggregate.start_plan(plan_id=plan_id, starts_on=day, recorded_by=self.teacher_email)
        plan = SupportPlan.draft(
            plan_id=plan_id,
            pupil_id=aggregate.id,
            setting_id=self.setting_id,
            starts_on=day,
            review_due_on=review_due_on,
            outcomes=[{"description": d, "measure": m, "target": t} for d, m, t in outcomes],
            strategies=[
                {
                    "code": rng.choice(self._codes(area)),
                    "description": "Targeted strategy from the LA guidance",
                },
                {"code": None, "description": "Visual timetable and pre-teaching of vocabulary"},
            ],
            expected_impact="Closes the gap with peers on the plan's outcomes by the review",
            pupil_views="I want to do more by myself.",
            parent_views="We practise at home most evenings.",
            home_actions="Ten minutes of shared practice each evening",
            follows_plan_id=follows,
            recorded_by=self.teacher_email,
        )
        previous = pupil.plan
        if previous is not None and previous.is_open:
            previous.close(
                closed_on=day, reason="followed by the next plan", recorded_by=self.teacher_email, today=day
            )
        self.emit(aggregate, plan, *([previous] if previous is not None else []))
        pupil.plan = plan
        pupil.plan_events += 2
        if rng.random() < 0.9:
            agreed = day + timedelta(days=rng.randint(2, 15))
            if agreed < review_due_on:
                self.at(agreed, AFTERNOON, self._agree_plan, pupil, plan)
        if rng.random() < 0.05:
            moved = review_due_on + timedelta(days=rng.choice([-7, 7, 14]))
            if moved > day:
                plan.move_review(
                    review_due_on=moved, reason="Parents' evening clash", recorded_by=self.senco_email
                )
                self.emit(plan)
                review_due_on = moved
        if rng.random() < 0.08:
            self.at(day + timedelta(days=rng.randint(14, 40)), AFTERNOON, self._add_to_plan, pupil, plan)
        # Most reviews happen on time; a few late (the overdue-review alert), a few never.
        late = rng.random()
        reviewed_on = review_due_on + timedelta(days=0 if late < 0.9 else rng.randint(7, 28))
        if late < 0.98:
            self.at(reviewed_on, AFTERNOON, self._review_plan, pupil, plan, reviewed_on)

    def _area(self, pupil: _Pupil) -> AreaOfNeed:
        need = pupil.aggregate.needs.get(1)
        return (need and need["need_type"].area) or AreaOfNeed.cognition_learning

    def _codes(self, area: AreaOfNeed) -> list[str]:
        return [c for p in self.programmes if p.area is area for c in p.codes] or ["CL1"]

    def _agree_plan(self, pupil: _Pupil, plan: SupportPlan) -> None:
        if not plan.is_open or plan.agreed_on is not None:
            return
        day = self.day
        plan.agree_with_parents(
            agreed_on=day,
            agreed_with="Parent",
            notes="Agreed at a meeting",
            recorded_by=self.teacher_email,
            today=day,
        )
        self.emit(plan)
        pupil.plan_events += 1

    def _add_to_plan(self, pupil: _Pupil, plan: SupportPlan) -> None:
        if not plan.is_open:
            return
        if self.rng.random() < 0.5:
            plan.add_strategy(
                strategy={"code": None, "description": "Movement breaks between tasks"},
                recorded_by=self.teacher_email,
            )
        else:
            plan.add_outcome(
                outcome={"description": "Joins in at playtime", "measure": "days a week", "target": "4"},
                reason="Raised by parents at the plan meeting",
                recorded_by=self.teacher_email,
            )
        self.emit(plan)
        pupil.plan_events += 1

    def _review_plan(self, pupil: _Pupil, plan: SupportPlan, day: date) -> None:
        if pupil.left or not plan.is_open or pupil.plan is not plan:
            return
        rng = self.rng
        aggregate = pupil.aggregate
        ratings = [
            rng.choices([Rating.not_met, Rating.partly_met, Rating.met, Rating.exceeded], [20, 40, 32, 8])[0]
            for _ in plan.outcomes
        ]
        terms_on_register = len(aggregate.plan_ids)
        draw = rng.random()
        if (
            aggregate.sen_status is SenProvision.sen_support
            and terms_on_register >= 2
            and draw < LEAVES_REGISTER_PER_REVIEW
        ):
            decision = Decision.end_support
        elif (
            aggregate.sen_status is SenProvision.sen_support
            and not pupil.ehcp_pending
            and terms_on_register >= 3
            and draw > 1 - EHCP_REQUEST_PER_REVIEW
        ):
            decision = Decision.request_ehcp
        else:
            decision = Decision.continue_ if Rating.not_met not in ratings else Decision.adjust
        following = self.term_after(day)
        next_start = (
            self.teaching_day_on_or_after(following.starts_on + timedelta(days=rng.randint(3, 10)))
            if following
            else day + timedelta(weeks=3)
        )
        next_review = self._review_date(next_start) if decision is not Decision.end_support else None
        plan.review(
            reviewed_on=day,
            outcomes=[
                {"outcome_id": o, "rating": r, "evidence": "Tracked in the intervention log"}
                for o, r in zip(plan.outcomes, ratings, strict=True)
            ],
            tried="Small-group intervention and the strategies in the plan",
            learned="Short, frequent practice works best",
            pleased="Growing confidence",
            concerned="Still finds unstructured times hard" if Rating.not_met in ratings else "",
            pupil_views="It is getting easier",
            parent_views="We see progress at home",
            decision=decision,
            next_review_due_on=next_review,
            recorded_by=self.teacher_email,
            today=day,
        )
        pupil.plan_events += 1
        if not plan.is_open:
            aggregate.plan_closed(plan.id)
            self.emit(plan, aggregate)
            pupil.plan_events += 1
            self._off_register(pupil, day)
            return
        self.emit(plan)
        if decision is Decision.request_ehcp:
            self.at(day + timedelta(days=rng.randint(7, 21)), AFTERNOON, self._start_ehcp_request, pupil)
        self.at(next_start, MORNING, self._draft_plan, pupil, next_start)

    def _start_ehcp_request(self, pupil: _Pupil) -> None:
        if not pupil.left:
            self._request_ehcp(pupil, self.day)

    def _off_register(self, pupil: _Pupil, day: date) -> None:
        aggregate = pupil.aggregate
        for rank in (2, 1):
            if rank in aggregate.needs:
                aggregate.end_need(
                    need_type=aggregate.needs[rank]["need_type"],
                    ended_on=day,
                    reason="Making good progress without additional support",
                    recorded_by=self.senco_email,
                    today=day,
                )
        self._status(pupil, SenProvision.no_sen, day, day, "No longer needs SEN support")
        self.emit(aggregate)

    def _close_plan(self, pupil: _Pupil, day: date, reason: str) -> None:
        plan = pupil.plan
        assert plan is not None
        plan.close(closed_on=day, reason=reason, recorded_by=self.senco_email, today=day)
        pupil.aggregate.plan_closed(plan.id)
        self.emit(plan, pupil.aggregate)
        pupil.plan_events += 2

    # -- interventions ----------------------------------------------------------------

    def _programme_for(self, pupil: _Pupil) -> Programme:
        needs = [n["need_type"] for _, n in sorted(pupil.aggregate.needs.items())] or [NeedType.NSA]
        suited = [p for p in self.programmes if needs[0] in p.needs]
        if not suited or self.rng.random() < 0.2:
            suited = [p for p in self.programmes if any(n in p.needs for n in needs)] or list(self.programmes)
        return self.rng.choice(suited)

    def _band(self, pupil: _Pupil, year: int) -> str:
        group = year - pupil.born_year - 5
        if self.spec.phase == "primary":
            return "KS1" if group <= 2 else "KS2"
        return "KS3" if group <= 9 else "KS4"

    def _form_interventions(self, day: date) -> None:
        rng = self.rng
        year = academic_year_of(day)
        buckets: dict[tuple[str, str], list[_Pupil]] = {}
        for pupil in self.on_roll.values():
            if not pupil.on_register or pupil.plan is None or not pupil.plan.is_open:
                continue
            ehcp = pupil.aggregate.sen_status is SenProvision.ehc_plan
            places = sum(1 for i in pupil.interventions.values() if i.ended_on is None)
            wanted = (1 if rng.random() < 0.6 else 0) + (1 if ehcp and rng.random() < 0.6 else 0)
            for _ in range(max(0, min(wanted, 2 - places))):
                programme = self._programme_for(pupil)
                if any(
                    i.programme == programme.name and i.ended_on is None for i in pupil.interventions.values()
                ):
                    continue
                group = buckets.setdefault((programme.name, self._band(pupil, year)), [])
                if pupil not in group:
                    group.append(pupil)
        by_name = {p.name: p for p in self.programmes}
        for (name, band), pupils in sorted(buckets.items()):
            programme = by_name[name]
            size = programme.group
            for n in range(math.ceil(len(pupils) / size)):
                self._run_intervention(programme, band, n + 1, pupils[n * size : (n + 1) * size], day)

    def _run_intervention(
        self, programme: Programme, band: str, n: int, pupils: list[_Pupil], day: date
    ) -> None:
        rng = self.rng
        per_week = rng.randint(*programme.per_week)
        weekdays = {
            3: rng.choice([["mon", "wed", "fri"], ["tue", "wed", "thu"], ["mon", "tue", "thu"]]),
            4: ["mon", "tue", "wed", "thu"],
            5: ["mon", "tue", "wed", "thu", "fri"],
        }[per_week]
        minutes = rng.randrange(programme.minutes[0], programme.minutes[1] + 1, 5)
        weeks = rng.randint(*programme.weeks)
        review_due_on = day + timedelta(weeks=6 if weeks >= 12 else weeks)
        staff = self.trained[programme.name] or [self.senco]
        staff = rng.sample(staff, k=min(len(staff), rng.choice([1, 2])))
        ratio = "1:1" if programme.delivery is Delivery.individual else f"1:{programme.group}"
        validated = Intervention.plan(
            setting_id=self.setting_id,
            name=f"{programme.name}: {band} group {n}",
            programme=programme.name,
            area_of_need=programme.area,
            strategy_codes=list(programme.codes),
            aim=programme.aim,
            delivery=programme.delivery,
            ratio=ratio,
            location=rng.choice(LOCATIONS),
            weekdays=[Weekday(d) for d in weekdays],
            minutes_per_session=minutes,
            withdrawn_from=rng.choice(programme.withdrawn_from),
            starts_on=day,
            planned_weeks=weeks,
            review_due_on=review_due_on,
            cost_per_year=Decimal(round(programme.cost * rng.uniform(0.8, 1.2))).quantize(Decimal("0.01")),
            staff_ids=[s.id for s in staff],
            recorded_by=self.senco_email,
        )
        intervention = _with_id(validated, self.new_id())
        self.emit(intervention)
        run = _Run(intervention, programme, pupils)
        self.runs[intervention.id] = run
        self.result.interventions += 1
        for pupil in pupils:
            # The service layer's checks: on roll, and the plan is one of the pupil's.
            assert not pupil.left and pupil.plan is not None and pupil.plan.id in pupil.aggregate.plan_ids
            intervention.enrol(
                pupil_id=pupil.id, starts_on=day, plan_id=pupil.plan.id, recorded_by=self.senco_email
            )
            self.emit(intervention)
            pupil.interventions[intervention.id] = intervention
            run.baselines[pupil.id] = self._baseline_value(programme.measure, pupil, day)
            self._assess(
                pupil,
                day,
                programme.measure.instrument,
                programme.measure.measure,
                programme.measure.scale,
                run.baselines[pupil.id],
                AssessmentKind.baseline,
                intervention.id,
            )
            if rng.random() < 0.06:
                withdrawn = day + timedelta(days=rng.randint(7, weeks * 7 - 7))
                self.at(withdrawn, AFTERNOON, self._withdraw_during_run, run, pupil, withdrawn)
        last = day + timedelta(weeks=weeks, days=-1)
        days = self.calendar.scheduled_days([Weekday(d).iso for d in weekdays], day, last)
        for session_day in days:
            self.at(session_day, SESSIONS, self._session, run, session_day)
        if days and rng.random() < 0.6:
            observed = days[min(len(days) - 1, rng.randint(6, 15))]
            self.at(observed, AFTERNOON, self._observe, run, observed)
        if weeks >= 12:
            self.at(review_due_on, AFTERNOON, self._mid_review, run, review_due_on, last)
        final = days[-1] if days else last
        if rng.random() < 0.05:
            final += timedelta(days=rng.randint(7, 21))  # reviewed late
        self.at(final, AFTERNOON, self._final_review, run, final)

    def _baseline_value(self, measure: Measure, pupil: _Pupil, day: date) -> Decimal:
        if measure.relative_to_age:
            age_months = (day - self._born(pupil)).days // 30
            value = age_months + self.rng.randint(int(measure.low), int(measure.high))
            return Decimal(max(24, min(value, 290)))
        return Decimal(self.rng.randint(int(measure.low), int(measure.high)))

    def _later_value(self, measure: Measure, baseline: Decimal, weeks: float) -> Decimal:
        gain = measure.gain_per_week * weeks * self.rng.uniform(-0.2, 1.8)
        value = baseline + Decimal(round(gain))
        if measure.scale is Scale.percent:
            value = min(value, Decimal(100))
        if measure.scale is Scale.standard_score:
            value = min(max(value, Decimal(40)), Decimal(160))
        return max(value, Decimal(0))

    def _session(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        rng = self.rng
        enrolled = intervention.enrolled_on(day)
        if not enrolled:
            return
        if rng.random() < 0.07:
            intervention.record_missed_session(
                scheduled_on=day,
                reason=rng.choice(
                    [
                        MissedReason.staff_absence,
                        MissedReason.staff_redeployed,
                        MissedReason.school_event,
                        MissedReason.room_unavailable,
                    ]
                ),
                notes="",
                calendar=self.calendar,
                recorded_by=self.senco_email,
                today=day,
            )
            self.emit(intervention)
            return
        pupils = [p for p in run.pupils if p.id in enrolled]
        sittings = [[p] for p in pupils] if intervention.delivery is Delivery.individual else [pupils]
        staff_ids = intervention.staff_ids
        for sitting in sittings:
            attendance = []
            for pupil in sitting:
                draw = rng.random() - (0.35 if pupil.persistent_absence else 0.07)
                status = MARKS[0 if draw >= 0.07 else 2 if draw >= 0.03 else 3 if draw >= 0 else 1]
                attendance.append({"pupil_id": pupil.id, "status": status})
                pupil.marks += 1
            delivered_by = (
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.92 else rng.choice(self.staff).id
            )
            session_id = self.new_id()
            intervention.record_session(
                session_id=session_id,
                delivered_on=day,
                minutes=intervention.schedule_on(day).minutes_per_session - rng.choice([0, 0, 0, 0, 5]),
                delivered_by=delivered_by,
                focus=rng.choice(FOCUS),
                notes="" if rng.random() < 0.8 else "Worked well; ready to move on",
                attendance=attendance,
                calendar=self.calendar,
                recorded_by=self.senco_email,
                today=day,
            )
            run.sessions.append(session_id)
            self.result.sessions += 1
            draw = rng.random()
            if draw < 0.004:
                self.at(day + timedelta(days=1), AFTERNOON, self._correct_session, run, session_id)
            elif draw < 0.006:
                self.at(day + timedelta(days=1), AFTERNOON, self._void_session, run, session_id)
        self.emit(intervention)

    def _correct_session(self, run: _Run, session_id: UUID) -> None:
        intervention = run.intervention
        session = intervention.sessions[session_id]
        if session["voided"]:
            return
        day = self.day
        minutes = session["details"][0]
        intervention.correct_session(
            session_id=session_id,
            changes={"minutes": minutes - 5 if minutes > 10 else minutes + 5},
            reason="Session cut short by a fire drill",
            calendar=self.calendar,
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)

    def _void_session(self, run: _Run, session_id: UUID) -> None:
        intervention = run.intervention
        if intervention.sessions[session_id]["voided"]:
            return
        intervention.void_session(
            session_id=session_id, reason="Recorded against the wrong group", recorded_by=self.senco_email
        )
        self.emit(intervention)

    def _observe(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        rng = self.rng
        intervention.observe_delivery(
            observed_on=day,
            observer=f"{self.senco.name} (SENCO)",
            fidelity=rng.choices([1, 2, 3, 4], [5, 20, 45, 30])[0],
            notes="Resources ready; pace good",
            actions="Share the tracking sheet with class teachers",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)

    def _withdraw(self, intervention: Intervention, pupil: _Pupil, day: date, reason: str) -> None:
        intervention.withdraw(
            pupil_id=pupil.id, withdrawn_on=day, reason=reason, recorded_by=self.senco_email, today=day
        )
        self.emit(intervention)
        pupil.interventions.pop(intervention.id, None)

    def _withdraw_during_run(self, run: _Run, pupil: _Pupil, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None or not intervention.is_enrolled(pupil.id):
            return
        self._withdraw(
            intervention, pupil, day, self.rng.choice(["Needs met another way", "Timetable clash"])
        )
        if not any(intervention.is_enrolled(p.id) for p in run.pupils):
            intervention.end(
                ended_on=day, reason="No pupils left in the group", recorded_by=self.senco_email, today=day
            )
            self.emit(intervention)

    def _mid_review(self, run: _Run, day: date, last: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        weeks = (day - intervention.starts_on).days / 7
        for pupil in run.pupils:
            if intervention.is_enrolled(pupil.id) and self.rng.random() < 0.5:
                measure = run.programme.measure
                self._assess(
                    pupil,
                    day,
                    measure.instrument,
                    measure.measure,
                    measure.scale,
                    self._later_value(measure, run.baselines[pupil.id], weeks),
                    AssessmentKind.interim,
                    intervention.id,
                )
        intervention.review(
            reviewed_on=day,
            summary="Half way: attendance good, early gains on the measure",
            decision=InterventionDecision.continue_,
            next_review_due_on=max(last, day + timedelta(days=7)),
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)

    def _final_review(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        weeks = (day - intervention.starts_on).days / 7
        measure = run.programme.measure
        for pupil in run.pupils:
            if intervention.is_enrolled(pupil.id) and not pupil.left:
                self._assess(
                    pupil,
                    day,
                    measure.instrument,
                    measure.measure,
                    measure.scale,
                    self._later_value(measure, run.baselines[pupil.id], weeks),
                    AssessmentKind.exit,
                    intervention.id,
                )
        intervention.review(
            reviewed_on=day,
            summary="Completed its planned weeks; exit assessments recorded",
            decision=InterventionDecision.end,
            next_review_due_on=None,
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)
        for pupil in run.pupils:
            pupil.interventions.pop(intervention.id, None)
