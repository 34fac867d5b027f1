"""The SEN register: the census view of a setting's pupils as of any date.

Keeps history rather than current values (every SEN status with the date it
took effect, every need with the dates it was identified and ended, every
class with the date the pupil joined it, every EHCP milestone), so the
register can be drawn for any day in the past.

Dates are read the census way: a status, need or class counts from the day it
took effect; a need that ended on a day, or a pupil who left on it, no longer
counts on that day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.aggregates.codes import NeedType
from apdr.aggregates.school_year import year_group
from apdr.aggregates.upn import unrecognised_la_code
from apdr.projections import columns
from apdr.projections.projection import Batch, Projection, handles, metadata, reads

roll = sa.Table(
    "register_pupils",
    metadata,
    *columns.pupil_identity(),
    sa.Column("admitted_on", sa.Date, nullable=False),
    sa.Column("left_on", sa.Date),
)
# Rows are numbered by the pupil's version: the order in which they were recorded.
# Kept in that order under each pupil (on SQLite the tables are that order itself).
classes = columns.pupil_history(
    "register_classes",
    sa.Column("class_name", sa.String(50), nullable=False),
    sa.Column("since", sa.Date),  # none: the class the pupil was registered in
)
statuses = columns.pupil_history(
    "register_statuses",
    sa.Column("status", sa.String(1), nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("parents_notified_on", sa.Date),
)
needs = columns.pupil_history(
    "register_needs",
    sa.Column("need_type", sa.String(4), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("identified_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
)
milestones = columns.pupil_history("register_ehcp_milestones", *columns.milestone_columns())


def _latest(table: sa.Table) -> sa.ScalarSelect[Any]:
    """The pupil's most recently recorded row of ``table``."""
    earlier = table.alias()
    return (
        sa.select(sa.func.max(earlier.c.version))
        .where(earlier.c.pupil_id == sa.bindparam("w_pupil_id"))
        .scalar_subquery()
    )


# Parents are notified of the status in force when they are told: the latest one recorded.
_notify = (
    statuses.update()
    .where(statuses.c.pupil_id == sa.bindparam("w_pupil_id"), statuses.c.version == _latest(statuses))
    .values(parents_notified_on=sa.bindparam("v_notified_on"))
)
# A corrected class puts right the class the pupil is in now, not the ones before.
_correct_class = (
    classes.update()
    .where(classes.c.pupil_id == sa.bindparam("w_pupil_id"), classes.c.version == _latest(classes))
    .values(class_name=sa.bindparam("v_class_name"))
)
_end_need = (
    needs.update()
    .where(
        needs.c.pupil_id == sa.bindparam("w_pupil_id"),
        needs.c.need_type == sa.bindparam("w_need_type"),
        needs.c.ended_on.is_(None),
    )
    .values(ended_on=sa.bindparam("v_ended_on"))
)

PERSONAL_DETAILS = ("upn", "given_name", "family_name", "date_of_birth")


class SenRegister(Projection):
    name = "register"
    tables = (roll, classes, statuses, needs, milestones)

    @handles(Pupil.Registered)
    def registered(self, e: Any, batch: Batch) -> None:
        batch.insert(
            roll,
            {
                **columns.pupil_identity_row(e),
                "admitted_on": e.admitted_on,
                "left_on": None,
            },
        )
        batch.insert(classes, columns.pupil_history_row(e, class_name=e.class_name, since=None))

    @handles(Pupil.DetailsCorrected)
    def details_corrected(self, e: Any, batch: Batch) -> None:
        personal = {k: v for k, v in e.changes.items() if k in PERSONAL_DETAILS}
        if personal:
            batch.update(roll, {"pupil_id": e.originator_id}, personal)
        if "class_name" in e.changes:
            batch.execute(
                _correct_class, {"w_pupil_id": e.originator_id, "v_class_name": e.changes["class_name"]}
            )

    @handles(Pupil.MovedClass)
    def moved_class(self, e: Any, batch: Batch) -> None:
        batch.insert(classes, columns.pupil_history_row(e, class_name=e.class_name, since=e.moved_on))

    @handles(Pupil.SenStatusChanged)
    def sen_status_changed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            statuses,
            columns.pupil_history_row(
                e,
                status=e.status.value,
                effective_on=e.effective_on,
                parents_notified_on=e.parents_notified_on,
            ),
        )

    @handles(Pupil.ParentsNotified)
    def parents_notified(self, e: Any, batch: Batch) -> None:
        batch.execute(_notify, {"w_pupil_id": e.originator_id, "v_notified_on": e.notified_on})

    @handles(Pupil.NeedIdentified)
    def need_identified(self, e: Any, batch: Batch) -> None:
        batch.insert(
            needs,
            columns.pupil_history_row(
                e, need_type=e.need_type.value, rank=e.rank, identified_on=e.identified_on, ended_on=None
            ),
        )

    @handles(Pupil.NeedEnded)
    def need_ended(self, e: Any, batch: Batch) -> None:
        batch.execute(
            _end_need,
            {"w_pupil_id": e.originator_id, "w_need_type": e.need_type.value, "v_ended_on": e.ended_on},
        )

    @handles(Pupil.EhcpMilestoneRecorded)
    def ehcp_milestone(self, e: Any, batch: Batch) -> None:
        batch.insert(
            milestones, columns.pupil_history_row(e, milestone=e.milestone.value, reached_on=e.reached_on)
        )

    @handles(Pupil.LeftSetting)
    def left(self, e: Any, batch: Batch) -> None:
        batch.update(roll, {"pupil_id": e.originator_id}, {"left_on": e.left_on})


