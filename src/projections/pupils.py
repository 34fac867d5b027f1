"""The pupil directory: who is on roll in a setting, their SEN status and current needs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.projections.columns import pupil_identity, pupil_identity_row
from apdr.projections.projection import Batch, Projection, handles, metadata, reads

pupils = sa.Table(
    "pupils",
    metadata,
    *pupil_identity(),
    sa.Column("class_name", sa.String(50), nullable=False),
    sa.Column("sen_status", sa.String(1), nullable=False),
    sa.Column("primary_need", sa.String(4)),
    sa.Column("secondary_need", sa.String(4)),
    sa.Column("current_plan_id", sa.Uuid),
    sa.Column("admitted_on", sa.Date, nullable=False),
    sa.Column("left_on", sa.Date),
)

# Ending a need: the secondary need, if any, becomes the primary one.
_end_need = (
    pupils.update()
    .where(pupils.c.pupil_id == sa.bindparam("w_pupil_id"))
    .values(
        primary_need=sa.case(
            (pupils.c.primary_need == sa.bindparam("need"), pupils.c.secondary_need),
            else_=pupils.c.primary_need,
        ),
        secondary_need=None,
    )
)


class PupilDirectory(Projection):
    name = "pupils"
    tables = (pupils,)

    @handles(Pupil.Registered)
    def registered(self, e: Any, batch: Batch) -> None:
        batch.insert(
            pupils,
            {
                **pupil_identity_row(e),
                "class_name": e.class_name,
                "sen_status": "N",
                "primary_need": None,
                "secondary_need": None,
                "current_plan_id": None,
                "admitted_on": e.admitted_on,
                "left_on": None,
            },
        )

    @handles(Pupil.DetailsCorrected)
    def details_corrected(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, e.changes)

    @handles(Pupil.MovedClass)
    def moved_class(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, {"class_name": e.class_name})

    @handles(Pupil.SenStatusChanged)
    def sen_status_changed(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, {"sen_status": e.status.value})

    @handles(Pupil.NeedIdentified)
    def need_identified(self, e: Any, batch: Batch) -> None:
        column = "primary_need" if e.rank == 1 else "secondary_need"
        batch.update(pupils, {"pupil_id": e.originator_id}, {column: e.need_type.value})

    @handles(Pupil.NeedEnded)
    def need_ended(self, e: Any, batch: Batch) -> None:
        batch.execute(
            _end_need, {"w_pupil_id": e.originator_id, "need": e.need_type.value}, (e.originator_id,)
        )

    @handles(Pupil.PlanStarted)
    def plan_started(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, {"current_plan_id": e.plan_id})

    @handles(Pupil.CurrentPlanEnded)
    def current_plan_ended(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, {"current_plan_id": None})

    @handles(Pupil.LeftSetting)
    def left(self, e: Any, batch: Batch) -> None:
        batch.update(pupils, {"pupil_id": e.originator_id}, {"left_on": e.left_on})


@reads("pupils")
def find_pupils(
    conn: sa.Connection,
    setting_id: UUID,
    *,
    search: str | None = None,
    sen_status: str | None = None,
    class_name: str | None = None,
    include_left: bool = False,
    pupil_ids: set[UUID] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the setting's pupils, by family name, and how many match in all."""
    where = [pupils.c.setting_id == setting_id]
    if search:
        # The text is taken literally (autoescape escapes "%", "_" and the escape character
        # "/" in it): a search for "%" finds only a name holding a "%", not every pupil.
        text = search.strip().lower()
        name = sa.func.lower(pupils.c.given_name + " " + pupils.c.family_name)
        upn = sa.func.lower(pupils.c.upn)
        where.append(sa.or_(name.contains(text, autoescape=True), upn.contains(text, autoescape=True)))
    if sen_status:
        where.append(pupils.c.sen_status == sen_status)
    if class_name:
        where.append(pupils.c.class_name == class_name)
    if not include_left:
        where.append(pupils.c.left_on.is_(None))
    if pupil_ids is not None:
        where.append(pupils.c.pupil_id.in_(pupil_ids))
    total = conn.execute(sa.select(sa.func.count()).select_from(pupils).where(*where)).scalar_one()
    rows = (
        conn.execute(
            sa.select(pupils)
            .where(*where)
            .order_by(pupils.c.family_name, pupils.c.given_name, pupils.c.pupil_id)
            .limit(limit)
            .offset(offset)
        )
        .mappings()
        .all()
    )
    return [dict(r) for r in rows], total


@reads("pupils")
def pupils_by_upn(conn: sa.Connection, setting_id: UUID) -> dict[str, UUID]:
    """Every UPN registered in the setting, and its pupil: what an import matches against."""
    rows = conn.execute(sa.select(pupils.c.upn, pupils.c.pupil_id).where(pupils.c.setting_id == setting_id))
    return {row.upn: row.pupil_id for row in rows}
