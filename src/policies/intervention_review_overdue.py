"""intervention_review_overdue: an intervention past its review date, not reviewed.

Watches every intervention running on the as-of date. Its review date is the
one set last on or before the as-of date: the date it was planned with, a
change of schedule that moved it, or the next review date set by a review.
It is overdue when that date passed more than the grace days ago.

The alert resolves itself when the intervention is reviewed (which sets the
next review date) or ended.
"""

from __future__ import annotations

from collections.abc import Iterator

from apdr.policies.policy import Cause, Context, Threshold, day, plural, running_interventions
from apdr.projections.provision_map import timetables

KIND = "intervention_review_overdue"
READ_MODELS = ("provision_map",)
# The rule: Core Standard Five, "ensure that a clear date for review has been set" (How should
# interventions be planned and implemented?), and descriptor 19, "The setting regularly (at
# least termly) reviews the progress that children/ young people are making towards the
# desired outcomes for the targeted support or intervention".
THRESHOLDS = (
    Threshold(
        "intervention_review_grace_days",
        7,
        0,
        60,
        "days",
        "how many days after its review date an intervention may go unreviewed before an alert",
        source="apdr's default: a school week's grace, so that a review held on time can be written up",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    grace = context.thresholds["intervention_review_grace_days"]
    rows = list(running_interventions(context, "intervention_id", "name"))
    timetable_of = timetables(context.conn, context.setting_id, [r.intervention_id for r in rows])
    for row in rows:
        timetable = timetable_of[row.intervention_id]
        due = timetable.review_due_on(context.as_of)
        if due is None or (context.as_of - due).days <= grace:
            continue
        late = (context.as_of - due).days
        held = timetable.reviewed_by(context.as_of)
        since = f"last reviewed on {day(held[-1][0])}" if held else "not reviewed since it started"
        yield Cause(
            subject=str(row.intervention_id),
            summary=(
                f"{row.name} was due for review on {day(due)}, {plural(late, 'day')} ago ({since}). "
                "Review whether it is working, and decide to continue, adjust or end it."
            ),
            intervention_id=row.intervention_id,
            details={"review_due_on": due.isoformat(), "days_overdue": late},
        )