# -- the query ----------------------------------------------------------------

ON_REGISTER = ("K", "E")


def _of_setting(table: sa.Table, setting_id: UUID, *where: Any) -> sa.Select[Any]:
    return (
        sa.select(table)
        .join(roll, roll.c.pupil_id == table.c.pupil_id)
        .where(roll.c.setting_id == setting_id, *where)
        .order_by(table.c.pupil_id, table.c.version)
    )


def _statuses_on(conn: sa.Connection, setting_id: UUID, as_of: date) -> dict[UUID, Any]:
    """Each pupil's status in force on ``as_of``: the last to take effect by
    then, and of two on one day the one recorded later."""
    rows = conn.execute(_of_setting(statuses, setting_id, statuses.c.effective_on <= as_of))
    in_force: dict[UUID, Any] = {}
    for row in rows:
        held = in_force.get(row.pupil_id)
        if held is None or (row.effective_on, row.version) > (held.effective_on, held.version):
            in_force[row.pupil_id] = row
    return in_force


def _classes_on(conn: sa.Connection, setting_id: UUID, as_of: date) -> dict[UUID, str]:
    rows = conn.execute(
        _of_setting(classes, setting_id, sa.or_(classes.c.since.is_(None), classes.c.since <= as_of))
    )
    latest: dict[UUID, tuple[date, int, str]] = {}
    for row in rows:
        key = (row.since or date.min, row.version, row.class_name)
        if row.pupil_id not in latest or key > latest[row.pupil_id]:
            latest[row.pupil_id] = key
    return {pupil_id: key[2] for pupil_id, key in latest.items()}


def _needs_on(conn: sa.Connection, setting_id: UUID, as_of: date) -> dict[UUID, list[str]]:
    """Each pupil's needs current on ``as_of``, primary first.

    A secondary need left on its own takes the primary's place, and a need
    identified after it ranks behind it: so current needs rank by their rank
    when identified, then by the order they were recorded."""
    rows = conn.execute(
        _of_setting(
            needs,
            setting_id,
            needs.c.identified_on <= as_of,
            sa.or_(needs.c.ended_on.is_(None), needs.c.ended_on > as_of),
        )
    )
    current: dict[UUID, list[tuple[int, int, str]]] = {}
    for row in rows:
        current.setdefault(row.pupil_id, []).append((row.rank, row.version, row.need_type))
    return {pupil_id: [n[2] for n in sorted(found)][:2] for pupil_id, found in current.items()}


def _milestones_by(conn: sa.Connection, setting_id: UUID, as_of: date) -> dict[UUID, list[dict[str, Any]]]:
    rows = conn.execute(_of_setting(milestones, setting_id, milestones.c.reached_on <= as_of))
    reached: dict[UUID, list[dict[str, Any]]] = {}
    for row in rows:
        reached.setdefault(row.pupil_id, []).append(
            {"milestone": row.milestone, "reached_on": row.reached_on}
        )
    return reached


def _on_roll(conn: sa.Connection, setting_id: UUID, as_of: date) -> Iterable[Any]:
    return conn.execute(
        sa.select(roll)
        .where(
            roll.c.setting_id == setting_id,
            roll.c.admitted_on <= as_of,
            sa.or_(roll.c.left_on.is_(None), roll.c.left_on > as_of),
        )
        .order_by(roll.c.family_name, roll.c.given_name, roll.c.pupil_id)
    ).all()


def _need(code: str | None) -> tuple[str | None, str | None]:
    if code is None:
        return None, None
    area = NeedType(code).area
    return code, area.value if area else None


