"""Intervention programmes a setting runs: what each aims at and for whom, its
dosage, cost and measure; and what a session records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apdr.aggregates.codes import AreaOfNeed, AttendanceStatus, Delivery, NeedType, Scale


@dataclass(frozen=True)
class Measure:
    instrument: str
    measure: str
    scale: Scale
    low: float
    high: float
    gain_per_week: float
    relative_to_age: bool = False


@dataclass(frozen=True)
class Programme:
    name: str
    area: AreaOfNeed
    codes: tuple[str, ...]
    aim: str
    delivery: Delivery
    group: int
    per_week: tuple[int, int]
    minutes: tuple[int, int]
    weeks: tuple[int, int]
    cost: int
    needs: frozenset[NeedType]
    measure: Measure
    withdrawn_from: tuple[str, ...]


_A, _D, _N = AreaOfNeed, Delivery, NeedType
_CL, _CI, _SEMH, _SP = _A.cognition_learning, _A.communication_interaction, _A.semh, _A.sensory_physical
_READING_AGE = Measure(
    "Single word reading test",
    "reading age",
    Scale.age_equivalent_months,
    -30,
    -12,
    0.8,
    relative_to_age=True,
)
_SPELLING_AGE = Measure(
    "Single word spelling test",
    "spelling age",
    Scale.age_equivalent_months,
    -36,
    -14,
    0.8,
    relative_to_age=True,
)
_SDQ = Measure("Strengths and Difficulties Questionnaire", "total difficulties", Scale.raw, 15, 28, -0.35)
_PRIMARY_LESSONS = ("guided reading", "phonics", "assembly", "afternoon play", "maths starter", "PE", "topic")
_SECONDARY_LESSONS = ("tutor time", "modern languages", "PE", "computing", "RE", "music", "art")


def _programmes(lessons: tuple[str, ...], *rows: tuple[Any, ...]) -> tuple[Programme, ...]:
    """Rows of (name, area, codes, aim, delivery, group size, sessions a week, minutes, weeks,
    cost a year, needs served, measure)."""
    return tuple(
        Programme(name, area, tuple(codes.split()), aim, delivery, group, week, minutes, weeks, cost,
                  frozenset(needs), measure, lessons)
        for name, area, codes, aim, delivery, group, week, minutes, weeks, cost, needs, measure in rows
    )  # fmt: skip


# The EEF's typical dosage: sessions of 20-50 minutes, 3-5 times a week, for 8-20 weeks.
# fmt: off
PROGRAMMES = {
    "primary": _programmes(
        _PRIMARY_LESSONS,
        ("Precision teaching", _CL, "CL5", "Read the first 100 high-frequency words fluently",
         _D.small_group, 3, (3, 5), (20, 30), (8, 12), 950, {_N.MLD, _N.SPLD, _N.SLD, _N.OTH, _N.NSA},
         _READING_AGE),
        ("Talk Boost", _CI, "SLC8", "Build vocabulary and narrative language",
         _D.small_group, 4, (3, 3), (30, 30), (10, 10), 1400, {_N.SLCN},
         Measure("Talk Boost language assessment", "language score", Scale.raw, 14, 30, 0.9)),
        ("NELI", _CI, "SLC3", "Listening, narrative and vocabulary in the early years",
         _D.small_group, 4, (3, 3), (30, 30), (20, 20), 1200, {_N.SLCN, _N.NSA},
         Measure("LanguageScreen", "language standard score", Scale.standard_score, 70, 90, 0.5)),
        ("Lego therapy", _CI, "ASC12", "Take turns and share attention in a small group",
         _D.small_group, 3, (3, 3), (40, 40), (8, 12), 600, {_N.ASD, _N.SLCN},
         Measure("Social communication checklist", "skills observed", Scale.percent, 20, 45, 2.0)),
        ("Numicon intervention", _CL, "CL3", "Secure place value to 100",
         _D.small_group, 4, (3, 4), (20, 30), (10, 12), 800, {_N.MLD, _N.SPLD, _N.SLD, _N.OTH},
         Measure("Sandwell early numeracy test", "numeracy score", Scale.standard_score, 70, 88, 0.8)),
        ("Zones of Regulation", _SEMH, "SEMH7", "Choose a calming strategy when in the yellow or red zone",
         _D.small_group, 6, (3, 3), (30, 45), (8, 12), 400, {_N.SEMH, _N.ASD},
         Measure("Boxall profile", "developmental strands", Scale.raw, 30, 55, 0.7)),
        ("ELSA", _SEMH, "SEMH5", "Recognise and manage feelings of anxiety",
         _D.individual, 3, (3, 3), (30, 30), (8, 12), 1100, {_N.SEMH}, _SDQ),
        ("Fine motor skills", _SP, "PM2", "Form letters legibly with a tripod grip",
         _D.small_group, 4, (3, 4), (20, 30), (8, 10), 350, {_N.PD, _N.OTH, _N.MSI},
         Measure("Handwriting speed assessment", "letters a minute", Scale.raw, 8, 16, 0.4)),
        ("Better Reading Partnership", _CL, "CL4", "Read texts at the expected level with understanding",
         _D.individual, 3, (3, 3), (20, 30), (10, 10), 1300, {_N.SPLD, _N.MLD, _N.SLCN}, _READING_AGE),
        ("Sensory circuits", _SP, "PM5", "Arrive in class calm and ready to learn",
         _D.small_group, 6, (5, 5), (20, 20), (12, 20), 300, {_N.ASD, _N.PD, _N.HI, _N.VI, _N.MSI},
         Measure("Sensory profile checklist", "regulated mornings", Scale.percent, 30, 60, 1.0)),
        ("Speech and language programme", _CI, "SLC5", "Use target speech sounds in conversation",
         _D.individual, 3, (3, 3), (20, 20), (12, 20), 1500, {_N.SLCN, _N.HI},
         Measure("CELF-5", "core language standard score", Scale.standard_score, 60, 85, 0.5)),
    ),
    "secondary": _programmes(
        _SECONDARY_LESSONS,
        ("Catch Up Literacy", _CL, "CL4", "Read age-appropriate texts with understanding",
         _D.individual, 3, (3, 3), (20, 20), (12, 20), 1500, {_N.SPLD, _N.MLD, _N.SLD, _N.OTH, _N.NSA},
         _READING_AGE),
        ("Reading fluency group", _CL, "SPLD3", "Read aloud at 120 words a minute",
         _D.small_group, 4, (4, 4), (30, 30), (10, 20), 900, {_N.SPLD, _N.MLD},
         Measure("Reading fluency probe", "words correct a minute", Scale.raw, 60, 110, 2.0)),
        ("Catch Up Numeracy", _CL, "CL3", "Calculate with the four operations confidently",
         _D.individual, 3, (3, 3), (20, 20), (12, 16), 1400, {_N.MLD, _N.SLD, _N.SPLD},
         Measure("Sandwell numeracy test", "numeracy standard score", Scale.standard_score, 68, 88, 0.6)),
        ("Talk About", _CI, "SLC8", "Join and keep up a conversation with peers",
         _D.small_group, 4, (3, 3), (40, 40), (10, 12), 800, {_N.SLCN, _N.ASD},
         Measure("Talkabout assessment", "interaction skills", Scale.raw, 20, 40, 0.8)),
        ("Anxiety management group", _SEMH, "SEMH3", "Recognise anxiety early and use a plan to manage it",
         _D.small_group, 6, (3, 3), (45, 50), (8, 10), 700, {_N.SEMH}, _SDQ),
        ("Mentoring", _SEMH, "SEMH8", "Attend every lesson and keep a positive report",
         _D.individual, 3, (3, 3), (30, 30), (10, 20), 1200, {_N.SEMH, _N.ASD},
         Measure("Resilience scale", "resilience score", Scale.percent, 30, 55, 1.0)),
        ("Social communication group", _CI, "ASC3", "Work in a group without adult prompting",
         _D.small_group, 6, (3, 3), (40, 40), (10, 12), 600, {_N.ASD, _N.SLCN},
         Measure("Social communication checklist", "skills observed", Scale.percent, 25, 50, 1.5)),
        ("Touch typing", _SP, "SPLD11", "Type at 25 words a minute for extended writing",
         _D.small_group, 6, (3, 4), (30, 30), (8, 12), 500, {_N.SPLD, _N.PD, _N.VI, _N.MSI},
         Measure("Typing speed test", "words a minute", Scale.raw, 8, 20, 0.8)),
        ("Precision teaching: spelling", _CL, "CL5", "Spell the statutory word list accurately",
         _D.small_group, 3, (5, 5), (20, 20), (8, 10), 700, {_N.SPLD, _N.MLD, _N.SLD}, _SPELLING_AGE),
        ("Specialist teacher support", _SP, "HL5 VI2", "Access the curriculum with the right equipment",
         _D.individual, 3, (3, 3), (45, 50), (12, 20), 2500, {_N.HI, _N.VI, _N.MSI},
         Measure("Curriculum access checklist", "independent access", Scale.percent, 30, 60, 1.0)),
    ),
}
# fmt: on

FOCUS = (
    "recap and timed practice",
    "new vocabulary",
    "game-based practice",
    "reading aloud",
    "modelled then independent",
    "review of targets",
)
MARKS = (
    AttendanceStatus.present,
    AttendanceStatus.absent,
    AttendanceStatus.late,
    AttendanceStatus.left_early,
)
LOCATIONS = ("Library room", "Nurture room", "SEN base", "Small group room", "Learning support centre")
