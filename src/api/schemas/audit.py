from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from apdr.api.schemas.common import Out, Page


class AuditEntryOut(Out):
    at: datetime = Field(description="When it was read, exported or disclosed (UTC)")
    by: str = Field(description="Who: the user's email")
    role: str | None = Field(description="Their role, where known")
    kind: Literal["read", "export", "disclosure", "account"]
    what: str = Field(
        description="What was read or exported, what was shared and with whom, or what changed in an account"
    )
    details: dict[str, Any] | None = Field(
        description="A disclosure's date, recipient, purpose and lawful basis"
    )


class AuditOut(Page):
    pupil_id: UUID | None = Field(description="The pupil; none for the setting's own trail of accounts")
    entries: list[AuditEntryOut] = Field(description="Newest first")
