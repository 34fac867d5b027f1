"""Settings: the admin's work, which never touches pupil data."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from apdr.api.answers import CREATED
from apdr.api.deps import AdminActor, SenRecordDep
from apdr.api.schemas.admin import SettingIn, SettingOut
from apdr.api.schemas.common import Created

router = APIRouter(tags=["admin"])


@router.post("/settings", **CREATED)
def register_setting(body: SettingIn, actor: AdminActor, record: SenRecordDep) -> Created:
    """Register a setting: for an admin of every setting (a scoped admin cannot widen their own scope)."""
    return Created(id=record.register_setting(actor, urn=body.urn, name=body.name))


@router.get("/settings/{setting_id}", response_model=SettingOut)
def get_setting(setting_id: UUID, actor: AdminActor, record: SenRecordDep) -> SettingOut:
    return SettingOut.model_validate(record.managed_setting(actor, setting_id))
