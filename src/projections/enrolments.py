"""Ending enrolments, as the chronology and the provision map both keep them:
a table with ``intervention_id``, ``pupil_id`` and ``ends_on`` (none while open).

Each read model makes its statements once, at import, from its own table, and
its handlers add them to the batch with the event's values.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from apdr.projections.projection import Batch


def enrolment_row(e: Any, **also: Any) -> dict[str, Any]:
    """An open enrolment's row for an ``Intervention.PupilEnrolled``; ``also`` adds more columns."""
    return {
        "enrolment_id": e.enrolment_id,
        "intervention_id": e.originator_id,
        "pupil_id": e.pupil_id,
        "starts_on": e.starts_on,
        "ends_on": None,
        **also,
    }


def withdraw_statement(enrolments: sa.Table, **also: Any) -> sa.Update:
    """End one pupil's open enrolment in an intervention; ``also`` sets more columns."""
    return (
        enrolments.update()
        .where(
            enrolments.c.intervention_id == sa.bindparam("w_intervention_id"),
            enrolments.c.pupil_id == sa.bindparam("w_pupil_id"),
            enrolments.c.ends_on.is_(None),
        )
        .values(ends_on=sa.bindparam("v_ends_on"), **also)
    )


def end_enrolments_statement(enrolments: sa.Table) -> sa.Update:
    """End every open enrolment in an intervention."""
    return (
        enrolments.update()
        .where(
            enrolments.c.intervention_id == sa.bindparam("w_intervention_id"), enrolments.c.ends_on.is_(None)
        )
        .values(ends_on=sa.bindparam("v_ends_on"))
    )


def withdraw(batch: Batch, statement: sa.Update, e: Any) -> None:
    """Add ``statement`` (a ``withdraw_statement``) for an ``Intervention.PupilWithdrawn``."""
    batch.execute(
        statement,
        {"w_intervention_id": e.originator_id, "w_pupil_id": e.pupil_id, "v_ends_on": e.withdrawn_on},
    )


def end_enrolments(batch: Batch, statement: sa.Update, e: Any) -> None:
    """Add ``statement`` (an ``end_enrolments_statement``) for an ``Intervention.Ended``."""
    batch.execute(statement, {"w_intervention_id": e.originator_id, "v_ends_on": e.ended_on})
