"""Accounts: an admin makes and disables them within the settings they manage;
a SENCO sees every account that can reach their setting's pupils."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from apdr.aggregates.codes import Role
from apdr.api.answers import CREATED, DONE
from apdr.api.deps import AdminActor, Allow, ReadModelsDep, SenRecordDep
from apdr.api.schemas.common import Created
from apdr.api.schemas.users import UserDisableIn, UserIn, UserOut, UsersOut
from apdr.application import Actor, SenRecord
from apdr.errors import InvalidInput, NotFound
from apdr.projections.accounts import accounts_reaching

router = APIRouter(tags=["users"])

ACCOUNTABLE = Allow(Role.senco, Role.admin)
"""Who answers for the accounts: the setting's SENCO, and the admins who manage it."""


@router.get("/users", response_model=UsersOut)
def list_users(actor: Annotated[Actor, Depends(ACCOUNTABLE)], read_models: ReadModelsDep) -> UsersOut:
    """For a SENCO, their setting's accounts and the admins who manage it; for an admin, the
    accounts of the settings they manage. Who made each, when, and when it was disabled."""
    if actor.role is Role.admin:
        settings = None if actor.all_settings else actor.admin_of
    else:
        settings = frozenset([actor.setting_id]) if actor.setting_id else frozenset()
    users = read_models.ask(accounts_reaching, settings)
    return UsersOut(users=[UserOut.model_validate(u) for u in users])


@router.post("/users", **CREATED)
def add_user(body: UserIn, actor: AdminActor, record: SenRecordDep) -> Created:
    """Add an account to a setting the admin manages, or an admin of some of those settings."""
    setting_id = _setting(record, actor, body.setting, "setting") if body.setting else None
    admin_of = [_setting(record, actor, urn, f"settings[{i}]") for i, urn in enumerate(body.settings)]
    user_id = record.add_user(
        actor,
        email=body.email,
        role=body.role,
        password=body.password,
        setting_id=setting_id,
        staff_id=body.staff_id,
        admin_of=admin_of,
    )
    return Created(id=user_id)


@router.post("/users/{user_id}/disable", **DONE)
def disable_user(user_id: UUID, body: UserDisableIn, actor: AdminActor, record: SenRecordDep) -> None:
    record.disable_user(actor, user_id, reason=body.reason)


def _setting(record: SenRecord, actor: Actor, urn: str, field: str) -> UUID:
    """An unknown URN, or one the admin does not manage, is a mistake in the request."""
    try:
        return record.setting_by_urn(urn, actor).id
    except NotFound as error:
        raise InvalidInput(field, error.message) from None
