"""What every command shares: who is asking, loading only what they may see,
and the one way a command runs (load, change, save, again on a concurrent write)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from argon2 import PasswordHasher
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError

from apdr.aggregates import (
    Alert,
    EvidencePack,
    InformationRequest,
    Intervention,
    Pupil,
    Setting,
    StaffMember,
    SupportPlan,
    User,
)
from apdr.aggregates.codes import Role
from apdr.aggregates.school_year import SchoolCalendar, academic_year_of, calendar_for
from apdr.application.cached import CachedCopies
from apdr.config import Config
from apdr.errors import ApdrError, Conflict, Forbidden, InvalidInput, NotFound
from apdr.persistence import Insert, event_store_env, register_transcodings

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")


class _Attempt:
    """One attempt of a command, and how it knows its cached copies are current
    (``CachedCopies``): it looks at the log's end as it loads its first aggregate, or,
    if it ``may_trust`` them, it takes them as current at ``trusted_end``, which its
    insert checks."""

    def __init__(self, may_trust: bool, looked: bool) -> None:
        self.may_trust = may_trust
        self.looked = looked  # at the log's end, as it loaded its first aggregate (or just before it ran)
        self.trusted_end: int | None = None


_attempt: ContextVar[_Attempt | None] = ContextVar("attempt", default=None)
"""The attempt of the command running in this context, if one is."""

ATTEMPTS = 3
"""How many times a command runs while others keep changing what it changes."""

LABELS = {
    Pupil: "pupil",
    SupportPlan: "plan",
    Intervention: "intervention",
    StaffMember: "member of staff",
    Setting: "setting",
    User: "user",
    Alert: "alert",
    InformationRequest: "information request",
    EvidencePack: "evidence pack",
}


def _setting_of(aggregate: Any) -> UUID:
    """A setting is its own tenancy; every other aggregate names its setting."""
    return aggregate.id if isinstance(aggregate, Setting) else aggregate.setting_id


def changed_meanwhile(cls: type[Aggregate]) -> str:
    """What a command says when others kept changing its aggregate."""
    return f"the {LABELS.get(cls, 'record')} was changed by someone else at the same time; try again"


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user, or the command line acting as the system."""

    email: str
    role: Role
    setting_id: UUID | None
    staff_id: UUID | None = None
    user_id: UUID | None = None
    pupils_in_reach: frozenset[UUID] | None = None
    """For a teaching assistant, the pupils of the interventions they are assigned
    to (worked out by the API for the routes that read pupils; None: not worked out)."""
    admin_of: frozenset[UUID] = frozenset()
    all_settings: bool = False
    """An admin's scope: the settings they manage, or every setting."""

    @classmethod
    def system(cls, name: str = "apdr") -> Actor:
        """The command line: an admin of every setting, as whoever runs it on the server is."""
        return cls(email=name, role=Role.admin, setting_id=None, all_settings=True)

    @classmethod
    def of(cls, user: User) -> Actor:
        """The signed-in user: email, role, setting, staff id and user id, and their admin scope."""
        return cls(
            user.email,
            user.role,
            user.setting_id,
            user.staff_id,
            user.id,
            admin_of=user.admin_of,
            all_settings=user.all_settings,
        )

    @property
    def is_system(self) -> bool:
        return self.user_id is None and self.role is Role.admin

    def administers(self, setting_id: UUID) -> bool:
        return self.role is Role.admin and (self.all_settings or setting_id in self.admin_of)


