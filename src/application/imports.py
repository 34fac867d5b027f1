"""Pupils from the school's MIS: a CTF or CSV applied to the record, pupil by pupil.

A pupil is matched by UPN within the setting. A new one is registered with the
SEN history the file gives, each change dated as the file dates it; a known
one gets only what differs from what is recorded (a corrected name, a class
move, a need ended or identified, a change of SEN status), as the events the
domain already has. So the same file twice records nothing the second time.

Each pupil's changes are checked by the aggregates, as any command's are; a
pupil the aggregates refuse is reported with the field and written not at all.
Pupils are saved a hundred to a transaction (the batch append the import's
bar is measured against); if someone changed one of them meanwhile, that
hundred is applied again one pupil at a time, on fresh copies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import PurePath
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from apdr.aggregates import Pupil, UpnClaim
from apdr.aggregates.codes import NeedType, SenProvision
from apdr.aggregates.pupil import claim_upn
from apdr.aggregates.rules import text_fault
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import Conflict, InvalidInput
from apdr.transfer import read_pupil_file
from apdr.transfer.records import Problem, PupilFile, SenPeriod, TransferredPupil

BATCH = 100
"""Pupils saved in one transaction."""

ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"

Progress = Callable[[int, int], None]
"""Told (pupils done, pupils in the file) as an import goes."""


@dataclass
class ImportOutcome:
    """What an import did, or with ``dry_run`` would do."""

    pupils_added: int = 0
    pupils_updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, kind: str) -> None:
        if kind == ADDED:
            self.pupils_added += 1
        elif kind == UPDATED:
            self.pupils_updated += 1
        else:
            self.unchanged += 1


@dataclass(frozen=True)
class ImportJob:
    """What every pupil of one import is applied with."""

    setting_id: UUID
    recorded_by: str
    today: date
    undated: date  # the day given to a change the file does not date: the day it was made
    source: str

    @property
    def reason(self) -> str:
        return f"as the school's MIS records it ({self.source})"


class ImportCommands(ApplicationCore):
    def import_file(
        self,
        actor: Actor,
        data: bytes,
        *,
        file_name: str,
        today: date,
        known: Mapping[str, UUID] | None = None,
        kind: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportOutcome:
        """A file as it was uploaded or named on the command line: a CTF or a CSV
        (``kind``, or told by how it begins), read and applied (``import_pupils``).
        NotAPupilFile if it cannot be read as a whole."""
        setting = self.setting(self.setting_id_of(actor))
        file = read_pupil_file(data, urn=setting.urn, kind=kind)
        return self.import_pupils(
            actor,
            file,
            today=today,
            source=f"{file.kind.upper()} {_cited(file_name)}",
            known=known,
            dry_run=dry_run,
            progress=progress,
        )

    def import_pupils(
        self,
        actor: Actor,
        file: PupilFile,
        *,
        today: date,
        source: str,
        known: Mapping[str, UUID] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportOutcome:
        """Apply ``file`` to the actor's setting. ``known`` maps the UPNs the pupil
        directory holds in the setting to their pupils, to save asking the store
        about each new one; a UPN registered since it was read is still found, as
        the batch holding it then collides in the store and is applied again."""
        undated = min(file.made_on or today, today)
        job = ImportJob(self.setting_id_of(actor), actor.email, today, undated, source)
        outcome = ImportOutcome(problems=list(file.problems))
        pupils = iter(file.pupils)
        done = 0
        while chunk := list(islice(pupils, BATCH)):
            planned = []
            for incoming in chunk:
                try:
                    planned.append((incoming, *self._changes(actor, job, incoming, known)))
                except (InvalidInput, Conflict) as error:
                    outcome.problems.append(_problem(incoming, error))
            kinds = [kind for _, kind, _ in planned]
            if not dry_run:
                try:
                    # Not inline: the read models catch up once the roll is in, a thousand
                    # events a page, not in each batch's transaction.
                    self._store(*(a for _, _, changed in planned for a in changed), inline=False)
                except RecordConflictError:
                    kinds = self._one_by_one(actor, job, [incoming for incoming, _, _ in planned], outcome)
            for kind in kinds:
                outcome.count(kind)
            done += len(chunk)
            if progress:
                progress(done, len(file.pupils))
        return outcome

    def _one_by_one(
        self, actor: Actor, job: ImportJob, pupils: list[TransferredPupil], outcome: ImportOutcome
    ) -> list[str]:
        """Each pupil of a batch that collided, in a transaction of its own, on fresh copies."""
        applied = []
        for incoming in pupils:
            try:
                kind = self._run(
                    lambda incoming=incoming: self._changes(actor, job, incoming, None),
                    conflict=f"the pupil with UPN {incoming.upn} was changed by someone else meanwhile",
                )
            except (InvalidInput, Conflict) as error:
                outcome.problems.append(_problem(incoming, error))
                continue
            applied.append(kind)
        return applied

    def _changes(
        self, actor: Actor, job: ImportJob, incoming: TransferredPupil, known: Mapping[str, UUID] | None
    ) -> tuple[str, list[Aggregate]]:
        """What importing ``incoming`` changes: (added, updated or unchanged, the aggregates)."""
        claim: UpnClaim | None = None
        if known is not None:
            pupil_id = known.get(incoming.upn)
        else:
            claim = self._find(UpnClaim.create_id(job.setting_id, incoming.upn))
            pupil_id = claim.pupil_id if claim else None
        if pupil_id is None:
            pupil = registered_from(incoming, job)
            held = claim_upn(setting_id=job.setting_id, upn=pupil.upn, pupil_id=pupil.id, held=claim)
            return ADDED, [pupil, held]
        pupil = self._get(Pupil, pupil_id, actor)
        follow(pupil, incoming, job)
        return (UPDATED if pupil.pending_events else UNCHANGED), [pupil]


def registered_from(incoming: TransferredPupil, job: ImportJob) -> Pupil:
    """A pupil new to the setting, with the SEN history and needs the file gives."""
    pupil = Pupil.register(
        setting_id=job.setting_id,
        upn=incoming.upn,
        given_name=incoming.given_name,
        family_name=incoming.family_name,
        date_of_birth=incoming.date_of_birth,
        class_name=incoming.class_name or incoming.joins_class,
        admitted_on=incoming.admitted_on,
        recorded_by=job.recorded_by,
        today=job.today,
    )
    _follow_needs_and_status(job, pupil, incoming)
    return pupil


def _cited(file_name: str) -> str:
    """The file's own name as the events' reasons cite it: no folders of the client's,
    nothing that would show other than it reads."""
    base = PurePath(file_name.replace("\\", "/")).name[:100]
    return base if base and not text_fault(base, one_line=True) else "(an uploaded file)"


FILE_FIELDS = {
    "effective_on": "sen_start_date",
    "status": "sen_provision",
    "identified_on": "need_type",
    "ended_on": "need_type",
    "rank": "need_type",
    "moved_on": "class_name",
    "notified_on": "parents_notified_on",
}
"""The fields a command names as the file names them: a status's date is the file's SEN start date."""


def _problem(incoming: TransferredPupil, error: InvalidInput | Conflict) -> Problem:
    field_name = FILE_FIELDS.get(error.field, error.field) if isinstance(error, InvalidInput) else "upn"
    upn = None if incoming.row is not None else incoming.upn
    return Problem(incoming.row, upn, field_name, error.message)


def follow(pupil: Pupil, incoming: TransferredPupil, job: ImportJob) -> None:
    """Bring a pupil's record to what the file says, recording only what differs."""
    _follow_details(job, pupil, incoming)
    _follow_needs_and_status(job, pupil, incoming)


