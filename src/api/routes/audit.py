"""Who has seen a pupil's record: every read, export and disclosure, for the SENCO to account for;
and the setting's own trail: every account that can reach its pupils, made, changed or disabled."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.api.deps import ReadModelsDep, Senco, SenRecordDep
from apdr.api.schemas.audit import AuditEntryOut, AuditOut
from apdr.api.schemas.common import PageLimit, PageOffset
from apdr.projections.accounts import account_changes
from apdr.projections.audit import audit_entries

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditOut)
def audit_trail(
    actor: Senco,
    record: SenRecordDep,
    read_models: ReadModelsDep,
    pupil_id: UUID | None = None,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> AuditOut:
    """With ``pupil_id``: who read or exported the pupil's record, or disclosed it outside the
    school, and when. Without: who made, changed or disabled each account that can reach the
    setting's pupils. Newest first. Reading the trail is not itself an entry in it."""
    if pupil_id is None:
        entries, total = read_models.ask(
            account_changes, record.setting_id_of(actor), limit=limit, offset=offset
        )
    else:
        record.pupil(actor, pupil_id)  # a pupil of another setting is not there: 404
        entries, total = read_models.ask(audit_entries, pupil_id, limit=limit, offset=offset)
    return AuditOut(
        pupil_id=pupil_id,
        total=total,
        limit=limit,
        offset=offset,
        entries=[AuditEntryOut.model_validate(e) for e in entries],
    )
