"""The impact report, from the tallies the read models keep: each pupil's latest
pair per measure and each place's marks, never the sessions themselves.

Cost is what was delivered: an intervention's *delivered cost* is its cost per year
times the share of a school year's sessions it delivered, sessions delivered (not
voided) over sessions a week (the timetable in force on the last day it ran, or
today) times 38 weeks. A school meets for 380 sessions (half-days) a year, 190 days
or 38 weeks (The Education (School Day and School Year) (England) Regulations 1999,
reg. 3(1) and (2)). By hand: £1,200 a year, three sessions a week, 57 delivered:
57 / (3 x 38) = 0.5 of a year, £600; over the 3 pupils who took part, £200 each.
An area's cost per pupil is the sum of its interventions' delivered costs over its
pupils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.school_year import year_group
from apdr.projections.impact.statistics import Pair, measure_summaries
from apdr.projections.impact.tables import assessments, latest
from apdr.projections.projection import reads
from apdr.projections.provision_map import (
    attendance,
    enrolments,
    interventions,
    money,
    percent,
    schedules,
)
from apdr.projections.pupils import pupils


@reads("impact", "pupils")
def impact_pairs(conn: sa.Connection, setting_id: UUID) -> list[Pair]:
    """Each pupil's latest baseline and, after it, latest exit, per intervention and measure."""
    exit_later = sa.or_(
        latest.c.exit_on > latest.c.baseline_on,
        sa.and_(latest.c.exit_on == latest.c.baseline_on, latest.c.exit_at > latest.c.baseline_at),
    )
    rows = conn.execute(
        sa.select(latest, pupils.c.date_of_birth)
        .join(pupils, pupils.c.pupil_id == latest.c.pupil_id)
        .where(pupils.c.setting_id == setting_id, latest.c.baseline_at.is_not(None), exit_later)
    )
    return [
        Pair(
            r.pupil_id,
            r.intervention_id,
            r.instrument,
            r.measure,
            r.scale,
            Decimal(r.baseline),
            r.baseline_on,
            Decimal(r.exit),
            r.exit_on,
            year_group(r.date_of_birth, r.baseline_on),
        )
        for r in rows
    ]


def _participation(conn: sa.Connection, setting_id: UUID) -> list[dict[str, Any]]:
    """Per intervention and pupil: enrolment outcome, sessions had and attended (the
    provision map's tallies: every session, so no session is read)."""
    places = conn.execute(
        sa.select(
            enrolments.c.intervention_id,
            enrolments.c.pupil_id,
            sa.func.max(sa.case((enrolments.c.withdrawn, 1), else_=0)).label("withdrawn"),
            sa.func.min(enrolments.c.starts_on).label("starts_on"),
            pupils.c.date_of_birth,
            sa.func.coalesce(sa.func.max(attendance.c.marked), 0).label("marked"),
            sa.func.coalesce(sa.func.max(attendance.c.attended), 0).label("attended"),
        )
        .join(interventions, interventions.c.intervention_id == enrolments.c.intervention_id)
        .join(pupils, pupils.c.pupil_id == enrolments.c.pupil_id)
        .outerjoin(
            attendance,
            sa.and_(
                attendance.c.intervention_id == enrolments.c.intervention_id,
                attendance.c.pupil_id == enrolments.c.pupil_id,
            ),
        )
        .where(interventions.c.setting_id == setting_id)
        .group_by(enrolments.c.intervention_id, enrolments.c.pupil_id, pupils.c.date_of_birth)
    )
    return [
        {
            "intervention_id": place.intervention_id,
            "pupil_id": place.pupil_id,
            "withdrawn": place.withdrawn,
            "starts_on": place.starts_on,
            "date_of_birth": place.date_of_birth,
            "marked": place.marked,
            "attended": place.attended,
        }
        for place in places
    ]


def _sessions_delivered(intervention_rows: Iterable[Any]) -> dict[UUID, int]:
    """Each intervention's sessions delivered and not voided, as the provision map tallies them."""
    return {i.intervention_id: i.sessions_delivered for i in intervention_rows}


TEACHING_WEEKS_PER_YEAR = 38
"""380 sessions a school year, two a day (The Education (School Day and School Year)
(England) Regulations 1999, reg. 3(1) and (2)): 190 days, 38 weeks."""


def _sessions_a_week(conn: sa.Connection, setting_id: UUID, last_day: dict[UUID, date]) -> dict[UUID, int]:
    """Each intervention's sessions a week, as timetabled on the last day it ran (``last_day``):
    the schedule in force then, or, before any took effect, the first."""
    rows = conn.execute(
        sa.select(schedules.c.intervention_id, schedules.c.effective_on, schedules.c.weekdays)
        .join(interventions, interventions.c.intervention_id == schedules.c.intervention_id)
        .where(interventions.c.setting_id == setting_id)
        .order_by(schedules.c.intervention_id, schedules.c.effective_on, schedules.c.position)
    )
    found: dict[UUID, int] = {}
    for r in rows:
        if r.intervention_id not in found or r.effective_on <= last_day[r.intervention_id]:
            found[r.intervention_id] = len(r.weekdays.split(","))
    return found


