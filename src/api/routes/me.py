"""Who is signed in: what a client needs to know about its own user (a TA's staff id,
which every session they record names)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from apdr.aggregates.codes import Role
from apdr.api.deps import Allow
from apdr.api.schemas.me import MeOut
from apdr.application import Actor
from apdr.errors import NotAuthenticated

router = APIRouter(tags=["auth"])

SIGNED_IN = Allow(*Role)
"""Any signed-in user, admin included."""


@router.get("/me", response_model=MeOut)
def me(actor: Annotated[Actor, Depends(SIGNED_IN)]) -> MeOut:
    """The signed-in user: their id, email, role, setting and staff record (if any)."""
    if actor.user_id is None:  # not possible: a token is always a user's
        raise NotAuthenticated("sign in first")
    return MeOut.model_validate(actor)