class ApplicationCore(Application):
    """The eventsourcing application under every area's commands."""

    def __init__(self, settings: Config | None = None, env: dict[str, str] | None = None) -> None:
        self.settings = settings or Config()
        super().__init__(env={**event_store_env(self.settings), **(env or {})})
        self.passwords = PasswordHasher(
            time_cost=self.settings.password_hash_iterations,
            memory_cost=self.settings.password_hash_memory_kib,
        )
        self._calendars: dict[tuple[UUID, int, int], SchoolCalendar] = {}
        self._copies = CachedCopies(self.recorder)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # -- loading --------------------------------------------------------------

    def _get(self, cls: type[A], aggregate_id: UUID, actor: Actor) -> A:
        """The aggregate, if it is a ``cls`` in the actor's setting; otherwise it
        is not there, as far as this actor may know."""
        label = LABELS.get(cls, cls.__name__.lower())
        found = self._find(aggregate_id)
        if not isinstance(found, cls):
            raise NotFound(f"there is no {label} {aggregate_id}")
        if actor.setting_id is not None and _setting_of(found) != actor.setting_id:
            raise NotFound(f"there is no {label} {aggregate_id}")
        if actor.role is Role.ta:
            self._within_reach(actor, found)
        return found

    @staticmethod
    def _within_reach(actor: Actor, aggregate: Aggregate) -> None:
        """A teaching assistant works on the interventions they are assigned to, and
        reads the records and plans of those interventions' pupils, nothing else."""
        if isinstance(aggregate, Intervention):
            if actor.staff_id is None or actor.staff_id not in aggregate.staff_ids:
                raise Forbidden("you are not assigned to this intervention")
        elif isinstance(aggregate, Pupil | SupportPlan):
            pupil_id = aggregate.id if isinstance(aggregate, Pupil) else aggregate.pupil_id
            if actor.pupils_in_reach is None or pupil_id not in actor.pupils_in_reach:
                raise Forbidden("this pupil is in none of the interventions you are assigned to")

    def _find(self, aggregate_id: UUID) -> Any | None:
        """The aggregate as recorded; in a command, its cached copy as it is when
        nothing newer of it has been recorded (``CachedCopies``)."""
        cache, attempt = self.repository.cache, _attempt.get()
        if cache is not None and attempt is not None:
            if not attempt.looked and attempt.trusted_end is None:  # once, as it loads its first aggregate
                if attempt.may_trust and self._copies.seen is not None:
                    attempt.trusted_end = self._copies.seen
                else:
                    self._copies.look()
                    attempt.looked = True
            if self._copies.current(aggregate_id):
                try:
                    found = cache.get(aggregate_id)
                except KeyError:
                    pass
                else:  # a copy, as the library hands out: a command that fails leaves the cache as it was
                    return deepcopy(found) if self.repository.deepcopy_from_cache else found
            self._copies.checking(aggregate_id)
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    # -- running a command ----------------------------------------------------

    def _run(self, attempt: Callable[[], tuple[R, Iterable[Aggregate]]], *, conflict: str) -> R:
        """Run a command, the one way every command runs. ``attempt`` loads what
        the command changes, asks it to change (the aggregates check the command)
        and answers the command's result and the aggregates it changed, whose new
        events are then saved in one transaction, or none. If someone else saved
        a change to any of them in the meantime, the whole attempt runs again on
        fresh copies: each change is checked afresh against what is now recorded,
        so nothing is lost or forced. After ``ATTEMPTS``, a Conflict saying ``conflict``.

        Only the first attempt may trust its cached copies without looking (``_find``).
        If it is refused, or has nothing to record, or finds at its insert that others
        recorded meanwhile, it runs again after looking (its answer may have come from
        copies older than the log), and is not counted among the ``ATTEMPTS``."""
        attempts, may_trust, looked = 0, True, False
        while attempts < ATTEMPTS:
            trial = _Attempt(may_trust, looked)
            may_trust = looked = False
            running = _attempt.set(trial)
            try:
                result, changed = attempt()
            except ApdrError:
                if looked := self._copies.moved_on(trial.trusted_end):
                    continue  # the look just made stands for the next attempt's
                raise
            finally:
                _attempt.reset(running)
                attempts += trial.trusted_end is None
            changed = list(changed)
            if not any(a.pending_events for a in changed) and (
                looked := self._copies.moved_on(trial.trusted_end)
            ):
                continue
            try:
                self._store(*changed, expected_end=trial.trusted_end)
            except RecordConflictError:
                self._copies.conflicted(a.id for a in changed)
                continue
            return result
        raise Conflict(conflict)

    def _update(self, cls: type[A], aggregate_id: UUID, actor: Actor, change: Callable[[A], R]) -> R:
        """A command on one aggregate: load it, ``change`` it, save it (see ``_run``)."""

        def attempt() -> tuple[R, list[A]]:
            aggregate = self._get(cls, aggregate_id, actor)
            return change(aggregate), [aggregate]

        return self._run(attempt, conflict=changed_meanwhile(cls))

    def _add(self, make: Callable[[], Aggregate], *, conflict: str) -> UUID:
        """A command that makes one new aggregate: ``make`` it, save it, answer its
        id (see ``_run``)."""

        def attempt() -> tuple[UUID, list[Aggregate]]:
            made = make()
            return made.id, [made]

        return self._run(attempt, conflict=conflict)

    def _store(
        self,
        *aggregates: Aggregate,
        inline: bool = True,
        expected_end: int | None = None,
        cached: bool = True,
    ) -> None:
        """Save every new event of every aggregate in one transaction, or none:
        RecordConflictError if one of them was changed since it was loaded, or
        (``LogMovedOn``) if the log no longer ends at ``expected_end``, where given.
        ``inline=False`` leaves the read models to catch up after (a bulk write);
        ``cached=False`` keeps the aggregates out of the cache (they will not change again)."""
        if not any(a.pending_events for a in aggregates):
            return
        insert = Insert(expected_end)
        recordings = self.save(*aggregates, inline=inline, insert=insert)
        kept = aggregates if cached and self.repository.cache is not None else ()
        for aggregate in kept:
            # Kept, so the next command on it does not read back and replay the events it has just written.
            self.repository.cache.put(aggregate.id, aggregate)  # type: ignore[union-attr]
        ids = sorted(r.notification.id for r in recordings)
        self._copies.saved((a.id for a in kept), ids, insert.previous)

    # -- what every area reads --------------------------------------------------

    def pupil(self, actor: Actor, pupil_id: UUID) -> Pupil:
        return self._get(Pupil, pupil_id, actor)

    def plan(self, actor: Actor, plan_id: UUID) -> SupportPlan:
        return self._get(SupportPlan, plan_id, actor)

    def intervention(self, actor: Actor, intervention_id: UUID) -> Intervention:
        return self._get(Intervention, intervention_id, actor)

    def staff_member(self, actor: Actor, staff_id: UUID) -> StaffMember:
        return self._get(StaffMember, staff_id, actor)

    def alert(self, actor: Actor, alert_id: UUID) -> Alert:
        return self._get(Alert, alert_id, actor)

    def setting_id_of(self, actor: Actor) -> UUID:
        """The actor's setting; an admin has none, and holds no pupil data."""
        if actor.setting_id is None:
            raise Forbidden("this needs a user of a setting; an admin holds no pupil data")
        return actor.setting_id

    def setting(self, setting_id: UUID) -> Setting:
        return self._get(Setting, setting_id, Actor.system())

    def calendar(self, setting_id: UUID, first: date, last: date) -> SchoolCalendar:
        """The setting's calendar from ``first`` to ``last``; the default where it has none."""
        setting = self.setting(setting_id)
        return calendar_for(setting.configured_terms(), setting.configured_closures(), first, last)

    def teaching_calendar(self, setting_id: UUID, day: date) -> SchoolCalendar:
        """The setting's calendar for the academic year of ``day``, kept until the
        setting's term dates change."""
        setting = self.setting(setting_id)
        key = (setting_id, setting.version, academic_year_of(day))
        calendar = self._calendars.get(key)
        if calendar is None:
            if len(self._calendars) > 1000:
                self._calendars.clear()
            year = academic_year_of(day)
            calendar = self._calendars[key] = calendar_for(
                setting.configured_terms(),
                setting.configured_closures(),
                date(year, 9, 1),
                date(year + 1, 8, 31),
            )
        return calendar

    def _staff_in_setting(self, actor: Actor, staff_id: UUID, field: str) -> StaffMember:
        """A member of staff the command names (``field``), who must work in the actor's setting."""
        try:
            return self._get(StaffMember, staff_id, actor)
        except NotFound:
            raise InvalidInput(field, f"there is no member of staff {staff_id} in this setting") from None
