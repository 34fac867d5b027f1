from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import EmailStr, Field, StringConstraints

from apdr.aggregates.codes import Role
from apdr.api.schemas.admin import Urn
from apdr.api.schemas.common import Body, Out


class UserIn(Body):
    email: EmailStr
    role: Role
    setting: Urn | None = Field(None, description="URN of the user's setting (not for an admin)")
    settings: Annotated[list[Urn], Field(max_length=200)] = Field(
        [], description="For an admin: the URNs of the settings they manage (one school, or a trust's)"
    )
    password: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    staff_id: UUID | None = Field(None, description="The member of staff this user is (for a TA)")


class UserDisableIn(Body):
    reason: Annotated[str, StringConstraints(max_length=500)] = ""


class UserOut(Out):
    id: UUID
    email: str
    role: Role
    setting_id: UUID | None = Field(description="The user's setting (none for an admin)")
    staff_id: UUID | None
    created_by: str = Field(description="Who made the account")
    created_at: datetime
    disabled_on: date | None = Field(description="The day it was disabled, if it is")


class UsersOut(Out):
    users: list[UserOut] = Field(
        description="The setting's accounts and the admins who manage it: by role, then email"
    )
