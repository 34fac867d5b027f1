"""What the policies watch that no other read model keeps.

- the settings (so the scheduler and ``apdr policies run`` can visit each);
- support plans: their pupil, the review date as it moves, each review with
  a rating per outcome, and when the plan closed;
- staff training: programme, when completed, when it expires (the staff
  themselves, and their setting, are the provision map's);
- each pupil's EHCP milestones;
- each pupil's current SEN status and when parents were notified of it;
- observations of how interventions are delivered (Core Standard Five descriptor 17:
  the setting monitors how often and how well support is delivered, and keeps a record).

Interventions, staff, enrolments, sessions, attendance and intervention
reviews are the provision map's; pupils are the directory's; assessments are
the impact read model's. Policies read those tables directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import Intervention, Pupil, Setting, StaffMember, SupportPlan
from apdr.projections.columns import (
    clustered_table,
    keyed_table,
    milestone_columns,
    pupil_history,
    pupil_history_row,
    uuid_key,
)
from apdr.projections.projection import Batch, Projection, handles, reads
from apdr.projections.provision_map import interventions

settings = keyed_table(
    "monitoring_settings",
    "setting_id",
    sa.Column("urn", sa.String(6), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
)
plans = keyed_table(
    "monitoring_plans",
    "plan_id",
    sa.Column("setting_id", sa.Uuid, nullable=False, index=True),
    sa.Column("pupil_id", sa.Uuid, nullable=False, index=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("follows_plan_id", sa.Uuid),
    sa.Column("position", sa.BigInteger, nullable=False),  # in the log: the order plans were drafted
    sa.Column("first_review_due_on", sa.Date, nullable=False),
    # The review date as it stands now: moved, or set by the last review.
    sa.Column("review_due_on", sa.Date),
    sa.Column("closed_on", sa.Date),
)
# A plan's outcomes, reviews and ratings are kept together under the plan (on
# SQLite the tables are that order itself): each event's rows land on one page,
# with no second index to keep, which keeps a rebuild quick.
outcomes = clustered_table(
    "monitoring_plan_outcomes",
    *uuid_key("plan_id", "outcome_id"),
    sa.Column("description", sa.Text, nullable=False),
)
plan_reviews = clustered_table(
    "monitoring_plan_reviews",
    *uuid_key("plan_id", "review_id"),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("next_review_due_on", sa.Date),
    # Whether the review recorded the pupil's and the parents' views (any text):
    # what governors and inspectors ask of a review held with the family.
    sa.Column("pupil_views_recorded", sa.Boolean, nullable=False),
    sa.Column("parent_views_recorded", sa.Boolean, nullable=False),
)
ratings = clustered_table(
    "monitoring_outcome_ratings",
    *uuid_key("plan_id", "review_id", "outcome_id"),
    sa.Column("rating", sa.String(12), nullable=False),
)
training = keyed_table(
    "monitoring_training",
    "training_id",
    sa.Column("staff_id", sa.Uuid, nullable=False, index=True),
    sa.Column("programme", sa.String(200), nullable=False),
    # Programmes match whatever their case and spacing (as StaffMember.is_trained_in does).
    sa.Column("programme_key", sa.String(200), nullable=False),
    sa.Column("completed_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date),
)
ehcp_milestones = pupil_history("monitoring_ehcp_milestones", *milestone_columns())
# Observations of an intervention's delivery; the intervention (and so the setting)
# is the provision map's.
observations = keyed_table(
    "monitoring_observations",
    "observation_id",
    sa.Column("intervention_id", sa.Uuid, nullable=False, index=True),
    sa.Column("observed_on", sa.Date, nullable=False),
    sa.Column("observer", sa.String(200), nullable=False),
    sa.Column("fidelity", sa.Integer, nullable=False),  # 1 not as designed ... 4 fully as designed
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("actions", sa.Text, nullable=False),
)
sen_status = keyed_table(
    "monitoring_sen_status",
    "pupil_id",
    sa.Column("change_id", sa.Uuid, nullable=False),
    sa.Column("status", sa.String(1), nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("parents_notified_on", sa.Date),
)


@reads("monitoring")
def registered_urns(conn: sa.Connection) -> list[str]:
    """The URN of every setting registered, in order."""
    return list(conn.execute(sa.select(settings.c.urn).order_by(settings.c.urn)).scalars())


@reads("monitoring")
def setting_ids(conn: sa.Connection) -> list[UUID]:
    """Every setting, by URN: the ones a scheduled run visits."""
    return list(conn.execute(sa.select(settings.c.setting_id).order_by(settings.c.urn)).scalars())


def programme_key(programme: str) -> str:
    return programme.strip().casefold()


class Monitoring(Projection):
    name = "monitoring"
    tables = (
        settings,
        plans,
        outcomes,
        plan_reviews,
        ratings,
        training,
        ehcp_milestones,
        sen_status,
        observations,
    )

    @handles(Setting.Registered)
    def setting_registered(self, e: Any, batch: Batch) -> None:
        batch.insert(settings, {"setting_id": e.originator_id, "urn": e.urn, "name": e.name})

    # -- support plans ----------------------------------------------------

    @handles(SupportPlan.Drafted)
    def plan_drafted(self, e: Any, batch: Batch) -> None:
        batch.insert(
            plans,
            {
                "plan_id": e.originator_id,
                "setting_id": e.setting_id,
                "pupil_id": e.pupil_id,
                "starts_on": e.starts_on,
                "follows_plan_id": e.follows_plan_id,
                "position": batch.position,
                "first_review_due_on": e.review_due_on,
                "review_due_on": e.review_due_on,
                "closed_on": None,
            },
        )
        for outcome in e.outcomes:
            self._outcome(batch, e.originator_id, outcome)

    def _outcome(self, batch: Batch, plan_id: Any, outcome: dict[str, Any]) -> None:
        batch.insert(
            outcomes, {"outcome_id": outcome["id"], "plan_id": plan_id, "description": outcome["description"]}
        )

    @handles(SupportPlan.OutcomeAdded)
    def outcome_added(self, e: Any, batch: Batch) -> None:
        self._outcome(batch, e.originator_id, e.outcome)

    @handles(SupportPlan.OutcomeRevised)
    def outcome_revised(self, e: Any, batch: Batch) -> None:
        if "description" in e.changes:
            batch.update(
                outcomes,
                {"plan_id": e.originator_id, "outcome_id": e.outcome_id},
                {"description": e.changes["description"]},
            )

    @handles(SupportPlan.ReviewMoved)
    def review_moved(self, e: Any, batch: Batch) -> None:
        batch.update(plans, {"plan_id": e.originator_id}, {"review_due_on": e.review_due_on})

    @handles(SupportPlan.Reviewed)
    def plan_reviewed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            plan_reviews,
            {
                "review_id": e.review_id,
                "plan_id": e.originator_id,
                "reviewed_on": e.reviewed_on,
                "decision": e.decision.value,
                "next_review_due_on": e.next_review_due_on,
                "pupil_views_recorded": bool(e.pupil_views.strip()),
                "parent_views_recorded": bool(e.parent_views.strip()),
            },
        )
        for rated in e.outcomes:
            batch.insert(
                ratings,
                {
                    "plan_id": e.originator_id,
                    "review_id": e.review_id,
                    "outcome_id": rated["outcome_id"],
                    "rating": rated["rating"].value,
                },
            )
        if e.next_review_due_on is not None:
            batch.update(plans, {"plan_id": e.originator_id}, {"review_due_on": e.next_review_due_on})

    @handles(SupportPlan.Closed)
    def plan_closed(self, e: Any, batch: Batch) -> None:
        batch.update(plans, {"plan_id": e.originator_id}, {"closed_on": e.closed_on})

    # -- staff training ---------------------------------------------------

    @handles(StaffMember.TrainingRecorded)
    def training_recorded(self, e: Any, batch: Batch) -> None:
        batch.insert(
            training,
            {
                "training_id": e.training_id,
                "staff_id": e.originator_id,
                "programme": e.programme,
                "programme_key": programme_key(e.programme),
                "completed_on": e.completed_on,
                "expires_on": e.expires_on,
            },
        )

    # -- monitoring delivery -------------------------------------------------

    @handles(Intervention.DeliveryObserved)
    def delivery_observed(self, e: Any, batch: Batch) -> None:
        batch.insert(
            observations,
            {
                "observation_id": e.observation_id,
                "intervention_id": e.originator_id,
                "observed_on": e.observed_on,
                "observer": e.observer,
                "fidelity": e.fidelity,
                "notes": e.notes,
                "actions": e.actions,
            },
        )

    # -- the pupil's statutory record ---------------------------------------

    @handles(Pupil.EhcpMilestoneRecorded)
    def ehcp_milestone(self, e: Any, batch: Batch) -> None:
        batch.insert(
            ehcp_milestones, pupil_history_row(e, milestone=e.milestone.value, reached_on=e.reached_on)
        )

    @handles(Pupil.SenStatusChanged)
    def sen_status_changed(self, e: Any, batch: Batch) -> None:
        batch.delete(sen_status, {"pupil_id": e.originator_id})
        batch.insert(
            sen_status,
            {
                "pupil_id": e.originator_id,
                "change_id": e.change_id,
                "status": e.status.value,
                "effective_on": e.effective_on,
                "parents_notified_on": e.parents_notified_on,
            },
        )

    @handles(Pupil.ParentsNotified)
    def parents_notified(self, e: Any, batch: Batch) -> None:
        batch.update(sen_status, {"pupil_id": e.originator_id}, {"parents_notified_on": e.notified_on})


# -- queries ---------------------------------------------------------------------


@reads("monitoring")
def pupil_plans(conn: sa.Connection, setting_id: UUID, pupil_id: UUID) -> list[dict[str, Any]]:
    """The pupil's support plans, by start date (then as drafted): each with the plan
    it follows, its review date as it stands, when it was last reviewed, and when it
    closed (none: still open)."""
    last_reviewed_on = (
        sa.select(sa.func.max(plan_reviews.c.reviewed_on))
        .where(plan_reviews.c.plan_id == plans.c.plan_id)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(plans, last_reviewed_on.label("last_reviewed_on"))
        .where(plans.c.setting_id == setting_id, plans.c.pupil_id == pupil_id)
        .order_by(plans.c.starts_on, plans.c.position)
    )
    return [dict(row._mapping) for row in rows]


@reads("monitoring")
def training_of(conn: sa.Connection, staff_ids: Iterable[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """These staff's training, each's by date completed:
    staff id -> [{"programme", "completed_on", "expires_on"}]."""
    wanted = list(staff_ids)
    found: dict[UUID, list[dict[str, Any]]] = {}
    if not wanted:
        return found
    rows = conn.execute(
        sa.select(training.c.staff_id, training.c.programme, training.c.completed_on, training.c.expires_on)
        .where(training.c.staff_id.in_(wanted))
        .order_by(training.c.staff_id, training.c.completed_on, training.c.programme_key)
    )
    for staff_id, programme, completed_on, expires_on in rows:
        found.setdefault(staff_id, []).append(
            {"programme": programme, "completed_on": completed_on, "expires_on": expires_on}
        )
    return found


@reads("monitoring", "provision_map")
def observations_between(
    conn: sa.Connection, setting_id: UUID, first: date, last: date
) -> list[dict[str, Any]]:
    """The setting's observations of delivery from ``first`` to ``last``, by date then
    intervention: each with its intervention's name (the provision map's, which holds
    the setting of each intervention)."""
    rows = conn.execute(
        sa.select(observations, interventions.c.name.label("intervention"))
        .join(interventions, interventions.c.intervention_id == observations.c.intervention_id)
        .where(interventions.c.setting_id == setting_id, observations.c.observed_on.between(first, last))
        .order_by(observations.c.observed_on, interventions.c.name, observations.c.observation_id)
    )
    return [dict(row._mapping) for row in rows]


@reads("monitoring")
def plan_reviews_between(
    conn: sa.Connection, setting_id: UUID, first: date, last: date
) -> list[dict[str, Any]]:
    """The setting's support plan reviews held from ``first`` to ``last``, by date: each
    with its plan, pupil, and whether the pupil's and the parents' views were recorded."""
    rows = conn.execute(
        sa.select(
            plans.c.plan_id,
            plans.c.pupil_id,
            plan_reviews.c.review_id,
            plan_reviews.c.reviewed_on,
            plan_reviews.c.pupil_views_recorded,
            plan_reviews.c.parent_views_recorded,
        )
        .join(plans, plans.c.plan_id == plan_reviews.c.plan_id)
        .where(plans.c.setting_id == setting_id, plan_reviews.c.reviewed_on.between(first, last))
        .order_by(plan_reviews.c.reviewed_on, plan_reviews.c.review_id)
    )
    return [dict(row._mapping) for row in rows]