def delivered_cost(cost_per_year: Decimal, sessions_delivered: int, sessions_a_week: int) -> Decimal:
    """The cost per year times the share of a school year's sessions delivered."""
    a_year = sessions_a_week * TEACHING_WEEKS_PER_YEAR
    return cost_per_year * sessions_delivered / a_year if a_year else Decimal(0)


class _Tally:
    def __init__(self, costed: bool = True) -> None:
        self.costed = costed
        self.pupils: set[UUID] = set()
        self.completed = self.withdrawn = self.in_progress = 0
        self.marked = self.attended = 0
        self.cost = Decimal(0)
        self.interventions: set[UUID] = set()
        self.pairs: list[Pair] = []

    def as_dict(self) -> dict[str, Any]:
        cost_per_pupil = self.cost / len(self.pupils) if self.pupils and self.costed else None
        return {
            "interventions": len(self.interventions),
            "pupils": len(self.pupils),
            "completion": {
                "completed": self.completed,
                "withdrawn": self.withdrawn,
                "in_progress": self.in_progress,
                "completed_percent": percent(self.completed, self.completed + self.withdrawn),
            },
            "attendance_percent": percent(self.attended, self.marked),
            "cost_per_pupil": money(cost_per_pupil) if cost_per_pupil is not None else None,
            "measures": measure_summaries(self.pairs, cost_per_pupil),
        }


@reads("pupils", "provision_map", "impact")
def impact_report(conn: sa.Connection, setting_id: UUID, today: date) -> dict[str, Any]:
    intervention_rows = {
        r.intervention_id: r
        for r in conn.execute(
            sa.select(interventions)
            .where(interventions.c.setting_id == setting_id)
            .order_by(interventions.c.starts_on)
        )
    }
    sessions_delivered = _sessions_delivered(intervention_rows.values())
    pairs = impact_pairs(conn, setting_id)
    per_intervention: dict[UUID, _Tally] = defaultdict(_Tally)
    per_area: dict[str, _Tally] = defaultdict(_Tally)
    # Costs belong to interventions, not to year groups: a year group's figures carry none.
    per_year: dict[int, _Tally] = defaultdict(lambda: _Tally(costed=False))
    for p in _participation(conn, setting_id):
        i = intervention_rows[p["intervention_id"]]
        ended = i.ended_on is not None and i.ended_on <= today
        year = year_group(p["date_of_birth"], p["starts_on"])
        for tally in (per_intervention[p["intervention_id"]], per_area[i.area_of_need], per_year[year]):
            tally.pupils.add(p["pupil_id"])
            tally.interventions.add(p["intervention_id"])
            tally.withdrawn += int(p["withdrawn"])
            tally.completed += int(not p["withdrawn"] and ended)
            tally.in_progress += int(not p["withdrawn"] and not ended)
            tally.marked += p["marked"]
            tally.attended += p["attended"]
    last_day = {k: min(today, i.ended_on) if i.ended_on else today for k, i in intervention_rows.items()}
    a_week = _sessions_a_week(conn, setting_id, last_day)
    for intervention_id, i in intervention_rows.items():
        delivered = sessions_delivered[intervention_id]
        cost = delivered_cost(i.cost_per_year, delivered, a_week.get(intervention_id, 0))
        per_intervention[intervention_id].cost = cost
        per_area[i.area_of_need].cost += cost
    for pair in pairs:
        per_intervention[pair.intervention_id].pairs.append(pair)
        per_area[intervention_rows[pair.intervention_id].area_of_need].pairs.append(pair)
        per_year[pair.year_group].pairs.append(pair)
    return {
        "interventions": [
            {
                "intervention_id": intervention_id,
                "name": i.name,
                "area_of_need": i.area_of_need,
                "starts_on": i.starts_on,
                "ended_on": i.ended_on,
                "sessions_delivered": sessions_delivered[intervention_id],
                **{
                    k: v
                    for k, v in per_intervention[intervention_id].as_dict().items()
                    if k != "interventions"
                },
            }
            for intervention_id, i in intervention_rows.items()
        ],
        "by_area": [{"area_of_need": area, **tally.as_dict()} for area, tally in sorted(per_area.items())],
        "by_year_group": [
            {"year_group": year, **{k: v for k, v in tally.as_dict().items() if k != "cost_per_pupil"}}
            for year, tally in sorted(per_year.items())
        ],
    }


@reads("impact")
def pupil_assessments(conn: sa.Connection, pupil_id: UUID) -> list[dict[str, Any]]:
    """The pupil's assessments in the order they were taken, each as corrections
    have left it."""
    rows = conn.execute(
        sa.select(*(c for c in assessments.c if c.key != "position"))
        .where(assessments.c.pupil_id == pupil_id)
        .order_by(
            assessments.c.assessed_on,
            assessments.c.instrument,
            assessments.c.measure,
            assessments.c.assessment_id,
        )
    )
    return [dict(row._mapping) for row in rows]
