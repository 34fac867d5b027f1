"""What routes depend on: the running apdr, who is asking, today's date, and
which roles may call them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from apdr.aggregates import Pupil
from apdr.aggregates.codes import Role
from apdr.aggregates.record_access import READ
from apdr.api import tokens
from apdr.application import Actor, SenRecord
from apdr.config import SCHOOL_TIME
from apdr.errors import Forbidden, NotAuthenticated
from apdr.projections.reach import pupils_in_reach
from apdr.projections.runner import ReadModels
from apdr.runtime import Apdr

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_apdr(request: Request) -> Apdr:
    apdr: Apdr = request.app.state.apdr
    return apdr


def get_record(apdr: Annotated[Apdr, Depends(get_apdr)]) -> SenRecord:
    return apdr.record


def get_read_models(apdr: Annotated[Apdr, Depends(get_apdr)]) -> ReadModels:
    return apdr.read_models


def get_actor(
    record: Annotated[SenRecord, Depends(get_record)], token: Annotated[str | None, Depends(bearer)]
) -> Actor:
    if not token:
        raise NotAuthenticated("sign in first: POST /api/v1/auth/token, then send 'Authorization: Bearer …'")
    return tokens.actor_for(record, token)


def today(apdr: Annotated[Apdr, Depends(get_apdr)]) -> date:
    """The one place the API reads the calendar: today at school, or the day
    ``APDR_TODAY`` pins (tests override this dependency)."""
    return apdr.today()


def now(day: Annotated[date, Depends(today)]) -> datetime:
    """The time at school on the day ``today`` gives (a pinned day too): when a pack is issued."""
    return datetime.combine(day, datetime.now(SCHOOL_TIME).replace(microsecond=0).timetz())


ApdrDep = Annotated[Apdr, Depends(get_apdr)]
SenRecordDep = Annotated[SenRecord, Depends(get_record)]
ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]
CurrentActor = Annotated[Actor, Depends(get_actor)]
Today = Annotated[date, Depends(today)]
Now = Annotated[datetime, Depends(now)]


class Allow:
    """The roles that may call a route. Every route under /api/v1 but the token
    endpoint declares one, and a test checks that none is missing."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, actor: CurrentActor) -> Actor:
        if actor.role not in self.roles:
            allowed = ", ".join(sorted(r.value for r in self.roles))
            raise Forbidden(f"{actor.role.article} may not do this (it needs: {allowed})")
        return actor

    def __repr__(self) -> str:
        return f"Allow({', '.join(sorted(r.value for r in self.roles))})"


ADMIN = Allow(Role.admin)
SENCO = Allow(Role.senco)
TEACHING = Allow(Role.senco, Role.teacher)
DELIVERY = Allow(Role.senco, Role.teacher, Role.ta)
READERS = Allow(Role.senco, Role.teacher, Role.leader)
LEADERSHIP = Allow(Role.senco, Role.leader)
MEMBERS = Allow(Role.senco, Role.teacher, Role.leader, Role.ta)


def within_reach(
    actor: Annotated[Actor, Depends(MEMBERS)], read_models: ReadModelsDep, today: Today
) -> Actor:
    return with_reach(actor, read_models, today)


def with_reach(actor: Actor, read_models: ReadModels, today: date) -> Actor:
    """The one place a teaching assistant's reach is worked out (for the API and the
    pages): the pupils of the interventions they are assigned to. ``SenRecord``
    refuses them any other pupil or plan, and the pupil list shows them only these."""
    if actor.role is not Role.ta:
        return actor
    return replace(actor, pupils_in_reach=read_models.ask(pupils_in_reach, actor.staff_id, today))


AdminActor = Annotated[Actor, Depends(ADMIN)]
Senco = Annotated[Actor, Depends(SENCO)]
Teaching = Annotated[Actor, Depends(TEACHING)]
Delivering = Annotated[Actor, Depends(DELIVERY)]
Reader = Annotated[Actor, Depends(READERS)]
Leadership = Annotated[Actor, Depends(LEADERSHIP)]
Member = Annotated[Actor, Depends(MEMBERS)]
PlanReader = Annotated[Actor, Depends(within_reach)]
"""Every role of a setting; a teaching assistant only within their reach."""


def read_pupil(record: SenRecord, actor: Actor, pupil_id: UUID, what: str) -> Pupil:
    """The pupil (another setting's: 404; a TA's outside their reach: 403), with the
    read of ``what`` of their record entered in the audit trail."""
    pupil = record.pupil(actor, pupil_id)
    record.record_access(actor, kind=READ, what=what, pupil_ids=[pupil.id])
    return pupil
