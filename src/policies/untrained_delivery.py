"""untrained_delivery: sessions delivered by staff not trained in the programme.

Watches the sessions delivered in the look-back days up to the as-of date,
by intervention and member of staff: anyone who delivered at least the
threshold's number of them without training in the intervention's programme
that is in date on the as-of date raises an alert for that intervention and
member of staff.

The alert resolves itself when their training is recorded, or when they
have delivered fewer of its sessions than that in the look-back days.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from apdr.policies.policy import Cause, Context, Threshold, day, plural
from apdr.policies.training import lapsed_on, trained_staff
from apdr.projections.monitoring import programme_key
from apdr.projections.provision_map import interventions, sessions, staff

KIND = "untrained_delivery"
READ_MODELS = ("provision_map", "monitoring")
# The rule: Code of Practice 6.50, support "should be provided by staff with sufficient skills
# and knowledge", and Core Standard Five descriptor 6, "The setting ensures that staff
# delivering the interventions are appropriately trained and /or qualified to do so and their
# training is up to date". Neither sets a look-back or a count: both thresholds are apdr's.
THRESHOLDS = (
    Threshold(
        "untrained_delivery_days",
        28,
        1,
        365,
        "days",
        "how far back sessions delivered by untrained staff raise an alert",
        source="apdr's default: four weeks, about the present half-term's sessions",
    ),
    Threshold(
        "untrained_sessions_min",
        2,
        1,
        50,
        "sessions",
        "how many sessions someone untrained must deliver within the look-back to raise an alert",
        source="apdr's default: one cover session is not a pattern; a second means someone untrained "
        "is delivering the programme",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    since = context.days_ago(context.thresholds["untrained_delivery_days"] - 1)
    fewest = context.thresholds["untrained_sessions_min"]
    trained = trained_staff(context.conn, context.setting_id, context.as_of)
    for row in _deliveries(context, since):
        key = programme_key(row.programme)
        if row.staff_id in trained.get(key, {}) or row.delivered < fewest:
            continue
        lapsed = lapsed_on(context.conn, row.staff_id, key, context.as_of)
        why = f"whose training expired on {day(lapsed)}" if lapsed else "with no training recorded"
        yield Cause(
            subject=f"{row.intervention_id}/{row.staff_id}",
            summary=(
                f"{row.staff_name} delivered {plural(int(row.delivered), 'session')} of {row.name} since "
                f"{day(since)} {why} in {row.programme}. Arrange their training, or have trained staff "
                "deliver it."
            ),
            intervention_id=row.intervention_id,
            details={
                "staff_id": str(row.staff_id),
                "programme": row.programme,
                "sessions": int(row.delivered),
                "training_expired_on": lapsed.isoformat() if lapsed else None,
            },
        )


def _deliveries(context: Context, since: Any) -> sa.CursorResult[Any]:
    s, i = sessions.c, interventions.c
    return context.conn.execute(
        sa.select(
            i.intervention_id,
            i.name,
            i.programme,
            staff.c.staff_id,
            staff.c.name.label("staff_name"),
            sa.func.count().label("delivered"),
        )
        .join(interventions, i.intervention_id == s.intervention_id)
        .join(staff, staff.c.staff_id == s.delivered_by)
        .where(
            i.setting_id == context.setting_id,
            s.voided.is_(False),
            s.delivered_on.between(since, context.as_of),
        )
        .group_by(i.intervention_id, i.name, i.programme, staff.c.staff_id, staff.c.name)
    )
