"""The audit trail: who read, exported or disclosed each pupil's record, and when.

Reads and exports come from ``RecordAccess`` events (one per read, listing the
pupils read); disclosures from ``Pupil.InformationShared`` and ``EvidencePack.Issued``. Entries are kept
by pupil and log position, so a pupil's trail is one index range, newest first.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import EvidencePack, Pupil, RecordAccess, User
from apdr.projections.columns import ordered_key
from apdr.projections.projection import Batch, Projection, handles, metadata, reads

entries = sa.Table(
    "audit_entries",
    metadata,
    *ordered_key("pupil_id"),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("by", sa.String(254), nullable=False),
    sa.Column("role", sa.String(10)),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("details", sa.Text),
)
# Who has which role: a disclosure's event names who recorded it, not their role.
users = sa.Table(
    "audit_users",
    metadata,
    sa.Column("email", sa.String(254), primary_key=True),
    sa.Column("role", sa.String(10), nullable=False),
)


class AuditTrail(Projection):
    name = "audit"
    tables = (users, entries)

    @handles(User.Added)
    def user_added(self, e: Any, batch: Batch) -> None:
        batch.insert(users, {"email": e.email, "role": e.role.value})

    @handles(RecordAccess.Recorded)
    def accessed(self, e: Any, batch: Batch) -> None:
        for pupil_id in e.pupil_ids:
            batch.insert(
                entries,
                {
                    "pupil_id": pupil_id,
                    "position": batch.position,
                    "at": e.timestamp,
                    "by": e.by,
                    "role": e.role,
                    "kind": e.kind,
                    "what": e.what,
                    "details": None,
                },
            )

    @handles(Pupil.InformationShared)
    def disclosed(self, e: Any, batch: Batch) -> None:
        details = {
            "shared_on": e.shared_on.isoformat(),
            "shared_with": e.shared_with,
            "purpose": e.purpose,
            "lawful_basis": e.lawful_basis.value,
            "what": e.what,
        }
        batch.insert(
            entries,
            {
                "pupil_id": e.originator_id,
                "position": batch.position,
                "at": e.timestamp,
                "by": e.recorded_by,
                "role": None,
                "kind": "disclosure",
                "what": f"shared with {e.shared_with}: {e.what}",
                "details": json.dumps(details),
            },
        )

    @handles(EvidencePack.Issued)
    def pack_issued(self, e: Any, batch: Batch) -> None:
        details = {
            "pack_id": str(e.originator_id),
            "kind": e.kind.value,
            "as_of": e.as_of.isoformat(),
            "recipient": e.recipient,
            "sections": e.sections,
            "request_id": str(e.request_id) if e.request_id else None,
            "sha256": e.sha256,
        }
        batch.insert(
            entries,
            {
                "pupil_id": e.pupil_id,
                "position": batch.position,
                "at": e.timestamp,
                "by": e.recorded_by,
                "role": None,
                "kind": "disclosure",
                "what": f"{e.kind.value} pack issued to {e.recipient}, as of {e.as_of.isoformat()}",
                "details": json.dumps(details),
            },
        )


@reads("audit")
def audit_entries(
    conn: sa.Connection, pupil_id: UUID, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the pupil's audit trail, newest first, and how many entries it has in all."""
    total = conn.execute(
        sa.select(sa.func.count()).select_from(entries).where(entries.c.pupil_id == pupil_id)
    ).scalar_one()
    rows = conn.execute(
        sa.select(entries, sa.func.coalesce(entries.c.role, users.c.role).label("known_role"))
        .outerjoin(users, users.c.email == entries.c.by)
        .where(entries.c.pupil_id == pupil_id)
        .order_by(entries.c.position.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        {
            "at": r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),  # SQLite keeps no zone
            "by": r.by,
            "role": r.known_role,
            "kind": r.kind,
            "what": r.what,
            "details": json.loads(r.details) if r.details else None,
        }
        for r in rows
    ], total
