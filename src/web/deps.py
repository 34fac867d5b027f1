"""What pages depend on: who is signed in (from the session cookie) and which roles
may open a page, by the same role lists and reach rules as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from apdr.api import tokens
from apdr.api.deps import (
    DELIVERY,
    LEADERSHIP,
    MEMBERS,
    READERS,
    SENCO,
    TEACHING,
    Allow,
    ReadModelsDep,
    SenRecordDep,
    Today,
    with_reach,
)
from apdr.application import Actor
from apdr.errors import NotAuthenticated
from apdr.web import session


class SignInFirst(Exception):
    """Not signed in (or the session has ended): the page sends the browser to sign in."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def signed_in(request: Request, record: SenRecordDep) -> Actor:
    token = session.session_token(request)
    if not token:
        raise SignInFirst("sign in to continue")
    try:
        return tokens.actor_for(record, token)
    except NotAuthenticated as e:
        raise SignInFirst(e.message) from None


SignedIn = Annotated[Actor, Depends(signed_in)]


class Page:
    """The roles that may open a page: the API's ``Allow``, checked against the
    session's user; a teaching assistant's reach is worked out as the API does."""

    def __init__(self, allow: Allow) -> None:
        self.allow = allow

    def __call__(self, actor: SignedIn, read_models: ReadModelsDep, today: Today) -> Actor:
        return with_reach(self.allow(actor), read_models, today)

    def __repr__(self) -> str:
        return f"Page({self.allow!r})"


SencoPage = Annotated[Actor, Depends(Page(SENCO))]
"""A page that changes the record: the SENCO's alone."""
TeachingPage = Annotated[Actor, Depends(Page(TEACHING))]
"""Plans and their reviews: the SENCO's and the class teacher's, as in the API (Code of Practice 6.48)."""
DeliveryPage = Annotated[Actor, Depends(Page(DELIVERY))]
"""Recording sessions: SENCO, teachers and teaching assistants."""
ReaderPage = Annotated[Actor, Depends(Page(READERS))]
"""SENCO, teachers and leaders."""
LeadershipPage = Annotated[Actor, Depends(Page(LEADERSHIP))]
MemberPage = Annotated[Actor, Depends(Page(MEMBERS))]
"""Every role of a setting; a teaching assistant within their reach."""

CsrfChecked = Depends(session.check_csrf)
"""On every route that changes something: ``dependencies=[CsrfChecked]``."""
