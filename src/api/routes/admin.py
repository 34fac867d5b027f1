"""Settings and users: the admin's work, which never touches pupil data."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.api.answers import CREATED, DONE
from apdr.api.deps import AdminActor, Record
from apdr.api.schemas.admin import SettingIn, SettingOut, UserDisableIn, UserIn
from apdr.api.schemas.common import Created
from apdr.errors import InvalidInput, NotFound

router = APIRouter(tags=["admin"])


@router.post("/settings", **CREATED)
def register_setting(body: SettingIn, actor: AdminActor, record: Record) -> Created:
    return Created(id=record.register_setting(actor, urn=body.urn, name=body.name))


@router.get("/settings/{setting_id}", response_model=SettingOut)
def get_setting(setting_id: UUID, actor: AdminActor, record: Record) -> SettingOut:
    setting = record.setting(setting_id)
    return SettingOut(id=setting.id, urn=setting.urn, name=setting.name)


@router.post("/users", **CREATED)
def add_user(body: UserIn, actor: AdminActor, record: Record) -> Created:
    try:
        setting_id = record.setting_by_urn(body.setting).id if body.setting else None
    except NotFound:
        raise InvalidInput("setting", f"no setting has URN {body.setting}") from None
    user_id = record.add_user(
        actor,
        email=body.email,
        role=body.role,
        password=body.password,
        setting_id=setting_id,
        staff_id=body.staff_id,
    )
    return Created(id=user_id)


@router.post("/users/{user_id}/disable", **DONE)
def disable_user(user_id: UUID, body: UserDisableIn, actor: AdminActor, record: Record) -> None:
    record.disable_user(actor, user_id, reason=body.reason)
