"""An intervention: a programme run for one or more pupils, and every session of it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.codes import (
    STRATEGY_CODES,
    AreaOfNeed,
    AttendanceStatus,
    Delivery,
    InterventionDecision,
    MissedReason,
    Weekday,
    strategy_code,
)
from apdr.aggregates.rules import copy_one_level, must_be_after, must_have_happened, must_have_text
from apdr.aggregates.school_year import SchoolCalendar
from apdr.errors import Conflict, InvalidInput

RATIO = re.compile(r"^\s*(\d{1,2})\s*:\s*(\d{1,3})\s*$")
FIDELITY = range(1, 5)  # 1 not delivered as designed ... 4 delivered fully as designed
LONGEST_SESSION = 180
OUTSIDE_LESSONS_MISS_NONE = "an intervention held outside lessons takes pupils from no lesson: leave it out"


def parse_ratio(ratio: str) -> tuple[int, int]:
    match = RATIO.match(ratio)
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise InvalidInput("ratio", f"ratio is adults to pupils, such as '1:3'; {ratio!r} is not")
    return int(match[1]), int(match[2])


def session_fingerprint(
    delivered_on: date,
    minutes: int,
    delivered_by: UUID,
    focus: str,
    notes: str,
    attendance: list[dict[str, Any]],
) -> str:
    """What makes two recordings of one session the same recording."""
    canonical = json.dumps(
        [
            delivered_on.isoformat(),
            minutes,
            str(delivered_by),
            focus,
            notes,
            sorted((str(a["pupil_id"]), a["status"].value) for a in attendance),
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _must_be_teaching_day(field: str, day: date, calendar: SchoolCalendar) -> None:
    if why := calendar.why_not_teaching(day):
        raise InvalidInput(field, f"{day:%A} {day} is not a teaching day in the setting's calendar: {why}")


def _checked_weekdays(weekdays: list[Weekday]) -> list[Weekday]:
    if not weekdays:
        raise InvalidInput("weekdays", "name the days of the week the sessions run on")
    if len(set(weekdays)) != len(weekdays):
        raise InvalidInput("weekdays", "each weekday once")
    return sorted(weekdays, key=lambda d: d.iso)


def _checked_minutes(minutes: int) -> int:
    if not 5 <= minutes <= LONGEST_SESSION:
        raise InvalidInput("minutes_per_session", f"a session is between 5 and {LONGEST_SESSION} minutes")
    return minutes


def _checked_weeks(weeks: int) -> int:
    if not 1 <= weeks <= 52:
        raise InvalidInput("planned_weeks", "an intervention is planned for 1 to 52 weeks")
    return weeks


def _ending(spans: list[dict[str, Any]], ends_on: date) -> list[dict[str, Any]]:
    """The enrolment spans with the last one ended: a new list, the old one untouched."""
    return [*spans[:-1], spans[-1] | {"ends_on": ends_on}]


@dataclass(frozen=True)
class Schedule:
    """The timetable from ``effective_on`` on: which weekdays, how long a
    session, how many weeks from the start the intervention is planned to run,
    and the lesson pupils miss to attend (none, ``outside_lessons``: before
    school, at break or lunch, after school). ``review_due_on`` is set on the
    schedule that moved the review date."""

    effective_on: date
    weekdays: tuple[Weekday, ...]
    minutes_per_session: int
    planned_weeks: int
    review_due_on: date | None = None
    withdrawn_from: str = ""
    outside_lessons: bool = False

    def planned_end(self, starts_on: date) -> date:
        return starts_on + timedelta(weeks=self.planned_weeks) - timedelta(days=1)

    @property
    def iso_weekdays(self) -> list[int]:
        return [d.iso for d in self.weekdays]


def timetabled_spans(
    schedules: Sequence[Schedule], starts_on: date, first: date, last: date
) -> Iterator[tuple[date, date, Schedule]]:
    """The parts of ``first``..``last`` in which each schedule was in force, each
    cut at the planned end that schedule set: sessions are expected on each
    part's weekdays. A change of schedule never changes what was expected before
    it took effect. ``schedules`` are in the order they took effect."""
    for i, schedule in enumerate(schedules):
        begin = max(first, starts_on, schedule.effective_on)
        until = schedules[i + 1].effective_on - timedelta(days=1) if i + 1 < len(schedules) else last
        end = min(last, until, schedule.planned_end(starts_on))
        if begin <= end:
            yield begin, end, schedule


def schedule_on(schedules: Sequence[Schedule], day: date) -> Schedule:
    """The schedule in force on ``day`` (the first, before the intervention starts)."""
    current = schedules[0]
    for schedule in schedules[1:]:
        if schedule.effective_on > day:
            break
        current = schedule
    return current


def review_due_as_of(review_dates: Sequence[tuple[date, date | None]], day: date) -> date | None:
    """The review date in force at the end of ``day``: of the review dates set
    (by the plan, a change of schedule, a review) on or before it, the one set
    last; before the first, the planned one. ``review_dates`` are (from, due)
    in the order they were recorded."""
    known = [due for since, due in review_dates if since <= day]
    return known[-1] if known else review_dates[0][1]


class Intervention(Aggregate):
    __deepcopy__ = copy_one_level

    @classmethod
    def plan(
        cls,
        *,
        setting_id: UUID,
        name: str,
        programme: str,
        area_of_need: AreaOfNeed,
        strategy_codes: list[str],
        aim: str,
        delivery: Delivery,
        ratio: str,
        location: str,
        weekdays: list[Weekday],
        minutes_per_session: int,
        withdrawn_from: str,
        starts_on: date,
        planned_weeks: int,
        review_due_on: date,
        cost_per_year: Decimal,
        staff_ids: list[UUID],
        recorded_by: str,
        outside_lessons: bool = False,
    ) -> Intervention:
        codes = [strategy_code(c) for c in strategy_codes]
        for i, code in enumerate(codes):
            if code not in STRATEGY_CODES:
                raise InvalidInput(
                    f"strategy_codes[{i}]", f"{strategy_codes[i]!r} is not a strategy code in the catalogue"
                )
        adults, pupils = parse_ratio(ratio)
        if delivery is Delivery.individual and pupils != 1:
            raise InvalidInput("ratio", "individual delivery is one pupil at a time: the ratio is 1:1")
        weekdays = _checked_weekdays(weekdays)
        _checked_minutes(minutes_per_session)
        _checked_weeks(planned_weeks)
        must_be_after("review_due_on", review_due_on, starts_on, "the start")
        if starts_on > date.max - timedelta(weeks=planned_weeks):
            raise InvalidInput(
                "starts_on", f"starts_on {starts_on.isoformat()} is too far ahead: check the year"
            )
        if cost_per_year < 0:
            raise InvalidInput("cost_per_year", "cost_per_year cannot be negative")
        if len(set(staff_ids)) != len(staff_ids):
            raise InvalidInput("staff_ids", "each member of staff once")
        if outside_lessons and withdrawn_from.strip():
            raise InvalidInput(
                "withdrawn_from",
                "an intervention held outside lessons takes pupils from no lesson: leave it out",
            )
        return cls(
            setting_id=setting_id,
            name=must_have_text("name", name),
            programme=programme.strip() or name.strip(),
            area_of_need=area_of_need,
            strategy_codes=codes,
            aim=must_have_text("aim", aim),
            delivery=delivery,
            ratio=f"{adults}:{pupils}",
            location=location.strip(),
            weekdays=weekdays,
            minutes_per_session=minutes_per_session,
            withdrawn_from="" if outside_lessons else withdrawn_from.strip(),
            outside_lessons=outside_lessons,
            starts_on=starts_on,
            planned_weeks=planned_weeks,
            review_due_on=review_due_on,
            cost_per_year=cost_per_year,
            staff_ids=list(staff_ids),
            recorded_by=recorded_by,
        )

    class Planned(Aggregate.Created):
        """Version 2 records ``outside_lessons``: held before school, at break or
        lunch, or after school, so no lesson is missed. Planned before it, an
        intervention was taken to be in lesson time."""

        class_version = 2
        setting_id: UUID
        name: str
        programme: str
        area_of_need: AreaOfNeed
        strategy_codes: list[str]
        aim: str
        delivery: Delivery
        ratio: str
        location: str
        weekdays: list[Weekday]
        minutes_per_session: int
        withdrawn_from: str
        outside_lessons: bool
        starts_on: date
        planned_weeks: int
        review_due_on: date
        cost_per_year: Decimal
        staff_ids: list[UUID]
        recorded_by: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["outside_lessons"] = False

    @event(Planned)
    def __init__(
        self,
        setting_id: UUID,
        name: str,
        programme: str,
        area_of_need: AreaOfNeed,
        strategy_codes: list[str],
        aim: str,
        delivery: Delivery,
        ratio: str,
        location: str,
        weekdays: list[Weekday],
        minutes_per_session: int,
        withdrawn_from: str,
        outside_lessons: bool,
        starts_on: date,
        planned_weeks: int,
        review_due_on: date,
        cost_per_year: Decimal,
        staff_ids: list[UUID],
        recorded_by: str,
    ) -> None:
        self.setting_id = setting_id
        self.name = name
        self.programme = programme
        self.area_of_need = area_of_need
        self.strategy_codes = strategy_codes
        self.aim = aim
        self.delivery = delivery
        self.ratio = ratio
        self.location = location
        self.starts_on = starts_on
        self.cost_per_year = cost_per_year
        self.staff_ids: list[UUID] = list(staff_ids)
        # The timetable as planned, then each change, in the order they take effect:
        # ask it for the weekdays, minutes, weeks and lesson missed on a given day.
        self.schedules: list[Schedule] = [
            Schedule(
                starts_on,
                tuple(weekdays),
                minutes_per_session,
                planned_weeks,
                review_due_on,
                withdrawn_from,
                outside_lessons,
            )
        ]
        # (from, review due) as planned, moved and set by reviews, in the order recorded.
        self.review_dates: list[tuple[date, date | None]] = [(starts_on, review_due_on)]
        # pupil id -> enrolment spans, each {"starts_on", "ends_on", "plan_id"}
        self.enrolments: dict[UUID, list[dict[str, Any]]] = {}
        # session id -> {"fingerprint", "delivered_on", "details", "voided", "corrections"}
        self.sessions: dict[UUID, dict[str, Any]] = {}
        # scheduled date -> {"missed_id", "reason", "notes"}, for each missed session not voided
        self.missed: dict[date, dict[str, Any]] = {}
        self._voided_missed: list[UUID] = []
        self.reviews: list[dict[str, Any]] = []
        self.ended_on: date | None = None

    def schedule_on(self, day: date) -> Schedule:
        return schedule_on(self.schedules, day)

    def planned_end_on(self, day: date) -> date:
        """The planned end as the schedule in force on ``day`` has it."""
        return self.schedule_on(day).planned_end(self.starts_on)

    def review_due_as_of(self, day: date) -> date | None:
        return review_due_as_of(self.review_dates, day)

    @property
    def group_size(self) -> int:
        return parse_ratio(self.ratio)[1]

    def enrolled_on(self, day: date) -> set[UUID]:
        return {
            pupil_id
            for pupil_id, spans in self.enrolments.items()
            for span in spans
            if span["starts_on"] <= day and (span["ends_on"] is None or day <= span["ends_on"])
        }

    def is_enrolled(self, pupil_id: UUID) -> bool:
        spans = self.enrolments.get(pupil_id, [])
        return bool(spans) and spans[-1]["ends_on"] is None

    def _must_not_have_ended(self, field: str) -> None:
        if self.ended_on is not None:
            raise InvalidInput(field, f"the intervention ended on {self.ended_on}")

    def _happened_while_running(self, field: str, day: date, today: date) -> None:
        must_have_happened(field, day, today)
        self._must_be_running(field, day)

    def _happened_since_start(self, field: str, day: date, today: date) -> None:
        must_have_happened(field, day, today, not_before=self.starts_on, not_before_what="the start")

    def _must_be_running(self, field: str, day: date) -> None:
        if day < self.starts_on:
            raise InvalidInput(field, f"{field} {day} is before the intervention starts ({self.starts_on})")
        if self.ended_on is not None and day > self.ended_on:
            raise InvalidInput(field, f"{field} {day} is after the intervention ended ({self.ended_on})")

    # -- staff and pupils ---------------------------------------------------

    def assign_staff(self, *, staff_id: UUID, recorded_by: str) -> None:
        if staff_id in self.staff_ids:
            raise InvalidInput("staff_id", "already assigned to this intervention")
        self._staff_assigned(staff_id=staff_id, recorded_by=recorded_by)

    @event("StaffAssigned")
    def _staff_assigned(self, staff_id: UUID, recorded_by: str) -> None:
        self.staff_ids.append(staff_id)

    def unassign_staff(self, *, staff_id: UUID, recorded_by: str) -> None:
        if staff_id not in self.staff_ids:
            raise InvalidInput("staff_id", "not assigned to this intervention")
        self._staff_unassigned(staff_id=staff_id, recorded_by=recorded_by)

    @event("StaffUnassigned")
    def _staff_unassigned(self, staff_id: UUID, recorded_by: str) -> None:
        self.staff_ids.remove(staff_id)

    def enrol(self, *, pupil_id: UUID, starts_on: date, plan_id: UUID | None, recorded_by: str) -> UUID:
        self._must_not_have_ended("starts_on")
        self._must_be_running("starts_on", starts_on)
        if self.is_enrolled(pupil_id):
            raise InvalidInput("pupil_id", "the pupil is already enrolled")
        spans = self.enrolments.get(pupil_id, [])
        if spans and starts_on <= spans[-1]["ends_on"]:
            raise InvalidInput("starts_on", f"the pupil was enrolled until {spans[-1]['ends_on']}")
        if self.delivery is Delivery.small_group:
            current = {p for p in self.enrolments if self.is_enrolled(p)}
            if len(current) >= self.group_size:
                raise InvalidInput(
                    "pupil_id",
                    f"the group is full: its ratio is {self.ratio} and {len(current)} pupils are enrolled",
                )
        enrolment_id = uuid5(self.id, f"enrolment/{self.version}")
        self._pupil_enrolled(
            enrolment_id=enrolment_id,
            pupil_id=pupil_id,
            starts_on=starts_on,
            plan_id=plan_id,
            recorded_by=recorded_by,
        )
        return enrolment_id

    @event("PupilEnrolled")
    def _pupil_enrolled(
        self, enrolment_id: UUID, pupil_id: UUID, starts_on: date, plan_id: UUID | None, recorded_by: str
    ) -> None:
        span = {"starts_on": starts_on, "ends_on": None, "plan_id": plan_id}
        self.enrolments[pupil_id] = [*self.enrolments.get(pupil_id, []), span]

    def withdraw(
        self, *, pupil_id: UUID, withdrawn_on: date, reason: str, recorded_by: str, today: date
    ) -> None:
        if not self.is_enrolled(pupil_id):
            raise InvalidInput("pupil_id", "the pupil is not enrolled")
        must_have_happened(
            "withdrawn_on",
            withdrawn_on,
            today,
            not_before=self.enrolments[pupil_id][-1]["starts_on"],
            not_before_what="the pupil's enrolment",
        )
        self._pupil_withdrawn(
            pupil_id=pupil_id, withdrawn_on=withdrawn_on, reason=reason.strip(), recorded_by=recorded_by
        )

    @event("PupilWithdrawn")
    def _pupil_withdrawn(self, pupil_id: UUID, withdrawn_on: date, reason: str, recorded_by: str) -> None:
        self.enrolments[pupil_id] = _ending(self.enrolments[pupil_id], withdrawn_on)

    # -- the timetable ------------------------------------------------------

    def change_schedule(
        self,
        *,
        effective_on: date,
        weekdays: list[Weekday] | None = None,
        minutes_per_session: int | None = None,
        planned_weeks: int | None = None,
        review_due_on: date | None = None,
        withdrawn_from: str | None = None,
        outside_lessons: bool | None = None,
        reason: str = "",
        recorded_by: str,
    ) -> bool:
        """Change the timetable from ``effective_on`` on: after a review decides to
        continue, a new term's timetable, a longer session, another lesson missed.
        What was expected before that date stays as it was. Answers False,
        recording nothing, when every value given is already the schedule (a resend)."""
        given = {
            "weekdays": weekdays,
            "minutes_per_session": minutes_per_session,
            "planned_weeks": planned_weeks,
            "review_due_on": review_due_on,
            "withdrawn_from": withdrawn_from,
            "outside_lessons": outside_lessons,
        }
        if all(v is None for v in given.values()):
            raise InvalidInput("body", f"give at least one of {', '.join(given)} to change from effective_on")
        self._must_not_have_ended("effective_on")
        self._must_be_running("effective_on", effective_on)
        latest = self.schedules[-1]
        if effective_on < latest.effective_on:
            raise InvalidInput(
                "effective_on",
                f"the schedule was last changed from {latest.effective_on}: "
                "a later change takes effect on or after that date",
            )
        changed: dict[str, Any] = {}
        if weekdays is not None:
            changed["weekdays"] = tuple(_checked_weekdays(weekdays))
        if minutes_per_session is not None:
            changed["minutes_per_session"] = _checked_minutes(minutes_per_session)
        if planned_weeks is not None:
            changed["planned_weeks"] = _checked_weeks(planned_weeks)
            ends = self.starts_on + timedelta(weeks=planned_weeks, days=-1)
            if ends < effective_on - timedelta(days=1):
                raise InvalidInput(
                    "planned_weeks",
                    f"{planned_weeks} weeks from the start end on {ends}, before the change takes effect "
                    f"({effective_on}): what was planned before a change stays as it was",
                )
        if outside_lessons is not None:
            changed["outside_lessons"] = outside_lessons
            if outside_lessons:
                changed["withdrawn_from"] = ""
        if withdrawn_from is not None:
            if withdrawn_from.strip() and changed.get("outside_lessons", latest.outside_lessons):
                raise InvalidInput("withdrawn_from", OUTSIDE_LESSONS_MISS_NONE)
            changed["withdrawn_from"] = withdrawn_from.strip()
        current_review = self.review_due_as_of(date.max)
        if review_due_on is not None and review_due_on != current_review:
            must_be_after("review_due_on", review_due_on, effective_on - timedelta(days=1), "effective_on")
            changed["review_due_on"] = review_due_on
        changed = {k: v for k, v in changed.items() if k == "review_due_on" or getattr(latest, k) != v}
        if not changed:
            return False
        previous = {k: current_review if k == "review_due_on" else getattr(latest, k) for k in changed}
        self._schedule_changed(
            effective_on=effective_on,
            weekdays=list(changed.get("weekdays", latest.weekdays)),
            minutes_per_session=changed.get("minutes_per_session", latest.minutes_per_session),
            planned_weeks=changed.get("planned_weeks", latest.planned_weeks),
            review_due_on=changed.get("review_due_on"),
            withdrawn_from=changed.get("withdrawn_from", latest.withdrawn_from),
            outside_lessons=changed.get("outside_lessons", latest.outside_lessons),
            previous={k: list(v) if isinstance(v, tuple) else v for k, v in previous.items()},
            reason=reason.strip(),
            recorded_by=recorded_by,
        )
        return True

    @event("ScheduleChanged")
    def _schedule_changed(
        self,
        effective_on: date,
        weekdays: list[Weekday],
        minutes_per_session: int,
        planned_weeks: int,
        review_due_on: date | None,
        withdrawn_from: str,
        outside_lessons: bool,
        previous: dict[str, Any],
        reason: str,
        recorded_by: str,
    ) -> None:
        self.schedules = [
            *self.schedules,
            Schedule(
                effective_on,
                tuple(weekdays),
                minutes_per_session,
                planned_weeks,
                review_due_on,
                withdrawn_from,
                outside_lessons,
            ),
        ]
        if review_due_on is not None:
            self.review_dates = [*self.review_dates, (effective_on, review_due_on)]

    # -- sessions -----------------------------------------------------------

    def record_session(
        self,
        *,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        delivered_by: UUID,
        focus: str,
        notes: str,
        attendance: list[dict[str, Any]],
        calendar: SchoolCalendar,
        additional: bool = False,
        recorded_by: str,
        today: date,
    ) -> bool:
        """Record a delivered session. Answers False, changing nothing, when the
        same session was already recorded with the same details (a retry from a
        tablet that lost its connection); a different session under the same id
        is a conflict. ``calendar`` is the setting's: a session is held on a
        teaching day. ``additional`` marks a second session of the group that day."""
        focus, notes = focus.strip(), notes.strip()
        fingerprint = session_fingerprint(delivered_on, minutes, delivered_by, focus, notes, attendance)
        if session_id in self.sessions:
            if self.sessions[session_id]["fingerprint"] == fingerprint:
                return False
            raise Conflict(
                f"session {session_id} was already recorded with different details; "
                "correct it instead, or use a new session_id",
                {"kind": "session", "id": str(session_id)},
            )
        self._check_session(delivered_on, minutes, attendance, today)
        _must_be_teaching_day("delivered_on", delivered_on, calendar)
        self._must_not_clash(session_id, delivered_on, attendance, additional)
        self._session_delivered(
            session_id=session_id,
            delivered_on=delivered_on,
            minutes=minutes,
            delivered_by=delivered_by,
            focus=focus,
            notes=notes,
            attendance=attendance,
            fingerprint=fingerprint,
            recorded_by=recorded_by,
        )
        return True

    def _check_session(
        self, delivered_on: date, minutes: int, attendance: list[dict[str, Any]], today: date
    ) -> None:
        self._happened_while_running("delivered_on", delivered_on, today)
        if not 1 <= minutes <= LONGEST_SESSION:
            raise InvalidInput("minutes", f"a session lasts between 1 and {LONGEST_SESSION} minutes")
        if not attendance:
            raise InvalidInput("attendance", "record attendance for the pupils enrolled that day")
        enrolled = self.enrolled_on(delivered_on)
        seen: set[UUID] = set()
        for i, mark in enumerate(attendance):
            pupil_id = mark["pupil_id"]
            if pupil_id in seen:
                raise InvalidInput(f"attendance[{i}].pupil_id", "this pupil is listed twice")
            if pupil_id not in enrolled:
                raise InvalidInput(
                    f"attendance[{i}].pupil_id",
                    f"this pupil was not enrolled in the intervention on {delivered_on}",
                )
            if not isinstance(mark["status"], AttendanceStatus):
                raise InvalidInput(f"attendance[{i}].status", "status is present, absent, late or left_early")
            seen.add(pupil_id)
        if self.delivery is Delivery.individual:
            if len(attendance) != 1:
                raise InvalidInput("attendance", "an individual session is with one pupil")
        elif missing := enrolled - seen:
            raise InvalidInput(
                "attendance",
                f"attendance is missing for {len(missing)} enrolled pupil(s): mark each present or absent",
            )

    def _must_not_clash(
        self, session_id: UUID, delivered_on: date, attendance: list[dict[str, Any]], additional: bool
    ) -> None:
        """A session cannot be held on a day recorded as missed, and a group meets
        once a day unless the session is marked additional (one to one: each
        pupil once a day)."""
        missed = self.missed.get(delivered_on)
        if missed is not None:
            why = missed["reason"].value.replace("_", " ")
            raise Conflict(
                f"the session of {delivered_on} is recorded as missed ({why}): "
                "if it did take place, void the missed session first",
                {"kind": "missed_session", "id": str(missed["missed_id"]), "on": delivered_on.isoformat()},
            )
        if additional:
            return
        pupils = {mark["pupil_id"] for mark in attendance}
        for other_id, other in self.sessions.items():
            if other_id == session_id or other["voided"] or other["delivered_on"] != delivered_on:
                continue
            if self.delivery is Delivery.individual and not pupils & {
                m["pupil_id"] for m in other["details"][4]
            }:
                continue
            raise Conflict(
                f"a session of this intervention is already recorded on {delivered_on} (session {other_id}): "
                'correct that one, or send "additional": true if this was a second session that day',
                {"kind": "session", "id": str(other_id), "on": delivered_on.isoformat()},
            )

    @event("SessionDelivered")
    def _session_delivered(
        self,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        delivered_by: UUID,
        focus: str,
        notes: str,
        attendance: list[dict[str, Any]],
        fingerprint: str,
        recorded_by: str,
    ) -> None:
        # The fingerprint is recorded, not recomputed, so a retry is recognised
        # however the way of computing it changes in later releases.
        self.sessions[session_id] = {
            "fingerprint": fingerprint,
            "delivered_on": delivered_on,
            "details": (minutes, delivered_by, focus, notes, attendance),
            "voided": False,
            "corrections": (),
        }

    def correct_session(
        self,
        *,
        session_id: UUID,
        changes: dict[str, Any],
        reason: str,
        calendar: SchoolCalendar,
        additional: bool = False,
        recorded_by: str,
        today: date,
    ) -> bool:
        """Put right a mistaken session record; the original stays in the history.
        Answers False, recording nothing, when this same correction was the last
        one made (a resend)."""
        session = self.sessions.get(session_id)
        if session is None or session["voided"]:
            raise InvalidInput("session_id", "no such session recorded for this intervention")
        minutes, delivered_by, focus, notes, attendance = session["details"]
        corrected = {
            "delivered_on": session["delivered_on"],
            "minutes": minutes,
            "delivered_by": delivered_by,
            "focus": focus,
            "notes": notes,
            "attendance": attendance,
        } | {k: v for k, v in changes.items() if v is not None}
        corrected["focus"], corrected["notes"] = corrected["focus"].strip(), corrected["notes"].strip()
        reason = must_have_text("reason", reason)
        wanted = session_fingerprint(**corrected)
        if (wanted, reason) in session["corrections"]:
            return False  # a correction already made, sent again
        # Compared with the session as it now stands (after any earlier correction),
        # not with its first recording, which the stored fingerprint stays.
        now = session_fingerprint(session["delivered_on"], minutes, delivered_by, focus, notes, attendance)
        if wanted == now:
            raise InvalidInput("body", "nothing to correct: every value given is already recorded")
        self._check_session(corrected["delivered_on"], corrected["minutes"], corrected["attendance"], today)
        # Only a session moved to another day (or, one to one, to another pupil) can
        # newly fall on a day with no teaching, or clash with another session.
        moved = corrected["delivered_on"] != session["delivered_on"]
        if moved or (self.delivery is Delivery.individual and corrected["attendance"] != attendance):
            _must_be_teaching_day("delivered_on", corrected["delivered_on"], calendar)
            self._must_not_clash(session_id, corrected["delivered_on"], corrected["attendance"], additional)
        self._session_corrected(session_id=session_id, **corrected, reason=reason, recorded_by=recorded_by)
        return True

    @event("SessionCorrected")
    def _session_corrected(
        self,
        session_id: UUID,
        delivered_on: date,
        minutes: int,
        delivered_by: UUID,
        focus: str,
        notes: str,
        attendance: list[dict[str, Any]],
        reason: str,
        recorded_by: str,
    ) -> None:
        # The fingerprint stays that of the original recording, so that a late
        # retry of the original request still answers as it did the first time.
        session = self.sessions[session_id]
        made = (session_fingerprint(delivered_on, minutes, delivered_by, focus, notes, attendance), reason)
        self.sessions[session_id] = session | {
            "delivered_on": delivered_on,
            "details": (minutes, delivered_by, focus, notes, attendance),
            "corrections": (*session["corrections"], made),
        }

    def void_session(self, *, session_id: UUID, reason: str, recorded_by: str) -> bool:
        """A session recorded that never happened (the wrong group, a duplicate).
        Answers False, recording nothing, when it is already void (a resend)."""
        session = self.sessions.get(session_id)
        if session is None:
            raise InvalidInput("session_id", "no such session recorded for this intervention")
        if session["voided"]:
            return False
        self._session_voided(
            session_id=session_id, reason=must_have_text("reason", reason), recorded_by=recorded_by
        )
        return True

    @event("SessionVoided")
    def _session_voided(self, session_id: UUID, reason: str, recorded_by: str) -> None:
        self.sessions[session_id] = self.sessions[session_id] | {"voided": True}

    def record_missed_session(
        self,
        *,
        scheduled_on: date,
        reason: MissedReason,
        notes: str,
        calendar: SchoolCalendar,
        recorded_by: str,
        today: date,
    ) -> UUID:
        """A timetabled session that did not take place, and why. The same missed
        session sent again answers with the same id and records nothing."""
        self._happened_while_running("scheduled_on", scheduled_on, today)
        missed_id = uuid5(self.id, f"missed/{scheduled_on.isoformat()}")
        already = self.missed.get(scheduled_on)
        if already is not None:
            if (already["reason"], already["notes"]) == (reason, notes.strip()):
                return already["missed_id"]
            raise Conflict(
                f"the session of {scheduled_on} is already recorded as missed, for another reason",
                {"kind": "missed_session", "id": str(already["missed_id"]), "on": scheduled_on.isoformat()},
            )
        weekdays = self.schedule_on(scheduled_on).weekdays
        if Weekday.of(scheduled_on) not in weekdays:
            runs_on = ", ".join(d.value for d in weekdays)
            raise InvalidInput(
                "scheduled_on",
                f"no session is scheduled on {scheduled_on:%A}s; this intervention runs on {runs_on}",
            )
        _must_be_teaching_day("scheduled_on", scheduled_on, calendar)
        delivered = next(
            (i for i, s in self.sessions.items() if s["delivered_on"] == scheduled_on and not s["voided"]),
            None,
        )
        if delivered is not None:
            raise Conflict(
                f"a session was delivered on {scheduled_on} (session {delivered}): "
                "void it first if it did not happen",
                {"kind": "session", "id": str(delivered), "on": scheduled_on.isoformat()},
            )
        # Voided once, the same day may be recorded as missed again: a new id.
        if any(m == missed_id for m in self._voided_missed):
            missed_id = uuid5(self.id, f"missed/{scheduled_on.isoformat()}/{self.version}")
        self._session_missed(
            missed_id=missed_id,
            scheduled_on=scheduled_on,
            reason=reason,
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
        return missed_id

    @event("SessionMissed")
    def _session_missed(
        self, missed_id: UUID, scheduled_on: date, reason: MissedReason, notes: str, recorded_by: str
    ) -> None:
        self.missed[scheduled_on] = {"missed_id": missed_id, "reason": reason, "notes": notes}

    def void_missed_session(self, *, missed_id: UUID, reason: str, recorded_by: str) -> bool:
        """A session recorded as missed that did take place after all. Answers
        False, recording nothing, when it is already void (a resend)."""
        found = next((d for d, m in self.missed.items() if m["missed_id"] == missed_id), None)
        if found is None:
            if missed_id in self._voided_missed:
                return False
            raise InvalidInput("missed_id", "no such missed session recorded for this intervention")
        self._missed_session_voided(
            missed_id=missed_id,
            scheduled_on=found,
            reason=must_have_text("reason", reason),
            recorded_by=recorded_by,
        )
        return True

    @event("MissedSessionVoided")
    def _missed_session_voided(
        self, missed_id: UUID, scheduled_on: date, reason: str, recorded_by: str
    ) -> None:
        del self.missed[scheduled_on]
        self._voided_missed = [*self._voided_missed, missed_id]

    # -- monitoring and review ----------------------------------------------

    def observe_delivery(
        self,
        *,
        observed_on: date,
        observer: str,
        fidelity: int,
        notes: str,
        actions: str,
        recorded_by: str,
        today: date,
    ) -> UUID:
        """Core Standard Five descriptor 17: "The setting monitors how often and how well targeted support and
        intervention are delivered"."""
        self._happened_while_running("observed_on", observed_on, today)
        if fidelity not in FIDELITY:
            raise InvalidInput("fidelity", "fidelity is 1 (not as designed) to 4 (fully as designed)")
        observation_id = uuid5(self.id, f"observation/{self.version}")
        self._delivery_observed(
            observation_id=observation_id,
            observed_on=observed_on,
            observer=must_have_text("observer", observer),
            fidelity=fidelity,
            notes=notes.strip(),
            actions=actions.strip(),
            recorded_by=recorded_by,
        )
        return observation_id

    @event("DeliveryObserved")
    def _delivery_observed(
        self,
        observation_id: UUID,
        observed_on: date,
        observer: str,
        fidelity: int,
        notes: str,
        actions: str,
        recorded_by: str,
    ) -> None:
        pass

    def review(
        self,
        *,
        reviewed_on: date,
        summary: str,
        decision: InterventionDecision,
        next_review_due_on: date | None,
        recorded_by: str,
        today: date,
    ) -> None:
        self._must_not_have_ended("reviewed_on")
        self._happened_since_start("reviewed_on", reviewed_on, today)
        if self.reviews and reviewed_on < self.reviews[-1]["reviewed_on"]:
            raise InvalidInput(
                "reviewed_on", f"the intervention was last reviewed on {self.reviews[-1]['reviewed_on']}"
            )
        if decision is InterventionDecision.end:
            next_review_due_on = None
        elif next_review_due_on is None:
            raise InvalidInput("next_review_due_on", "a continuing intervention needs a next review date")
        else:
            must_be_after("next_review_due_on", next_review_due_on, reviewed_on, "the review")
        self._reviewed(
            reviewed_on=reviewed_on,
            summary=must_have_text("summary", summary),
            decision=decision,
            next_review_due_on=next_review_due_on,
            recorded_by=recorded_by,
        )
        if decision is InterventionDecision.end:
            self._ended(ended_on=reviewed_on, reason="ended at review", recorded_by=recorded_by)

    @event("Reviewed")
    def _reviewed(
        self,
        reviewed_on: date,
        summary: str,
        decision: InterventionDecision,
        next_review_due_on: date | None,
        recorded_by: str,
    ) -> None:
        self.reviews = [*self.reviews, {"reviewed_on": reviewed_on, "decision": decision}]
        self.review_dates = [*self.review_dates, (reviewed_on, next_review_due_on)]

    def end(self, *, ended_on: date, reason: str, recorded_by: str, today: date) -> None:
        if self.ended_on is not None:
            raise InvalidInput("ended_on", f"the intervention already ended on {self.ended_on}")
        self._happened_since_start("ended_on", ended_on, today)
        last_session = max(
            (s["delivered_on"] for s in self.sessions.values() if not s["voided"]), default=None
        )
        if last_session and ended_on < last_session:
            raise InvalidInput("ended_on", f"a session was delivered on {last_session}, after {ended_on}")
        self._ended(ended_on=ended_on, reason=reason.strip(), recorded_by=recorded_by)

    @event("Ended")
    def _ended(self, ended_on: date, reason: str, recorded_by: str) -> None:
        self.ended_on = ended_on
        for pupil_id, spans in self.enrolments.items():
            if spans[-1]["ends_on"] is None:
                self.enrolments[pupil_id] = _ending(spans, ended_on)
