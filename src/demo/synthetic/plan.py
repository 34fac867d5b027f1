"""What to generate: settings, over some academic years; and the preset sizes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

SYNTHETIC_TODAY = date(2026, 3, 20)
"""The benchmarks' fixed 'today': a Friday in the spring term, seven academic years in."""
SYNTHETIC_PASSWORD = "synthetic-demo"
SCALES = ("school", "trust", "la")


@dataclass(frozen=True)
class SettingSpec:
    """One setting to generate: a primary (Reception to Year 6) or a secondary (Years 7 to 11)."""

    urn: str
    name: str
    phase: str
    pupils: int
    la: str = "801"
    establishment: str = "2001"

    @property
    def year_groups(self) -> range:
        return range(7) if self.phase == "primary" else range(7, 12)


@dataclass(frozen=True)
class Plan:
    """What to generate: some settings, over ``years`` academic years up to ``today``."""

    name: str
    settings: tuple[SettingSpec, ...]
    years: int = 7


_PRIMARY_NAMES = ("Oakfield", "Riverside", "St Mary's", "Hillside", "Meadow", "Brookfield", "Greenway")
_SECONDARY_NAMES = ("Kingsmead", "Westfield", "Northgate", "Castle", "Elmwood", "Park View")


def _setting(n: int, phase: str, pupils: int, la: str = "801") -> SettingSpec:
    """The ``n``th primary or secondary of the plan."""
    names = _PRIMARY_NAMES if phase == "primary" else _SECONDARY_NAMES
    kind = "Primary School" if phase == "primary" else "Academy"
    name = f"{names[n % len(names)]} {kind}" + (f" {n // len(names) + 1}" if n >= len(names) else "")
    number = (2000 if phase == "primary" else 4000) + n
    return SettingSpec(f"{700000 + number:06d}", name, phase, pupils, la, f"{number:04d}")


def plan_for(scale: str, seed: int = 1) -> Plan:
    """The preset sizes: ``school`` (a 1,500-pupil secondary, seven years),
    ``trust`` (ten schools) and ``la`` (a local authority's mainstream schools,
    more than a million events)."""
    rng = random.Random(f"{seed}/plan/{scale}")
    if scale == "school":
        return Plan("school", (_setting(0, "secondary", 1500),))
    if scale == "trust":
        primaries = [_setting(n, "primary", rng.choice([210, 315, 420, 420, 630])) for n in range(8)]
        secondaries = [_setting(n, "secondary", rng.choice([900, 1200, 1500])) for n in range(2)]
        return Plan("trust", (*primaries, *secondaries))
    if scale == "la":
        # A small authority's mainstream schools: over a million events.
        primaries = [_setting(n, "primary", rng.choice([210, 315, 420, 420, 630])) for n in range(30)]
        secondaries = [_setting(n, "secondary", rng.choice([900, 1200, 1500])) for n in range(4)]
        return Plan("la", (*primaries, *secondaries))
    raise ValueError(f"scale is one of {', '.join(SCALES)}, not {scale!r}")
