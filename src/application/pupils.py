"""Pupils: who they are, their place in the setting, and who read or was told
about their record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from apdr.aggregates import Pupil, RecordAccess, UpnClaim
from apdr.aggregates.codes import LawfulBasis
from apdr.aggregates.pupil import claim_upn
from apdr.aggregates.record_access import DISCLOSURE
from apdr.application.core import Actor, ApplicationCore
from apdr.errors import Conflict
from apdr.transfer.ctf import pupil_ctf

RACED_FOR_UPN = "a pupil with this UPN was registered in this setting at the same moment"


class PupilCommands(ApplicationCore):
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
        upn_was_free = False

        def register() -> tuple[UUID, list[Aggregate]]:
            nonlocal upn_was_free
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
            try:
                claim = self._claim_upn(setting_id, pupil.upn, pupil.id)
            except Conflict:
                if upn_was_free:  # when this registration first looked: another took it meanwhile
                    raise Conflict(RACED_FOR_UPN) from None
                raise
            upn_was_free = True
            return pupil.id, [pupil, claim]

        return self._run(register, conflict=RACED_FOR_UPN)

    def _claim_upn(self, setting_id: UUID, upn: str, pupil_id: UUID) -> UpnClaim:
        """The pupil's claim on the UPN, against the claim already recorded on it, if any."""
        held = self._find(UpnClaim.create_id(setting_id, upn))
        return claim_upn(setting_id=setting_id, upn=upn, pupil_id=pupil_id, held=held)

    def correct_pupil_details(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        reason: str,
        upn: str | None = None,
        given_name: str | None = None,
        family_name: str | None = None,
        date_of_birth: date | None = None,
        class_name: str | None = None,
    ) -> None:
        """Put right what was recorded wrongly; a detail left out (None) stays as it is."""
        changes = {
            "upn": upn,
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "class_name": class_name,
        }

        def correct() -> tuple[None, list[Aggregate]]:
            pupil = self._get(Pupil, pupil_id, actor)
            old_upn = pupil.upn
            pupil.correct_details(changes=changes, reason=reason, recorded_by=actor.email, today=today)
            if pupil.upn == old_upn:
                return None, [pupil]
            # A corrected UPN moves the pupil's claim: the new UPN must be free.
            released: UpnClaim = self.repository.get(UpnClaim.create_id(pupil.setting_id, old_upn))
            released.release()
            return None, [pupil, self._claim_upn(pupil.setting_id, pupil.upn, pupil.id), released]

        self._run(correct, conflict="the pupil's record changed at the same time; reload it and try again")

    def move_class(
        self, actor: Actor, pupil_id: UUID, *, today: date, class_name: str, moved_on: date
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.move_class(
                class_name=class_name, moved_on=moved_on, recorded_by=actor.email, today=today
            ),
        )

    def record_leaving(
        self, actor: Actor, pupil_id: UUID, *, today: date, left_on: date, destination: str
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.leave(left_on=left_on, destination=destination, recorded_by=actor.email, today=today),
        )

    # -- who read the record, and who was told ------------------------------------

    def record_access(self, actor: Actor, *, kind: str, what: str, pupil_ids: Iterable[UUID]) -> None:
        """Record that ``actor`` read (or exported) these pupils' records. One new
        aggregate, one event, one insert, which nothing else writes to: saved
        directly, without the aggregate cache, which is for aggregates that change again."""
        pupils = sorted(set(pupil_ids))
        if pupils:
            access = RecordAccess(
                setting_id=self.setting_id_of(actor),
                by=actor.email,
                role=actor.role.value,
                kind=kind,
                what=what,
                pupil_ids=pupils,
            )
            self._store(access, cached=False)

    def common_transfer_file(
        self, actor: Actor, pupil_id: UUID, *, made_at: datetime, destination: str | None = None
    ) -> tuple[str, bytes]:
        """The pupil's SEN record as a CTF for their next school (``destination``: its LA and
        establishment number, if known), and the file's name; entered in the audit as a
        disclosure: the Education (Pupil Information) (England) Regulations 2005 have the
        common transfer information go to the next school."""
        pupil = self._get(Pupil, pupil_id, actor)
        setting = self.setting(pupil.setting_id)
        document = pupil_ctf(
            pupil=pupil, school_name=setting.name, urn=setting.urn, destination=destination, made_at=made_at
        )
        to = f"school {destination}" if destination else "the pupil's next school"
        self.record_access(
            actor, kind=DISCLOSURE, what=f"common transfer file for {to}", pupil_ids=[pupil.id]
        )
        return f"{pupil.upn}_CTF.xml", document

    def share_information(
        self,
        actor: Actor,
        pupil_id: UUID,
        *,
        today: date,
        shared_on: date,
        shared_with: str,
        purpose: str,
        lawful_basis: LawfulBasis,
        what: str,
    ) -> None:
        self._update(
            Pupil,
            pupil_id,
            actor,
            lambda p: p.share_information(
                shared_on=shared_on,
                shared_with=shared_with,
                purpose=purpose,
                lawful_basis=lawful_basis,
                what=what,
                recorded_by=actor.email,
                today=today,
            ),
        )
