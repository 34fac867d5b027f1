from __future__ import annotations

from uuid import UUID

from pydantic import Field

from apdr.aggregates.codes import Role
from apdr.api.schemas.common import Out


class MeOut(Out):
    """Who is signed in."""

    user_id: UUID
    email: str
    role: Role
    setting_id: UUID | None = Field(description="none for an admin, who belongs to no setting")
    staff_id: UUID | None = Field(
        description="the staff record this account acts as (a TA records sessions as it); none if not linked"
    )
