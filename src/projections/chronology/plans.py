"""The chronology's entries for support plans: each in the chronology of the
pupil the plan was drafted for."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from apdr.aggregates import SupportPlan
from apdr.aggregates.codes import Rating
from apdr.projections.chronology.entries import EntryWriter, attributes, recorded_on
from apdr.projections.chronology.tables import plans
from apdr.projections.chronology.wording import DECISIONS, because, clip, counted, day, next_review, words
from apdr.projections.projection import Batch, handles


class PlanHandlers(EntryWriter):
    """Handlers of a support plan's events; the plan's pupil is remembered from its draft."""

    def plan_entry(self, batch: Batch, e: Any, occurred_on: date, kind: str, summary: str) -> None:
        pupil_id = self.pupil_of_plan(batch, e.originator_id)
        if pupil_id is not None:
            self.entry(batch, pupil_id, e, occurred_on, kind, summary, attributes(e, plan_id=e.originator_id))

    @handles(SupportPlan.Drafted)
    def plan_drafted(self, e: Any, batch: Batch) -> None:
        batch.insert(plans, {"plan_id": e.originator_id, "pupil_id": e.pupil_id})
        self.plan_pupils.remember(e.originator_id, e.pupil_id)
        summary = (
            f"Support plan drafted: {counted(len(e.outcomes), 'outcome', 'outcomes')}, "
            f"{counted(len(e.strategies), 'strategy', 'strategies')}, "
            f"from {day(e.starts_on)}, review due {day(e.review_due_on)}"
        )
        # Drafted by the day it started at the latest, however much later it was typed in.
        self.plan_entry(batch, e, min(recorded_on(e), e.starts_on), "plan_drafted", summary)

    @handles(SupportPlan.AgreedWithParents)
    def plan_agreed(self, e: Any, batch: Batch) -> None:
        summary = "Support plan agreed with parents" + (f" ({e.agreed_with})" if e.agreed_with else "")
        self.plan_entry(batch, e, e.agreed_on, "plan_agreed", summary)

    @handles(SupportPlan.OutcomeAdded)
    def outcome_added(self, e: Any, batch: Batch) -> None:
        summary = f"Outcome added to the support plan: {clip(e.outcome['description'])}"
        self.plan_entry(batch, e, recorded_on(e), "plan_outcome_added", summary)

    @handles(SupportPlan.OutcomeRevised)
    def outcome_revised(self, e: Any, batch: Batch) -> None:
        shown = "; ".join(f"{k} now '{clip(v, 60)}'" for k, v in e.changes.items())
        summary = f"Support plan outcome revised: {shown}{because(e.reason)}"
        self.plan_entry(batch, e, recorded_on(e), "plan_outcome_revised", summary)

    @handles(SupportPlan.StrategyAdded)
    def strategy_added(self, e: Any, batch: Batch) -> None:
        code = e.strategy.get("code")
        strategy = (f"{code} " if code else "") + clip(e.strategy["description"])
        summary = f"Strategy added to the support plan: {strategy}"
        self.plan_entry(batch, e, recorded_on(e), "plan_strategy_added", summary)

    @handles(SupportPlan.ReviewMoved)
    def review_moved(self, e: Any, batch: Batch) -> None:
        summary = (
            f"Support plan review moved from {day(e.previous)} to {day(e.review_due_on)}{because(e.reason)}"
        )
        self.plan_entry(batch, e, recorded_on(e), "plan_review_moved", summary)

    @handles(SupportPlan.Reviewed)
    def plan_reviewed(self, e: Any, batch: Batch) -> None:
        ratings = Counter(o["rating"] for o in e.outcomes)
        rated = ", ".join(f"{ratings[r]} {words(r)}" for r in reversed(Rating) if ratings[r])
        summary = (
            f"Support plan reviewed: {rated}; decision: {DECISIONS[e.decision]}"
            f"{next_review(e.next_review_due_on)}"
        )
        self.plan_entry(batch, e, e.reviewed_on, "plan_reviewed", summary)

    @handles(SupportPlan.Closed)
    def plan_closed(self, e: Any, batch: Batch) -> None:
        self.plan_entry(batch, e, e.closed_on, "plan_closed", f"Support plan closed{because(e.reason)}")
