"""Evidence of impact: for each intervention, area of need and year group, who
took part, how much of it they had, what it cost, and how far they moved
between baseline and exit assessments.

Keeps the assessments; the interventions, enrolments and sessions it reads
are the provision map's, and the pupils' the directory's.

Definitions (so that anyone can check a figure by hand):
- a *pair* is one pupil's latest baseline and latest exit assessment on the
  same instrument and measure for the intervention, the exit after the baseline;
- *mean change* is the mean of exit minus baseline over the pairs;
- *effect size* is Cohen's d: mean change divided by the pooled standard
  deviation sqrt((sd_baseline^2 + sd_exit^2) / 2), with sample standard
  deviations; none with fewer than two pairs or no spread;
- *ratio gain*, for age-equivalent measures only, is the mean gain in months
  divided by the mean time elapsed in months (days / (365.25 / 12)) between
  baseline and exit: 1.0 is a month of progress per month, the rate of a
  typically developing child; 2.0 or more is commonly taken as substantial;
- *cost per pupil* is the intervention's cost per year over the pupils who took
  part; *cost per unit of gain* is that over the mean change.

The package: ``tables``; ``handlers`` (the ``Impact`` projection); ``statistics``
(pairs and the figures made from them); ``report`` (the report and a pupil's
assessments).
"""

from apdr.projections.impact.handlers import Impact
from apdr.projections.impact.report import impact_pairs, impact_report, pupil_assessments
from apdr.projections.impact.statistics import (
    DAYS_PER_MONTH,
    Pair,
    effect_size,
    measure_summaries,
    ratio_gain,
)
from apdr.projections.impact.tables import PAIRED, assessments, latest

__all__ = [
    "DAYS_PER_MONTH",
    "PAIRED",
    "Impact",
    "Pair",
    "assessments",
    "effect_size",
    "impact_pairs",
    "impact_report",
    "latest",
    "measure_summaries",
    "pupil_assessments",
    "ratio_gain",
]
