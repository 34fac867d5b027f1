from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from apdr.api import problems, tokens
from apdr.api.deps import ApdrDep
from apdr.api.throttle import SignInThrottle, TooManySignIns

router = APIRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post(
    "/token",
    response_model=Token,
    responses={
        429: {
            **problems.documented(429)[429],
            "description": "Too many failed sign-ins: try again after Retry-After seconds",
        }
    },
)
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], apdr: ApdrDep, request: Request) -> Token:
    """Exchange an email and password for a bearer token. After a few failures in a
    minute, for one username or from one address, the next tries get a 429."""
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    address = request.client.host if request.client else ""
    try:
        token = tokens.sign_in(apdr, throttle, form.username, form.password, address, datetime.now(UTC))
    except TooManySignIns as refused:
        wait = refused.retry_after
        raise HTTPException(
            429, f"too many failed sign-ins: try again in {wait} seconds", headers={"Retry-After": str(wait)}
        ) from None
    return Token(access_token=token, expires_in=apdr.settings.token_minutes * 60)
