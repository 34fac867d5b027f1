"""single_trained_staff: only one trained person can deliver an intervention.

Watches every intervention running on the as-of date and counts the
setting's staff trained in its programme on that date (training completed
and not expired; any member of staff can cover, assigned or not). Fewer than
the threshold raises an alert, naming who is trained, if anyone.

The alert resolves itself when another member of staff's training is
recorded, or the intervention ends. It can come back when training expires.
"""

from __future__ import annotations

from collections.abc import Iterator

from apdr.policies.policy import Cause, Context, Threshold, listing, running_interventions
from apdr.policies.training import trained_staff
from apdr.projections.monitoring import programme_key

KIND = "single_trained_staff"
READ_MODELS = ("provision_map", "monitoring")
# The rule and its default: Core Standard Five descriptor 7, "Whenever possible two or more
# members of staff are training to deliver a targeted support or intervention" (its words),
# so that an intervention is not stopped by one absence.
THRESHOLDS = (
    Threshold(
        "trained_staff_min",
        2,
        1,
        10,
        "staff",
        "how many staff should be trained in each running intervention's programme",
        source="Core Standard Five descriptor 7: two or more members of staff trained to deliver "
        "each intervention, whenever possible",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    fewest = context.thresholds["trained_staff_min"]
    trained = trained_staff(context.conn, context.setting_id, context.as_of)
    for row in running_interventions(context, "intervention_id", "name", "programme"):
        who = trained.get(programme_key(row.programme), {})
        if len(who) >= fewest:
            continue
        names = sorted(who.values())
        whom = f"only {listing(names)} {'is' if len(names) == 1 else 'are'}" if names else "no one is"
        yield Cause(
            subject=str(row.intervention_id),
            summary=(
                f"{row.name}: {whom} trained in {row.programme} (at least {fewest} should be). "
                "Train another member of staff, so that sessions go on when someone is away."
            ),
            intervention_id=row.intervention_id,
            details={"programme": row.programme, "trained": names},
        )
