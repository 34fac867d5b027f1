"""Evidence of impact: for each intervention, area of need and year group, who
took part, how much of it they had, what it cost, and how far they moved
between baseline and exit assessments.

Keeps the assessments; the interventions, enrolments and sessions it reads
are the provision map's, and the pupils' the directory's.

Definitions (so that anyone can check a figure by hand):
- a *pair* is one pupil's latest baseline and latest exit assessment on the
  same instrument and measure for the intervention, the exit after the baseline;
  ``pairs`` is the number of pupils behind a figure;
- *mean change* is the mean of exit minus baseline over the pairs;
- *effect size* is a pre-post standardised mean change with no comparison group
  (``effect_size_kind`` ``pre_post_hedges_g``), so it shows how far the pupils moved,
  not what the intervention caused: the mean change over the pooled standard
  deviation sqrt((sd_baseline^2 + sd_exit^2) / 2) (sample standard deviations), times
  Hedges' correction J = 1 - 3 / (4(n - 1) - 1); none with fewer than three pairs
  (J is 0 with two) or no spread. Its 95% confidence interval is g -/+ 1.96 sqrt(V),
  V = J^2 (1/n + d^2 / 2n) 2(1 - r), with 2(1 - r) = S_diff^2 / S_within^2, S_diff the
  standard deviation of the pupils' changes (Borenstein, Hedges, Higgins and
  Rothstein 2009, *Introduction to Meta-Analysis*, ch. 4, matched groups);
- *small sample*: fewer than five pupils (``SMALL_SAMPLE``, apdr's default);
- *ratio gain*, for age-equivalent measures only, is the mean gain in months
  divided by the mean time elapsed in months (days / (365.25 / 12)) between
  baseline and exit: 1.0 is a month of progress a month, the rate of a typically
  developing child, and below 1.0 the pupils fall further behind. It is worked out
  only when baseline and exit are on average at least a term (91 days) apart
  (apdr's default). Its *band* is Brooks' (2016, *What works for children and young
  people with literacy difficulties?*, 5th edn): below 1.4 doubtful (of doubtful
  educational significance), 1.4 up to 2.0 modest, 2.0 up to 3.0 useful, 3.0 up to
  4.0 substantial, 4.0 and over remarkable, judged on the figure shown (two places);
- *cost per pupil* is the cost of what was delivered over the pupils who took part:
  the intervention's cost per year times sessions delivered over a school year's
  sessions (sessions a week x 38 weeks; 380 half-day sessions a year, The Education
  (School Day and School Year) (England) Regulations 1999, reg. 3); an area's is the
  sum of its interventions' delivered costs over its pupils; *cost per unit of gain*
  is the cost per pupil over the mean change.

Every figure of a group is worked out from its sums (``Sums``: the pairs, and the
sums of baseline, exit, their squares and product, and days elapsed, in hundredths,
so exact whole numbers); the report has the database make them per intervention,
year group and measure, and adds them up for areas and year groups, so a request
reads a row per group rather than a row per pupil. Over a window the report counts
the interventions running in it, the places and sessions in it, and the pairs whose
exit fell in it (as the SEN support report does).

The package: ``tables``; ``handlers`` (the ``Impact`` projection); ``statistics``
(pairs, sums and the figures made from them); ``report`` (the report and a pupil's
assessments).
"""

from apdr.projections.impact.handlers import Impact
from apdr.projections.impact.report import PairSums, impact_pairs, impact_report, pair_sums, pupil_assessments
from apdr.projections.impact.statistics import (
    BROOKS_BANDS,
    DAYS_PER_MONTH,
    EFFECT_SIZE_KIND,
    RATIO_GAIN_MIN_DAYS,
    SMALL_SAMPLE,
    EffectSize,
    Pair,
    Sums,
    brooks_band,
    effect_size,
    hedges_j,
    measure_summaries,
    ratio_gain,
    standardised_change,
    summaries,
)
from apdr.projections.impact.tables import PAIRED, assessments, latest

__all__ = [
    "BROOKS_BANDS",
    "DAYS_PER_MONTH",
    "EFFECT_SIZE_KIND",
    "PAIRED",
    "RATIO_GAIN_MIN_DAYS",
    "SMALL_SAMPLE",
    "EffectSize",
    "Impact",
    "Pair",
    "PairSums",
    "Sums",
    "assessments",
    "brooks_band",
    "effect_size",
    "hedges_j",
    "impact_pairs",
    "impact_report",
    "latest",
    "measure_summaries",
    "pair_sums",
    "pupil_assessments",
    "ratio_gain",
    "standardised_change",
    "summaries",
]
