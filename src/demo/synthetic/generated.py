"""What was generated: per setting, what a demo or a benchmark needs to know of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from apdr.aggregates.codes import Delivery


@dataclass
class RunningIntervention:
    """An intervention still running on 'today', for benchmarks that record sessions."""

    intervention_id: UUID
    delivery: Delivery
    pupil_ids: list[UUID]
    staff_ids: list[UUID]
    minutes: int


@dataclass
class GeneratedSetting:
    setting_id: UUID
    urn: str
    name: str
    phase: str
    pupils_ever: int = 0
    on_roll: int = 0
    sen_support: int = 0
    ehc_plans: int = 0
    interventions: int = 0
    sessions: int = 0
    events: int = 0
    longest_pupil_id: UUID | None = None
    longest_pupil_events: int = 0
    running: list[RunningIntervention] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    needs: Counter[str] = field(default_factory=Counter)

    @property
    def on_register(self) -> int:
        return self.sen_support + self.ehc_plans


@dataclass
class GeneratedHistory:
    plan: str
    seed: int
    today: date
    settings: list[GeneratedSetting]
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        pupils = sum(s.on_roll for s in self.settings)
        k = sum(s.sen_support for s in self.settings)
        e = sum(s.ehc_plans for s in self.settings)
        return (
            f"{len(self.settings)} setting(s), {pupils} pupils on roll on {self.today}: "
            f"{k} on SEN support ({100 * k / max(pupils, 1):.1f}%), {e} with an EHC plan "
            f"({100 * e / max(pupils, 1):.1f}%); "
            f"{sum(s.interventions for s in self.settings)} interventions, "
            f"{sum(s.sessions for s in self.settings)} sessions; {self.events} events in "
            f"{self.seconds:.1f} s ({self.events_per_second:,.0f} events/s)"
        )