def _follow_details(job: ImportJob, pupil: Pupil, incoming: TransferredPupil) -> None:
    """Names and date of birth as the MIS has them now (a correction, the original kept);
    a class the file names, if new, is a class move dated the day the file was made."""
    changes = {
        name: getattr(incoming, name)
        for name in ("given_name", "family_name", "date_of_birth")
        if getattr(incoming, name) != getattr(pupil, name)
    }
    if changes:
        # Worked out against the record as it stands: never a correction sent again.
        pupil.correct_details(
            changes=changes,
            reason=job.reason,
            recorded_by=job.recorded_by,
            today=job.today,
            may_be_resent=False,
        )
    if incoming.class_name is not None and incoming.class_name != pupil.class_name:
        pupil.move_class(
            class_name=incoming.class_name, moved_on=job.undated, recorded_by=job.recorded_by, today=job.today
        )


def _follow_needs_and_status(job: ImportJob, pupil: Pupil, incoming: TransferredPupil) -> None:
    """Needs no longer in the file end first (an NSA need must end before the pupil
    leaves SEN support), no later than the status they belonged to changed; then the
    SEN status follows the file's history; then the file's needs not yet recorded are
    identified, primary first, when the provision the file records last began (or, with
    none new, the day the file was made). A file whose latest status the record has
    overtaken (a change recorded since, dated after the file's) is refused for the pupil."""
    history = [] if incoming.sen is None else status_changes(incoming.sen, undated=job.undated)
    changes = _not_yet_recorded(pupil, history)
    ended = None
    if incoming.needs is not None:
        ended = _end_needs_not_in(job, pupil, incoming.needs, on=min([job.undated, *(d for d, _ in changes)]))
    for i, (day, provision) in enumerate(changes, start=1):
        last = i == len(changes) and provision is not SenProvision.no_sen
        pupil.change_sen_status(
            status=provision,
            effective_on=day,
            parents_notified_on=incoming.parents_notified_on if last else None,
            reason=job.reason,
            recorded_by=job.recorded_by,
            today=job.today,
        )
    # Code of Practice 6.48: the notification the MIS records, where the record has none yet.
    unnotified = pupil.sen_status is not SenProvision.no_sen and pupil.parents_notified_on is None
    if incoming.parents_notified_on and not changes and unnotified:
        pupil.notify_parents(
            notified_on=incoming.parents_notified_on,
            how=job.reason,
            recorded_by=job.recorded_by,
            today=job.today,
        )
    if history and pupil.sen_status is not history[-1][1]:
        day, provision = history[-1]
        raise InvalidInput(
            "sen_provision",
            f"the file gives SEN provision {provision.value} from {day}, but the record has "
            f"{pupil.sen_status.value} from {pupil.sen_status_since}, a later change: record it on the "
            "pupil's record with its date, or put the file right",
        )
    provided = [day for day, provision in changes if provision is not SenProvision.no_sen]
    identified_on = max(provided[-1] if provided else job.undated, ended or date.min, pupil.date_of_birth)
    for rank, need in enumerate(incoming.needs or (), start=1):
        if rank not in pupil.needs:
            pupil.identify_need(
                need_type=need,
                rank=rank,
                identified_on=identified_on,
                description=f"recorded from {job.source}",
                recorded_by=job.recorded_by,
                today=job.today,
            )


