"""The application service: loads aggregates, asks them to change, saves them.

``SenRecord`` is the whole service layer. Every command takes the ``Actor``
who asked (their email becomes ``recorded_by`` on every event) and, where a
rule depends on it, ``today``: the clock is read at the edges, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError

from apdr import token_keys
from apdr.aggregates import (
    Alert,
    Intervention,
    Pupil,
    RecordAccess,
    Setting,
    SigningKey,
    StaffMember,
    SupportPlan,
    UpnClaim,
    User,
)
from apdr.aggregates.codes import AssessmentKind, MissedReason, Role, Scale, Weekday
from apdr.aggregates.policy_run import DailyPolicyRun, LivePolicyRuns
from apdr.aggregates.school_year import SchoolCalendar, academic_year_of, calendar_for
from apdr.aggregates.staff_member import StaffRole
from apdr.config import Settings
from apdr.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from apdr.persistence import event_store_env, register_transcodings
from apdr.token_keys import TokenKeys

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

LABELS = {
    Pupil: "pupil",
    SupportPlan: "plan",
    Intervention: "intervention",
    StaffMember: "member of staff",
    Setting: "setting",
    User: "user",
    Alert: "alert",
}


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
        return cls(
            email=user.email,
            role=user.role,
            setting_id=user.setting_id,
            staff_id=user.staff_id,
            user_id=user.id,
            admin_of=user.admin_of,
            all_settings=user.all_settings,
        )

    @property
    def is_system(self) -> bool:
        return self.user_id is None and self.role is Role.admin

    def administers(self, setting_id: UUID) -> bool:
        return self.role is Role.admin and (self.all_settings or setting_id in self.admin_of)


class SenRecord(Application):
    name = "apdr"

    def __init__(self, settings: Settings | None = None, env: dict[str, str] | None = None) -> None:
        self.settings = settings or Settings()
        super().__init__(env={**event_store_env(self.settings), **(env or {})})
        self.passwords = PasswordHasher(
            time_cost=self.settings.password_hash_iterations,
            memory_cost=self.settings.password_hash_memory_kib,
        )
        self._signing_key: TokenKeys | SigningKey | None = None
        self._calendars: dict[tuple[UUID, int, int], SchoolCalendar] = {}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # -- loading and saving -------------------------------------------------

    def _get(self, cls: type[A], aggregate_id: UUID, actor: Actor) -> A:
        """The aggregate, if it is a ``cls`` in the actor's setting; otherwise it
        is not there, as far as this actor may know."""
        label = LABELS.get(cls, cls.__name__.lower())
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"there is no {label} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"there is no {label} {aggregate_id}")
        # A setting is its own tenancy; every other aggregate names its setting.
        setting_id = aggregate.id if isinstance(aggregate, Setting) else aggregate.setting_id
        if actor.setting_id is not None and setting_id != actor.setting_id:
            raise NotFound(f"there is no {label} {aggregate_id}")
        if actor.role is Role.ta:
            self._within_reach(actor, aggregate)
        return aggregate

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
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _store(self, *aggregates: Aggregate) -> int | None:
        """Save every change of every aggregate in one transaction, or none.
        Answers the position of the last event in the notification log."""
        if not any(a.pending_events for a in aggregates):
            return None
        recordings = self.save(*aggregates)
        if self.repository.cache is not None:
            # Keep what was just saved, so the next command on it does not
            # read back and replay the events it has itself just written.
            for aggregate in aggregates:
                self.repository.cache.put(aggregate.id, aggregate)
        return recordings[-1].notification.id if recordings else None

    def _update(
        self, cls: type[A], aggregate_id: UUID, actor: Actor, change: Callable[[A], R], attempts: int = 3
    ) -> R:
        """Load, change and save one aggregate. If someone else changed it in
        the meantime, do it again on a fresh copy: each change is checked
        afresh against what is now recorded, so nothing is lost or forced."""
        for attempt in range(attempts):
            aggregate = self._get(cls, aggregate_id, actor)
            result = change(aggregate)
            try:
                self._store(aggregate)
            except RecordConflictError:
                if attempt == attempts - 1:
                    raise Conflict(
                        f"the {LABELS.get(cls, 'record')} was changed by someone else at the same time; "
                        "try again"
                    ) from None
            else:
                return result
        raise AssertionError("unreachable")

    def setting_id_of(self, actor: Actor) -> UUID:
        """The actor's setting; an admin has none, and holds no pupil data."""
        if actor.setting_id is None:
            raise Forbidden("this needs a user of a setting; an admin holds no pupil data")
        return actor.setting_id

    # -- settings and users ---------------------------------------------------

    def register_setting(self, actor: Actor, *, urn: str, name: str) -> UUID:
        if not actor.all_settings:
            # A scoped admin manages the settings they were given, and cannot widen that.
            raise Forbidden("registering a setting needs an admin of every setting (see 'apdr users add')")
        setting = Setting.register(urn=urn, name=name, recorded_by=actor.email)
        if self._find(setting.id) is not None:
            raise Conflict(f"a setting with URN {setting.urn} is already registered")
        self._save_new(setting, f"a setting with URN {setting.urn} is already registered")
        return setting.id

    def setting(self, setting_id: UUID) -> Setting:
        return self._get(Setting, setting_id, Actor.system())

    def managed_setting(self, actor: Actor, setting_id: UUID) -> Setting:
        """A setting the admin manages; any other is not there, as far as they may know."""
        if not actor.administers(setting_id):
            raise NotFound(f"there is no setting {setting_id}")
        return self.setting(setting_id)

    def setting_by_urn(self, urn: str, actor: Actor | None = None) -> Setting:
        """The setting with this URN; given an admin, only one they manage."""
        setting = self._find(Setting.create_id(urn.strip()))
        if not isinstance(setting, Setting) or (actor is not None and not actor.administers(setting.id)):
            raise NotFound(f"no setting {'you manage ' if actor else ''}has URN {urn}")
        return setting

    def set_term_dates(
        self, actor: Actor, *, academic_year: int, terms: list[dict[str, Any]], closures: list[date]
    ) -> None:
        self._update(
            Setting,
            self.setting_id_of(actor),
            actor,
            lambda s: s.set_term_dates(
                academic_year=academic_year, terms=terms, closures=closures, recorded_by=actor.email
            ),
        )

    def calendar(self, setting_id: UUID, first: date, last: date) -> SchoolCalendar:
        """The setting's calendar from ``first`` to ``last``; the default where it has none."""
        setting = self.setting(setting_id)
        return calendar_for(setting.configured_terms(), setting.configured_closures(), first, last)

    def add_user(
        self,
        actor: Actor,
        *,
        email: str,
        role: Role,
        password: str,
        setting_id: UUID | None = None,
        staff_id: UUID | None = None,
        admin_of: Iterable[UUID] = (),
        all_settings: bool = False,
    ) -> UUID:
        if len(password) < 10:
            raise InvalidInput("password", "a password has at least 10 characters")
        admin_of = list(admin_of)
        self._may_give(actor, [setting_id] if setting_id else [], "setting")
        self._may_give(actor, admin_of, "settings")
        if all_settings and not actor.is_system:
            raise Forbidden("an admin of every setting is made only with the command line")
        if staff_id is not None:
            if setting_id is None:
                raise InvalidInput("staff_id", "only a user of a setting is linked to its staff")
            self._staff_in_setting(Actor(actor.email, Role.senco, setting_id), staff_id, "staff_id")
        user = User.add(
            email=email,
            role=role,
            setting_id=setting_id,
            staff_id=staff_id,
            password_hash=self.passwords.hash(password),
            admin_of=admin_of,
            all_settings=all_settings,
            recorded_by=actor.email,
        )
        if self._find(user.id) is not None:
            raise Conflict(f"{user.email} already has an account")
        self._save_new(user, f"{user.email} already has an account")
        return user.id

    def _may_give(self, actor: Actor, setting_ids: Iterable[UUID], field: str) -> None:
        """An admin gives access only to settings they manage themselves."""
        for setting_id in setting_ids:
            if not actor.administers(setting_id) or self._find(setting_id) is None:
                raise InvalidInput(field, f"there is no setting {setting_id} that you manage")

    def _save_new(self, aggregate: Aggregate, conflict: str) -> None:
        try:
            self._store(aggregate)
        except RecordConflictError:
            raise Conflict(conflict) from None

    def user(self, user_id: UUID) -> User:
        user = self._find(user_id)
        if not isinstance(user, User):
            raise NotFound(f"there is no user {user_id}")
        return user

    def _managed_user(self, actor: Actor, user_id: UUID) -> User:
        """A user whose every setting the admin manages; any other is not there to them."""
        user = self.user(user_id)
        settings = [user.setting_id] if user.setting_id else list(user.admin_of)
        beyond_any_one = user.all_settings or not settings  # every setting, or (made before scopes) none
        if (beyond_any_one and not actor.all_settings) or not all(map(actor.administers, settings)):
            raise NotFound(f"there is no user {user_id}")
        return user

    def disable_user(self, actor: Actor, user_id: UUID, *, reason: str) -> None:
        self._managed_user(actor, user_id)
        self._update(
            User,
            user_id,
            Actor.system(actor.email),
            lambda u: u.disable(reason=reason, recorded_by=actor.email),
        )

    def change_admin_scope(
        self, actor: Actor, user_id: UUID, *, admin_of: Iterable[UUID], all_settings: bool
    ) -> None:
        """Give an admin their settings (the command line's: it widens access)."""
        if not actor.is_system:
            raise Forbidden("an admin's settings are changed only with the command line")
        admin_of = list(admin_of)
        self._may_give(actor, admin_of, "settings")
        self._update(
            User,
            user_id,
            actor,
            lambda u: u.change_scope(admin_of=admin_of, all_settings=all_settings, recorded_by=actor.email),
        )

    def authenticate(self, email: str, password: str) -> User:
        """The user with this email and password, or NotAuthenticated (saying
        nothing about which of the two was wrong)."""
        user = self._find(User.create_id(email))
        try:
            if not isinstance(user, User):
                # Spend the same time as a real check, so timing does not reveal accounts.
                self.passwords.hash(password)
                raise NotAuthenticated("wrong email or password")
            self.passwords.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise NotAuthenticated("wrong email or password") from None
        if user.disabled:
            raise NotAuthenticated("this account is disabled")
        return user

    def signing_key(self, *, fresh: bool = False) -> TokenKeys | SigningKey:
        """The key that signs tokens, kept in memory once read. With ``fresh``, read
        it again: a token that does not verify may be signed by a key another
        process has rotated to since. It comes from outside the database, or,
        where events are encrypted, from the event store (see ``token_keys``)."""
        if self._signing_key is not None and not fresh:
            return self._signing_key
        self._signing_key = token_keys.from_settings(self.settings) or self._stored_signing_key()
        return self._signing_key

    def _stored_signing_key(self) -> SigningKey:
        key = self._find(SigningKey.ID)
        if not isinstance(key, SigningKey):
            key = SigningKey.generate()
            try:
                self._store(key)
            except RecordConflictError:
                # Another worker generated it first: use theirs.
                key = self.repository.get(SigningKey.ID)
        return key

    # -- staff --------------------------------------------------------------

    def register_staff(self, actor: Actor, *, name: str, role: StaffRole, email: str | None = None) -> UUID:
        staff = StaffMember.register(
            setting_id=self.setting_id_of(actor), name=name, role=role, email=email, recorded_by=actor.email
        )
        self._store(staff)
        return staff.id

    def staff_member(self, actor: Actor, staff_id: UUID) -> StaffMember:
        return self._get(StaffMember, staff_id, actor)

    def record_training(
        self,
        actor: Actor,
        staff_id: UUID,
        *,
        today: date,
        programme: str,
        completed_on: date,
        expires_on: date | None = None,
    ) -> UUID:
        return self._update(
            StaffMember,
            staff_id,
            actor,
            lambda s: s.record_training(
                programme=programme,
                completed_on=completed_on,
                expires_on=expires_on,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def _staff_in_setting(self, actor: Actor, staff_id: UUID, field: str) -> StaffMember:
        try:
            return self._get(StaffMember, staff_id, actor)
        except NotFound:
            raise InvalidInput(field, f"there is no member of staff {staff_id} in this setting") from None

    # -- pupils -------------------------------------------------------------

    def register_pupil(
        self,
        actor: Actor,
        *,
        today: date,
        upn: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        class_name: str,
        admitted_on: date | None = None,
    ) -> UUID:
        setting_id = self.setting_id_of(actor)
        pupil = Pupil.register(
            setting_id=setting_id,
            upn=upn,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            class_name=class_name,
            admitted_on=admitted_on,
            recorded_by=actor.email,
            today=today,
        )
        claim = self._claim_upn(setting_id, pupil.upn, pupil.id)
        self._save_new_with_claim(pupil, claim)
        return pupil.id

    def _claim_upn(self, setting_id: UUID, upn: str, pupil_id: UUID) -> UpnClaim:
        """A UPN is unique within a setting (the DfE allocates one per pupil)."""
        claim = self._find(UpnClaim.create_id(setting_id, upn))
        if claim is None:
            return UpnClaim(setting_id=setting_id, upn=upn, pupil_id=pupil_id)
        if claim.pupil_id not in (None, pupil_id):
            raise Conflict(f"a pupil with UPN {upn} is already registered in this setting")
        claim.claim(pupil_id)
        return claim

    def _save_new_with_claim(self, *aggregates: Aggregate) -> None:
        try:
            self._store(*aggregates)
        except RecordConflictError:
            raise Conflict(
                "a pupil with this UPN was registered in this setting at the same moment"
            ) from None

    def pupil(self, actor: Actor, pupil_id: UUID) -> Pupil:
        return self._get(Pupil, pupil_id, actor)

    def record_access(self, actor: Actor, *, kind: str, what: str, pupil_ids: Iterable[UUID]) -> None:
        """Record that ``actor`` read (or exported) these pupils' records. One new
        aggregate, one event, one insert; saved without the aggregate cache, which
        is for aggregates that change again."""
        pupils = sorted(set(pupil_ids))
        if pupils:
            self.save(
                RecordAccess(
                    setting_id=self.setting_id_of(actor),
                    by=actor.email,
                    role=actor.role.value,
                    kind=kind,
                    what=what,
                    pupil_ids=pupils,
                )
            )

    def correct_pupil_details(
        self, actor: Actor, pupil_id: UUID, *, today: date, reason: str, **changes: Any
    ) -> None:
        pupil = self._get(Pupil, pupil_id, actor)
        old_upn = pupil.upn
        pupil.correct_details(changes=changes, reason=reason, recorded_by=actor.email, today=today)
        aggregates: list[Aggregate] = [pupil]
        if pupil.upn != old_upn:
            # A corrected UPN moves the pupil's claim: the new UPN must be free.
            old_claim = self.repository.get(UpnClaim.create_id(pupil.setting_id, old_upn))
            old_claim.release()
            aggregates += [self._claim_upn(pupil.setting_id, pupil.upn, pupil.id), old_claim]
        try:
            self._store(*aggregates)
        except RecordConflictError:
            raise Conflict("the pupil's record changed at the same time; reload it and try again") from None

    def _change_pupil(self, actor: Actor, pupil_id: UUID, change: Callable[[Pupil], R]) -> R:
        return self._update(Pupil, pupil_id, actor, change)

    def move_class(
        self, actor: Actor, pupil_id: UUID, *, today: date, class_name: str, moved_on: date
    ) -> None:
        self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.move_class(
                class_name=class_name, moved_on=moved_on, recorded_by=actor.email, today=today
            ),
        )

    def identify_need(self, actor: Actor, pupil_id: UUID, *, today: date, **need: Any) -> UUID:
        return self._change_pupil(
            actor, pupil_id, lambda p: p.identify_need(**need, recorded_by=actor.email, today=today)
        )

    def end_need(self, actor: Actor, pupil_id: UUID, *, today: date, **ending: Any) -> None:
        self._change_pupil(
            actor, pupil_id, lambda p: p.end_need(**ending, recorded_by=actor.email, today=today)
        )

    def change_sen_status(self, actor: Actor, pupil_id: UUID, *, today: date, **change: Any) -> UUID:
        return self._change_pupil(
            actor, pupil_id, lambda p: p.change_sen_status(**change, recorded_by=actor.email, today=today)
        )

    def notify_parents(
        self, actor: Actor, pupil_id: UUID, *, today: date, notified_on: date, how: str
    ) -> None:
        self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.notify_parents(
                notified_on=notified_on, how=how, recorded_by=actor.email, today=today
            ),
        )

    def raise_concern(self, actor: Actor, pupil_id: UUID, *, today: date, **concern: Any) -> UUID:
        return self._change_pupil(
            actor, pupil_id, lambda p: p.raise_concern(**concern, recorded_by=actor.email, today=today)
        )

    def record_assessment(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        instrument: str,
        measure: str,
        scale: Scale,
        value: Decimal,
        assessed_on: date,
        kind: AssessmentKind,
        intervention_id: UUID | None = None,
        assessment_id: UUID | None = None,
        notes: str = "",
    ) -> UUID:
        """Answers the assessment's id (the first one's, when it is sent again)."""
        self._get(Pupil, pupil_id, actor)  # the address first: 404 before 422
        if intervention_id is not None:
            try:
                intervention = self._get(Intervention, intervention_id, actor)
            except NotFound:
                raise InvalidInput(
                    "intervention_id", f"there is no intervention {intervention_id} in this setting"
                ) from None
            # A baseline is often taken in the days before the enrolment starts: any enrolment will do.
            if pupil_id not in intervention.enrolments:
                raise InvalidInput(
                    "intervention_id",
                    f"the pupil is not enrolled in '{intervention.name}': enrol them before linking "
                    "an assessment to it",
                )
        return self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.record_assessment(
                assessment_id=assessment_id,
                instrument=instrument,
                measure=measure,
                scale=scale,
                value=value,
                assessed_on=assessed_on,
                kind=kind,
                intervention_id=intervention_id,
                notes=notes,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def correct_assessment(self, actor: Actor, pupil_id: UUID, *, today: date, **correction: Any) -> None:
        self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.correct_assessment(**correction, recorded_by=actor.email, today=today),
        )

    def update_profile(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        sections: dict[str, str | None],
        updated_on: date | None = None,
        replace: bool,
    ) -> Pupil:
        """PUT (``replace``) or PATCH the one-page profile; answers the pupil as it now stands."""

        def update(pupil: Pupil) -> Pupil:
            pupil.update_profile(
                sections=sections,
                updated_on=updated_on or today,
                replace=replace,
                recorded_by=actor.email,
                today=today,
            )
            return pupil

        return self._change_pupil(actor, pupil_id, update)

    def receive_advice(self, actor: Actor, pupil_id: UUID, *, today: date, **advice: Any) -> UUID:
        return self._change_pupil(
            actor, pupil_id, lambda p: p.receive_advice(**advice, recorded_by=actor.email, today=today)
        )

    def record_ehcp_milestone(self, actor: Actor, pupil_id: UUID, *, today: date, **milestone: Any) -> None:
        self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.record_ehcp_milestone(**milestone, recorded_by=actor.email, today=today),
        )

    def share_information(self, actor: Actor, pupil_id: UUID, *, today: date, **sharing: Any) -> None:
        self._change_pupil(
            actor, pupil_id, lambda p: p.share_information(**sharing, recorded_by=actor.email, today=today)
        )

    def record_leaving(
        self, actor: Actor, pupil_id: UUID, *, today: date, left_on: date, destination: str
    ) -> None:
        self._change_pupil(
            actor,
            pupil_id,
            lambda p: p.leave(left_on=left_on, destination=destination, recorded_by=actor.email, today=today),
        )

    # -- support plans --------------------------------------------------------

    def draft_plan(self, actor: Actor, pupil_id: UUID, *, today: date, **draft: Any) -> UUID:
        """Start the pupil's next assess-plan-do-review cycle. A plan still open
        is closed by the plan that follows it."""
        for attempt in range(3):
            pupil = self._get(Pupil, pupil_id, actor)
            plan_id = uuid4()
            follows = pupil.start_plan(plan_id=plan_id, starts_on=draft["starts_on"], recorded_by=actor.email)
            plan = SupportPlan.draft(
                plan_id=plan_id,
                pupil_id=pupil.id,
                setting_id=pupil.setting_id,
                follows_plan_id=follows,
                recorded_by=actor.email,
                **draft,
            )
            previous = self._get(SupportPlan, follows, actor) if follows else None
            if previous is not None and previous.is_open:
                previous.close(
                    closed_on=min(today, plan.starts_on),
                    reason="followed by the next plan",
                    recorded_by=actor.email,
                    today=today,
                )
            try:
                self._store(pupil, plan, *([previous] if previous else []))
            except RecordConflictError:
                if attempt == 2:
                    raise Conflict("the pupil's record changed at the same time; try again") from None
            else:
                return plan.id
        raise AssertionError("unreachable")

    def plan(self, actor: Actor, plan_id: UUID) -> SupportPlan:
        return self._get(SupportPlan, plan_id, actor)

    def _change_plan(self, actor: Actor, plan_id: UUID, change: Callable[[SupportPlan], R]) -> R:
        return self._update(SupportPlan, plan_id, actor, change)

    def agree_plan(self, actor: Actor, plan_id: UUID, *, today: date, **agreement: Any) -> None:
        self._change_plan(
            actor, plan_id, lambda p: p.agree_with_parents(**agreement, recorded_by=actor.email, today=today)
        )

    def add_outcome(self, actor: Actor, plan_id: UUID, *, outcome: dict[str, Any], reason: str) -> UUID:
        return self._change_plan(
            actor, plan_id, lambda p: p.add_outcome(outcome=outcome, reason=reason, recorded_by=actor.email)
        )

    def revise_outcome(
        self, actor: Actor, plan_id: UUID, outcome_id: UUID, *, reason: str, **changes: str | None
    ) -> None:
        self._change_plan(
            actor,
            plan_id,
            lambda p: p.revise_outcome(
                outcome_id=outcome_id, changes=changes, reason=reason, recorded_by=actor.email
            ),
        )

    def add_strategy(self, actor: Actor, plan_id: UUID, *, strategy: dict[str, Any]) -> None:
        self._change_plan(
            actor, plan_id, lambda p: p.add_strategy(strategy=strategy, recorded_by=actor.email)
        )

    def move_review(self, actor: Actor, plan_id: UUID, *, review_due_on: date, reason: str) -> None:
        self._change_plan(
            actor,
            plan_id,
            lambda p: p.move_review(review_due_on=review_due_on, reason=reason, recorded_by=actor.email),
        )

    def review_plan(self, actor: Actor, plan_id: UUID, *, today: date, **review: Any) -> UUID:
        plan = self._get(SupportPlan, plan_id, actor)
        review_id = plan.review(**review, recorded_by=actor.email, today=today)
        aggregates: list[Aggregate] = [plan]
        if not plan.is_open:
            pupil = self._get(Pupil, plan.pupil_id, actor)
            pupil.plan_closed(plan.id)
            aggregates.append(pupil)
        try:
            self._store(*aggregates)
        except RecordConflictError:
            raise Conflict(
                "the plan was changed by someone else at the same time; reload it and review again"
            ) from None
        return review_id

    def close_plan(self, actor: Actor, plan_id: UUID, *, today: date, closed_on: date, reason: str) -> None:
        plan = self._get(SupportPlan, plan_id, actor)
        plan.close(closed_on=closed_on, reason=reason, recorded_by=actor.email, today=today)
        pupil = self._get(Pupil, plan.pupil_id, actor)
        pupil.plan_closed(plan.id)
        try:
            self._store(plan, pupil)
        except RecordConflictError:
            raise Conflict("the plan was changed by someone else at the same time; try again") from None

    # -- interventions ----------------------------------------------------------

    def plan_intervention(self, actor: Actor, *, staff_ids: list[UUID], **planned: Any) -> UUID:
        for i, staff_id in enumerate(staff_ids):
            self._staff_in_setting(actor, staff_id, f"staff_ids[{i}]")
        intervention = Intervention.plan(
            setting_id=self.setting_id_of(actor), staff_ids=staff_ids, recorded_by=actor.email, **planned
        )
        self._store(intervention)
        return intervention.id

    def intervention(self, actor: Actor, intervention_id: UUID) -> Intervention:
        return self._get(Intervention, intervention_id, actor)

    def _change_intervention(
        self, actor: Actor, intervention_id: UUID, change: Callable[[Intervention], R]
    ) -> R:
        return self._update(Intervention, intervention_id, actor, change)

    def assign_staff(self, actor: Actor, intervention_id: UUID, *, staff_id: UUID) -> None:
        self._get(Intervention, intervention_id, actor)  # the address first: 404 before 422
        self._staff_in_setting(actor, staff_id, "staff_id")
        self._change_intervention(
            actor, intervention_id, lambda i: i.assign_staff(staff_id=staff_id, recorded_by=actor.email)
        )

    def unassign_staff(self, actor: Actor, intervention_id: UUID, *, staff_id: UUID) -> None:
        self._change_intervention(
            actor, intervention_id, lambda i: i.unassign_staff(staff_id=staff_id, recorded_by=actor.email)
        )

    def enrol_pupil(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        pupil_id: UUID,
        starts_on: date,
        plan_id: UUID | None = None,
    ) -> UUID:
        self._get(Intervention, intervention_id, actor)  # the address first: 404 before 422
        try:
            pupil = self._get(Pupil, pupil_id, actor)
        except NotFound:
            raise InvalidInput("pupil_id", f"there is no pupil {pupil_id} in this setting") from None
        if pupil.left_on is not None:
            raise InvalidInput("pupil_id", f"{pupil.name} left the setting on {pupil.left_on}")
        if starts_on < pupil.admitted_on:
            raise InvalidInput(
                "starts_on", f"{pupil.name} joined the setting on {pupil.admitted_on}, after {starts_on}"
            )
        if plan_id is not None and plan_id not in pupil.plan_ids:
            raise InvalidInput("plan_id", f"{plan_id} is not one of {pupil.name}'s support plans")
        return self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.enrol(
                pupil_id=pupil_id, starts_on=starts_on, plan_id=plan_id, recorded_by=actor.email
            ),
        )

    def withdraw_pupil(
        self,
        actor: Actor,
        intervention_id: UUID,
        pupil_id: UUID,
        *,
        today: date,
        withdrawn_on: date,
        reason: str,
    ) -> None:
        self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.withdraw(
                pupil_id=pupil_id,
                withdrawn_on=withdrawn_on,
                reason=reason,
                recorded_by=actor.email,
                today=today,
            ),
        )

    def _deliverer(self, actor: Actor, delivered_by: UUID | None) -> UUID:
        """Who delivered a session: a teaching assistant records only the sessions
        they delivered themselves (their own staff id, the default); a SENCO or a
        teacher may name any member of staff of the setting."""
        if actor.role is Role.ta:
            if actor.staff_id is None:
                raise Forbidden("your account is not linked to a member of staff: ask the SENCO to link it")
            if delivered_by not in (None, actor.staff_id):
                raise Forbidden(
                    "a teaching assistant records only the sessions they delivered: delivered_by must be "
                    "your own staff id (GET /api/v1/me), or left out"
                )
            return actor.staff_id
        if delivered_by is None:
            if actor.staff_id is None:
                raise InvalidInput("delivered_by", "name the member of staff who delivered the session")
            return actor.staff_id
        return delivered_by

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

    def record_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        attendance: list[dict[str, Any]],
        delivered_by: UUID | None = None,
        focus: str = "",
        notes: str = "",
        additional: bool = False,
    ) -> bool:
        """Answers whether the session was newly recorded (False: the same
        session had already been recorded, and nothing changed)."""
        deliverer = self._deliverer(actor, delivered_by)

        def deliver(intervention: Intervention) -> bool:
            if deliverer not in intervention.staff_ids:
                # Cover staff may deliver; they must at least work here.
                self._staff_in_setting(actor, deliverer, "delivered_by")
            return intervention.record_session(
                session_id=session_id,
                delivered_on=delivered_on,
                minutes=minutes,
                delivered_by=deliverer,
                focus=focus,
                notes=notes,
                attendance=attendance,
                calendar=self.teaching_calendar(intervention.setting_id, delivered_on),
                additional=additional,
                recorded_by=actor.email,
                today=today,
            )

        return self._change_intervention(actor, intervention_id, deliver)

    def correct_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        session_id: UUID,
        *,
        today: date,
        reason: str,
        delivered_on: date | None = None,
        minutes: int | None = None,
        delivered_by: UUID | None = None,
        focus: str | None = None,
        notes: str | None = None,
        attendance: list[dict[str, Any]] | None = None,
        additional: bool = False,
    ) -> None:
        if delivered_by is not None:
            delivered_by = self._deliverer(actor, delivered_by)
        changes = {
            "delivered_on": delivered_on,
            "minutes": minutes,
            "delivered_by": delivered_by,
            "focus": focus,
            "notes": notes,
            "attendance": attendance,
        }

        def correct(intervention: Intervention) -> None:
            if actor.role is Role.ta:
                self._own_session(actor, intervention, session_id)
            if delivered_by is not None:
                self._staff_in_setting(actor, delivered_by, "delivered_by")
            session = intervention.sessions.get(session_id)
            day = delivered_on or (session["delivered_on"] if session else today)
            intervention.correct_session(
                session_id=session_id,
                changes=changes,
                reason=reason,
                calendar=self.teaching_calendar(intervention.setting_id, day),
                additional=additional,
                recorded_by=actor.email,
                today=today,
            )

        self._change_intervention(actor, intervention_id, correct)

    def void_session(self, actor: Actor, intervention_id: UUID, session_id: UUID, *, reason: str) -> None:
        def void(intervention: Intervention) -> None:
            if actor.role is Role.ta:
                self._own_session(actor, intervention, session_id)
            intervention.void_session(session_id=session_id, reason=reason, recorded_by=actor.email)

        self._change_intervention(actor, intervention_id, void)

    @staticmethod
    def _own_session(actor: Actor, intervention: Intervention, session_id: UUID) -> None:
        """A teaching assistant puts right only the sessions they delivered."""
        session = intervention.sessions.get(session_id)
        if session is not None and session["details"][1] != actor.staff_id:
            raise Forbidden("a teaching assistant corrects only the sessions they delivered themselves")

    def record_missed_session(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        today: date,
        scheduled_on: date,
        reason: MissedReason,
        notes: str = "",
    ) -> UUID:
        def miss(intervention: Intervention) -> UUID:
            return intervention.record_missed_session(
                scheduled_on=scheduled_on,
                reason=reason,
                notes=notes,
                calendar=self.teaching_calendar(intervention.setting_id, scheduled_on),
                recorded_by=actor.email,
                today=today,
            )

        return self._change_intervention(actor, intervention_id, miss)

    def void_missed_session(
        self, actor: Actor, intervention_id: UUID, missed_id: UUID, *, reason: str
    ) -> None:
        self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.void_missed_session(missed_id=missed_id, reason=reason, recorded_by=actor.email),
        )

    def change_schedule(
        self,
        actor: Actor,
        intervention_id: UUID,
        *,
        effective_on: date,
        weekdays: list[Weekday] | None = None,
        minutes_per_session: int | None = None,
        planned_weeks: int | None = None,
        review_due_on: date | None = None,
        withdrawn_from: str | None = None,
        outside_lessons: bool | None = None,
        reason: str = "",
    ) -> bool:
        """The timetable from ``effective_on`` on; answers whether anything changed."""
        return self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.change_schedule(
                effective_on=effective_on,
                weekdays=weekdays,
                minutes_per_session=minutes_per_session,
                planned_weeks=planned_weeks,
                review_due_on=review_due_on,
                withdrawn_from=withdrawn_from,
                outside_lessons=outside_lessons,
                reason=reason,
                recorded_by=actor.email,
            ),
        )

    def observe_delivery(
        self, actor: Actor, intervention_id: UUID, *, today: date, **observation: Any
    ) -> UUID:
        return self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.observe_delivery(**observation, recorded_by=actor.email, today=today),
        )

    def review_intervention(self, actor: Actor, intervention_id: UUID, *, today: date, **review: Any) -> None:
        self._change_intervention(
            actor, intervention_id, lambda i: i.review(**review, recorded_by=actor.email, today=today)
        )

    def end_intervention(
        self, actor: Actor, intervention_id: UUID, *, today: date, ended_on: date, reason: str
    ) -> None:
        self._change_intervention(
            actor,
            intervention_id,
            lambda i: i.end(ended_on=ended_on, reason=reason, recorded_by=actor.email, today=today),
        )

    # -- policies and alerts ------------------------------------------------------

    def set_thresholds(self, actor: Actor, thresholds: dict[str, Any]) -> dict[str, int]:
        """Override policy thresholds for the actor's setting (null puts a default back).
        Answers every threshold as it now stands."""
        # Imported here: the policies read the read models, which import this module.
        from apdr.policies.catalogue import check_thresholds, thresholds_for

        checked = check_thresholds(thresholds)

        def set_them(setting: Setting) -> dict[str, int]:
            setting.set_thresholds(thresholds=checked, recorded_by=actor.email)
            return thresholds_for(setting.thresholds)

        return self._update(Setting, self.setting_id_of(actor), actor, set_them)

    def alert(self, actor: Actor, alert_id: UUID) -> Alert:
        return self._get(Alert, alert_id, actor)

    def raise_alert(
        self,
        actor: Actor,
        *,
        setting_id: UUID,
        kind: str,
        subject: str,
        raised_on: date,
        summary: str,
        pupil_id: UUID | None = None,
        intervention_id: UUID | None = None,
        plan_id: UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> bool:
        """A policy found a cause: raise its alert, or raise it again if it was
        resolved after its cause went. Answers whether the alert is newly open.

        The alert's id comes from its kind and subject, so a second process
        raising it at the same moment collides in the event store; the loser
        looks again and finds it open."""
        alert_id = Alert.create_id(kind, subject)
        for _attempt in range(3):
            alert = self._find(alert_id)
            if alert is None:
                alert = Alert(
                    kind=kind,
                    subject=subject,
                    setting_id=setting_id,
                    raised_on=raised_on,
                    summary=summary,
                    pupil_id=pupil_id,
                    intervention_id=intervention_id,
                    plan_id=plan_id,
                    details=details or {},
                    recorded_by=actor.email,
                )
            elif alert.is_older_than_recorded(raised_on):
                # A newer run has already changed it: an older one never undoes that.
                return False
            elif alert.status == "resolved" and not alert.cause_present:
                alert.reraise(
                    raised_on=raised_on, summary=summary, details=details or {}, recorded_by=actor.email
                )
            else:
                # Still open, or resolved by a SENCO while this same cause persists.
                return False
            try:
                self._store(alert)
            except RecordConflictError:
                continue
            return True
        return False

    def cause_gone(self, actor: Actor, alert_id: UUID, *, on: date) -> bool:
        """A policy no longer finds an alert's cause: resolve the alert, or, if a
        SENCO resolved it by hand, note that its cause has gone (so that it is
        raised again if the cause comes back). Answers whether it resolved it."""

        def settle(alert: Alert) -> bool:
            if alert.is_older_than_recorded(on):
                return False  # a newer run has already changed it
            if alert.status != "resolved":
                alert.resolve(
                    resolved_on=on,
                    reason="resolved by policy: its cause has gone",
                    recorded_by=actor.email,
                    by_policy=True,
                )
                return True
            if alert.cause_present:
                alert.clear_cause(cleared_on=on, recorded_by=actor.email)
            return False

        return self._update(Alert, alert_id, actor, settle)

    def acknowledge_alert(self, actor: Actor, alert_id: UUID, *, today: date, note: str = "") -> None:
        """A SENCO has seen the alert and is acting on it; it stays until its cause goes."""
        self._update(
            Alert,
            alert_id,
            actor,
            lambda a: a.acknowledge(acknowledged_on=today, note=note, recorded_by=actor.email),
        )

    def resolve_alert(self, actor: Actor, alert_id: UUID, *, today: date, note: str = "") -> None:
        """A SENCO resolves the alert by hand. If its cause persists it stays
        resolved; it is raised again only if the cause goes and comes back."""
        self._update(
            Alert,
            alert_id,
            actor,
            lambda a: a.resolve(
                resolved_on=today, reason=note.strip() or "resolved by hand", recorded_by=actor.email
            ),
        )

    def claim_daily_policy_run(self, day: date, *, claimed_by: str) -> DailyPolicyRun | None:
        """The lease on ``day``'s scheduled run: the first process to claim it
        runs the policies; any other gets None (the event store refuses a
        second lease with the same id) and skips."""
        if self._find(DailyPolicyRun.create_id(day)) is not None:
            return None
        lease = DailyPolicyRun(day=day, claimed_by=claimed_by)
        try:
            self._store(lease)
        except RecordConflictError:
            return None
        return lease

    def complete_daily_policy_run(self, lease: DailyPolicyRun, *, raised: int, resolved: int) -> None:
        lease.complete(raised=raised, resolved=resolved)
        self._store(lease)

    def latest_live_policy_run(self, setting_id: UUID) -> date | None:
        """The as-of date the setting's live alerts stand at (None: never run)."""
        runs = self._find(LivePolicyRuns.create_id(setting_id))
        return runs.latest_as_of if runs is not None else None

    def start_live_policy_run(self, actor: Actor, setting_id: UUID, as_of: date) -> tuple[bool, date]:
        """Record a live policy run as of ``as_of``, before it changes any alert,
        unless it comes before the latest live run: then it is a preview, and
        nothing is recorded. Answers whether it is live, and the date the live
        alerts now stand at.

        Two runs at once are ordered by the event store: the second to save
        gets a conflict, loads the runs again and decides again."""
        runs_id = LivePolicyRuns.create_id(setting_id)
        for _attempt in range(5):
            runs = self._find(runs_id) or LivePolicyRuns(setting_id=setting_id)
            if runs.is_preview(as_of):
                return False, runs.latest_as_of
            runs.record_run(as_of=as_of, recorded_by=actor.email)
            try:
                self._store(runs)
            except RecordConflictError:
                continue
            return True, as_of
        raise Conflict("the policies were run by someone else at the same time; try again")
