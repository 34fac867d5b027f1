"""The ``Impact`` projection: keeps each assessment as corrections leave it, and
each pair's latest baseline and exit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Pupil
from apdr.projections.impact.tables import PAIRED, assessments, latest
from apdr.projections.projection import Batch, Projection, handles


class Impact(Projection):
    name = "impact"
    tables = (assessments, latest)

    @handles(Pupil.AssessmentRecorded)
    def assessment_recorded(self, e: Any, batch: Batch) -> None:
        if e.intervention_id is not None and e.kind.value in PAIRED:
            key = _latest_key(e.originator_id, e.intervention_id, e.instrument, e.measure, e.scale.value)
            _record_latest(batch, key, e.kind.value, e.value, e.assessed_on)
        row = {
            "assessment_id": e.assessment_id,
            "pupil_id": e.originator_id,
            "intervention_id": e.intervention_id,
            "instrument": e.instrument,
            "measure": e.measure,
            "scale": e.scale.value,
            "kind": e.kind.value,
            "value": e.value,
            "assessed_on": e.assessed_on,
            "position": batch.position,
        }
        batch.insert(assessments, row)
        _note(batch, row)

    @handles(Pupil.AssessmentCorrected)
    def assessment_corrected(self, e: Any, batch: Batch) -> None:
        batch.update(
            assessments,
            {"pupil_id": e.originator_id, "assessment_id": e.assessment_id},
            {"value": e.value, "assessed_on": e.assessed_on},
        )
        was = _assessment(batch, e.originator_id, e.assessment_id)
        if was is not None:
            corrected = {**was, "value": e.value, "assessed_on": e.assessed_on}
            _note(batch, corrected)
            _find_latest_again(batch, corrected)


# -- what this batch has written, so that a correction need not send the batch to read it back --


def _note(batch: Batch, row: dict[str, Any]) -> None:
    """Note an assessment as written, by itself and among its pair's: every write of
    the assessments is noted, so what is not noted can be read without sending the batch
    (sent in pieces, a rebuild's batch loses the grouping of its writes)."""
    batch.note((assessments.name, row["assessment_id"]), row)
    if row["intervention_id"] is not None and row["kind"] in PAIRED:
        of_pair = batch.noted(_pair(row))
        if of_pair is None:
            batch.note(_pair(row), of_pair := {})
        of_pair[row["assessment_id"]] = row


def _pair(assessment: dict[str, Any]) -> tuple[Any, ...]:
    """What the assessments of one pair (one row of ``latest``) are noted under."""
    return (latest.name, *_row_key(assessment))


def _assessment(batch: Batch, pupil_id: UUID, assessment_id: UUID) -> dict[str, Any] | None:
    return batch.as_written(
        (assessments.name, assessment_id),
        sa.select(assessments).where(
            assessments.c.pupil_id == pupil_id, assessments.c.assessment_id == assessment_id
        ),
        sa.Row._asdict,
    )


# -- each pair's latest baseline and exit ----------------------------------------------


def _latest_key(
    pupil_id: UUID, intervention_id: UUID, instrument: str, measure: str, scale: str
) -> dict[str, Any]:
    return {
        "pupil_id": pupil_id,
        "intervention_id": intervention_id,
        "instrument": instrument,
        "measure": measure,
        "scale": scale,
    }


_KEY = ("pupil_id", "intervention_id", "instrument", "measure", "scale")
_open_latest = latest.insert().from_select(
    list(_KEY),
    sa.select(*(sa.bindparam(f"o_{k}", type_=latest.c[k].type) for k in _KEY)).where(
        ~sa.exists().where(*(latest.c[k] == sa.bindparam(f"o_{k}", type_=latest.c[k].type) for k in _KEY))
    ),
)


def _newer_statement(kind: str) -> sa.Update:
    """Set the ``kind`` to the one recorded now if it is on the same day as the one kept
    or later (recorded now, it is the later recorded of two on one day)."""
    on = latest.c[f"{kind}_on"]
    newer = sa.or_(on.is_(None), on <= sa.bindparam("v_on", type_=sa.Date))
    return (
        latest.update()
        .where(*(latest.c[k] == sa.bindparam(f"w_{k}") for k in _KEY))
        .values(
            {
                kind: sa.case(
                    (newer, sa.bindparam("v_value", type_=latest.c[kind].type)), else_=latest.c[kind]
                ),
                f"{kind}_on": sa.case((newer, sa.bindparam("v_on", type_=sa.Date)), else_=on),
                f"{kind}_at": sa.case(
                    (newer, sa.bindparam("v_at", type_=sa.BigInteger)), else_=latest.c[f"{kind}_at"]
                ),
            }
        )
    )


_newer = {kind: _newer_statement(kind) for kind in PAIRED}
_set_latest = (
    latest.update()
    .where(*(latest.c[k] == sa.bindparam(f"w_{k}") for k in _KEY))
    .values(
        {
            f"{kind}{part}": sa.bindparam(f"v_{kind}{part}", type_=latest.c[f"{kind}{part}"].type)
            for kind in PAIRED
            for part in ("", "_on", "_at")
        }
    )
)


def _row_key(key: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(key[k] for k in _KEY)


def _record_latest(batch: Batch, key: dict[str, Any], kind: str, value: Decimal, assessed_on: date) -> None:
    """An assessment recorded: it is the latest of its kind unless one kept is on a later day."""
    batch.execute(_open_latest, {f"o_{k}": v for k, v in key.items()}, _row_key(key))
    batch.execute(
        _newer[kind],
        {
            **{f"w_{k}": v for k, v in key.items()},
            "v_value": value,
            "v_on": assessed_on,
            "v_at": batch.position,
        },
        _row_key(key),
    )


def _find_latest_again(batch: Batch, corrected: dict[str, Any]) -> None:
    """An assessment corrected: its new date may make it, or another, the latest,
    so its pair's latest baseline and exit are found again among all of them."""
    if corrected["intervention_id"] is None or corrected["kind"] not in PAIRED:
        return
    key = {k: corrected[k] for k in _KEY}
    taken = {
        a.assessment_id: a._asdict()
        for a in batch.read(
            sa.select(assessments).where(
                *(assessments.c[k] == v for k, v in key.items()), assessments.c.kind.in_(PAIRED)
            ),
            send_first=False,
        )
    }
    taken.update(batch.noted(_pair(key)) or {})
    values: dict[str, Any] = {}
    for kind in PAIRED:
        of_kind = (a for a in taken.values() if a["kind"] == kind)
        last = max(of_kind, key=lambda a: (a["assessed_on"], a["position"]), default=None)
        values[f"v_{kind}"] = None if last is None else last["value"]
        values[f"v_{kind}_on"] = None if last is None else last["assessed_on"]
        values[f"v_{kind}_at"] = None if last is None else last["position"]
    batch.execute(_set_latest, {**{f"w_{k}": v for k, v in key.items()}, **values}, _row_key(key))