def _not_yet_recorded(
    pupil: Pupil, history: list[tuple[date, SenProvision]]
) -> list[tuple[date, SenProvision]]:
    """The changes of the file's history that the record does not hold: each to another
    status than the one in force, dated no earlier than it (older history is known
    already, or was overtaken)."""
    status, since = pupil.sen_status, pupil.sen_status_since
    new = []
    for day, provision in history:
        if provision is status or (since is not None and day < since):
            continue
        new.append((day, provision))
        status, since = provision, day
    return new


def _end_needs_not_in(job: ImportJob, pupil: Pupil, wanted: tuple[NeedType, ...], *, on: date) -> date | None:
    """End the needs the file no longer gives (all of them, if it ranks the same ones
    otherwise) ``on`` that day, or the day each was identified if later: the last day
    any was ended, or None."""

    def current() -> tuple[NeedType, ...]:
        return tuple(pupil.needs[rank]["need_type"] for rank in sorted(pupil.needs))

    ending = [n for n in current() if n not in wanted]
    if current() and [n for n in current() if n in wanted] != list(wanted[: len(current()) - len(ending)]):
        ending = list(current())  # the same needs ranked otherwise: end them, and identify them afresh
    last = None
    for need in ending:
        identified = next(n["identified_on"] for n in pupil.needs.values() if n["need_type"] is need)
        last = max(on, identified, last or on)
        pupil.end_need(
            need_type=need,
            ended_on=max(on, identified),
            reason=job.reason,
            recorded_by=job.recorded_by,
            today=job.today,
        )
    return last


def status_changes(periods: tuple[SenPeriod, ...], *, undated: date) -> list[tuple[date, SenProvision]]:
    """The file's SEN history as changes of status, in date order: each period's
    provision from its start, and no SEN from its end unless the next begins by then.
    Of two changes on one day the later holds: the earlier was never in force."""
    ordered = sorted(periods, key=lambda p: p.starts_on or undated)
    changes: dict[date, SenProvision] = {}
    for i, period in enumerate(ordered):
        starts_on = period.starts_on or undated
        changes.pop(starts_on, None)
        changes[starts_on] = period.provision
        following = ordered[i + 1].starts_on or undated if i + 1 < len(ordered) else None
        if period.ends_on is not None and (following is None or following > period.ends_on):
            changes.pop(period.ends_on, None)
            changes[period.ends_on] = SenProvision.no_sen
    return sorted(changes.items())