@reads("register")
def register_rows(
    conn: sa.Connection, setting_id: UUID, as_of: date, *, include_no_sen: bool = False
) -> list[dict[str, Any]]:
    """The setting's pupils with SEN provision (K or E) on ``as_of``, by name;
    with ``include_no_sen``, every other pupil on roll that day too (N)."""
    in_force = _statuses_on(conn, setting_id, as_of)
    class_of = _classes_on(conn, setting_id, as_of)
    needs_of = _needs_on(conn, setting_id, as_of)
    reached = _milestones_by(conn, setting_id, as_of)
    rows = []
    for pupil in _on_roll(conn, setting_id, as_of):
        status = in_force.get(pupil.pupil_id)
        sen_status = status.status if status else "N"
        # With no SEN, listed only if asked for.
        if sen_status not in ON_REGISTER and not include_no_sen:
            continue
        current = needs_of.get(pupil.pupil_id, [])
        primary, primary_area = _need(current[0] if current else None)
        secondary, secondary_area = _need(current[1] if len(current) > 1 else None)
        notified = status.parents_notified_on if status else None
        rows.append(
            {
                "pupil_id": pupil.pupil_id,
                "upn": pupil.upn,
                "given_name": pupil.given_name,
                "family_name": pupil.family_name,
                "name": f"{pupil.given_name} {pupil.family_name}",
                "date_of_birth": pupil.date_of_birth,
                "year_group": year_group(pupil.date_of_birth, as_of),
                "class_name": class_of.get(pupil.pupil_id, ""),
                "sen_status": sen_status,
                "sen_status_since": status.effective_on if status else None,
                # Notified after the day asked about: not yet notified on it.
                "parents_notified_on": notified if notified and notified <= as_of else None,
                "primary_need": primary,
                "primary_need_area": primary_area,
                "secondary_need": secondary,
                "secondary_need_area": secondary_area,
                "ehcp_milestones": reached.get(pupil.pupil_id, []),
            }
        )
    return rows


def register_totals(rows: list[dict[str, Any]], *, include_no_sen: bool = False) -> dict[str, Any]:
    """Pupils per SEN status, and per primary need of those on the register (K or E)."""
    by_status = Counter(r["sen_status"] for r in rows)
    by_need = Counter(r["primary_need"] or "none" for r in rows if r["sen_status"] in ON_REGISTER)
    counted = (*ON_REGISTER, "N") if include_no_sen else ON_REGISTER
    return {
        "pupils": len(rows),
        "on_register": sum(by_status[s] for s in ON_REGISTER),
        "by_status": {s: by_status[s] for s in counted},
        "by_primary_need": dict(sorted(by_need.items())),
    }


# -- census readiness -----------------------------------------------------------
#
# What the DfE's school census would reject in the register, shown before the census does.
# Rule numbers as the census validation lists them: 1530 (confirmed in two sources: the
# school census's rule as suppliers publish it, and the children in need census's);
# 2170 and 2125 as a third-party list of school census errors gives them, not checked
# against the DfE's current specification.

STATUS_WORDS = {"K": "On SEN support (K)", "E": "With an EHC plan (E)"}


def census_problems(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each census problem in ``rows`` (every pupil on roll: ``include_no_sen``), by pupil:
    a pupil on SEN support or with an EHC plan and no primary need (rule 2170), a pupil with
    no SEN still holding needs (rule 2125), a UPN whose characters 2-4 are not an LA code
    (rule 1530). Each goes when the event that puts it right is recorded."""
    problems = []
    for row in rows:
        problems += [
            {
                "pupil_id": row["pupil_id"],
                "pupil_name": row["name"],
                "upn": row["upn"],
                "field": field,
                "problem": problem,
                "census_rule": rule,
            }
            for field, problem, rule in _problems_of(row)
        ]
    return problems


def _problems_of(row: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    status, needs = row["sen_status"], [n for n in (row["primary_need"], row["secondary_need"]) if n]
    if status in ON_REGISTER and not needs:
        yield (
            "primary_need",
            f"{STATUS_WORDS[status]} with no primary need recorded. Record the "
            "primary need (rank 1): the census needs one for every pupil on the register.",
            "2170",
        )
    if status not in ON_REGISTER and needs:
        held = " and ".join(needs)
        yield (
            "needs",
            f"No SEN (N), yet {'a need is' if len(needs) == 1 else 'needs are'} still recorded "
            f"({held}). End {'it' if len(needs) == 1 else 'them'}, or record the pupil's SEN "
            "status: the census takes needs only for pupils on the register.",
            "2125",
        )
    code = unrecognised_la_code(row["upn"])
    if code is not None:
        yield (
            "upn",
            f"The UPN {row['upn']} starts with LA number {code}, which the census does not "
            "recognise. Check the UPN with the pupil's previous school or the LA, and correct it.",
            "1530",
        )
