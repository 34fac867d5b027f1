"""The vocabulary of a synthetic school: names, the national mix of needs, how
the register moves, plans' outcomes and outside advice."""

from __future__ import annotations

import random
from typing import Any

from apdr.aggregates.codes import AdviceSource, AreaOfNeed, NeedType

# fmt: off
GIVEN = (
    "Amira", "Oliver", "Zainab", "Harry", "Maya", "Leo", "Ava", "Noah", "Isla", "Kacper", "Aaliyah", "Jack",
    "Freya", "Mohammed", "Ruby", "Theo", "Chloe", "Jayden", "Layla", "Finley", "Sofia", "Ethan", "Grace",
    "Yusuf", "Poppy", "Alfie", "Hana", "Reuben", "Evie", "Tyler", "Nia", "Samuel", "Lily", "Dylan", "Zara",
    "Kai", "Ellie", "Arjun", "Mia", "Callum", "Fatima", "Logan", "Imogen", "Idris", "Olivia", "George",
    "Amelia", "Muhammad", "Charlotte", "Arthur", "Ivy", "Oscar", "Rosie", "Jacob", "Emily", "Henry",
    "Sienna", "Lucas", "Willow", "Adam", "Aisha", "Reggie", "Phoebe", "Ibrahim", "Daisy"
)
# fmt: on
# fmt: off
FAMILY = (
    "Khan", "Smith", "Ahmed", "Jones", "Patel", "Williams", "Nowak", "Brown", "Taylor", "Begum", "Davies",
    "Evans", "Okafor", "Wilson", "Hussain", "Thomas", "Roberts", "Ali", "Walker", "Wright", "Kowalski",
    "Green", "Hall", "Mensah", "Clarke", "Lewis", "Singh", "Murphy", "Osei", "Hughes", "Johnson",
    "Robinson", "Wood", "Thompson", "White", "Edwards", "Martin", "Jackson", "Turner", "Hill", "Moore",
    "Cooper", "Ward", "Morris", "King", "Baker", "Harris", "Mahmood", "Rahman", "Chowdhury", "Kaur", "Shah",
    "Lee", "Chen", "Nguyen", "Santos", "Silva", "Popescu", "Kovacs", "Ibrahim"
)
# fmt: on

# Primary type of need (DfE, Special educational needs in England, January 2024, rounded):
# SLCN, SEMH, MLD, SPLD and ASD commonest on SEN support; ASD, SLCN and SEMH with EHC plans.
_N = NeedType
NEEDS_ON_SUPPORT = {
    "primary": {
        _N.SLCN: 33,
        _N.SEMH: 17,
        _N.MLD: 15,
        _N.SPLD: 8,
        _N.ASD: 7,
        _N.OTH: 4,
        _N.NSA: 4,
        _N.PD: 3,
        _N.HI: 1.5,
        _N.VI: 0.7,
        _N.SLD: 0.7,
        _N.MSI: 0.2,
    },
    "secondary": {
        _N.SEMH: 26,
        _N.SPLD: 22,
        _N.MLD: 17,
        _N.SLCN: 12,
        _N.ASD: 8,
        _N.OTH: 5,
        _N.NSA: 3,
        _N.PD: 2,
        _N.HI: 1.5,
        _N.VI: 1,
        _N.SLD: 0.5,
    },
}
NEEDS_WITH_PLAN = {
    _N.ASD: 35,
    _N.SLCN: 21,
    _N.SEMH: 16,
    _N.SLD: 7,
    _N.MLD: 7,
    _N.PD: 5,
    _N.SPLD: 3,
    _N.HI: 2,
    _N.VI: 1,
    _N.PMLD: 1,
    _N.MSI: 0.5,
    _N.OTH: 1.5,
}
SECOND_NEEDS = (_N.SLCN, _N.SEMH, _N.SPLD, _N.MLD, _N.ASD, _N.PD)

# How the register moves (per term); tuned so that about 14% of pupils are
# on SEN support and about 3% have an EHC plan at any time, as in mainstream schools.
ARRIVES_WITH = {"primary": (0.07, 0.02), "secondary": (0.11, 0.022)}  # (K, E) on joining
IDENTIFIED_PER_TERM = {"primary": 0.016, "secondary": 0.0125}
LEAVES_REGISTER_PER_REVIEW = 0.065
EHCP_REQUEST_PER_REVIEW = 0.012
LEAVE_DURING_YEAR = 0.03

# A plan's outcomes, by area of need.
_A = AreaOfNeed
_CL, _CI, _SEMH, _SP = _A.cognition_learning, _A.communication_interaction, _A.semh, _A.sensory_physical
OUTCOMES = {
    _CL: (
        ("Reads the first 100 high-frequency words", "words read correctly", "100"),
        ("Writes three sentences independently", "sentences a week", "3"),
        ("Recalls number bonds to 20", "bonds recalled in a minute", "20"),
    ),
    _CI: (
        ("Uses five new topic words in class", "words used a week", "5"),
        ("Retells a short story in order", "story parts in order", "5"),
        ("Takes turns in a small group", "turns without prompting", "4"),
    ),
    _SEMH: (
        ("Asks for help when stuck", "times observed in a week", "3"),
        ("Uses a calming strategy when upset", "times without adult support", "4"),
        ("Attends every lesson on the timetable", "attendance percent", "95"),
    ),
    _SP: (
        ("Forms letters legibly", "legible letters in a line", "20"),
        ("Uses the equipment independently", "lessons without prompting", "5"),
    ),
}
ADVICE = (
    AdviceSource.educational_psychologist,
    AdviceSource.speech_and_language_therapist,
    AdviceSource.occupational_therapist,
    AdviceSource.specialist_teacher,
    AdviceSource.camhs,
    AdviceSource.paediatrician,
)


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]
