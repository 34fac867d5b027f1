"""Synthetic history at scale: a school, a trust, a local authority.

``generate`` writes years of realistic SEN-support history for one or more
settings, deterministically from a seed and a ``today``:

- settings with their term dates and closures (INSET days, bank holidays);
- cohorts of pupils who join, move class every September and leave, with
  about 14% of pupils on SEN support and about 3% with an EHC plan at any
  time (``school`` has 1,500 pupils and about 250 on the register), needs
  drawn from the national mix (SLCN, SEMH, MLD, SPLD and ASD commonest);
- concerns, needs, SEN status changes and parents' notification, one-page
  profiles, outside advice, the statutory EHC process and annual reviews;
- a support plan each term for every pupil on the register, agreed with
  parents and reviewed at the end of the term (continue, adjust, end
  support or request an EHC needs assessment);
- interventions at the EEF's typical dosage (20-50 minute sessions, 3-5 a
  week, 8-20 weeks) for groups of pupils with the same area of need, with
  trained staff, baseline and exit assessments, every session with its
  attendance, missed sessions, observations of delivery, withdrawals,
  reviews, and a few corrections and voided sessions.

It never goes through HTTP, nor one command at a time through ``SenRecord``:
it builds the aggregates with their own command methods (so every invariant
holds and the events are exactly those the product records), in the order
things happen, and hands the events to the event store in batches of about
``chunk_size`` (one transaction each). Events carry the dates on which things
happened; the library stamps their ``timestamp`` with the time of writing.
The few steps that change more than one aggregate (claiming a UPN, starting
the next plan, a review or closure that ends the pupil's plan) are the
domain's own (``apdr.aggregates.pupil.claim_upn``,
``apdr.aggregates.support_plan.draft_next_plan`` and its neighbours), which
``SenRecord`` uses too.

A setting's history is one ``history._SettingHistory``, composed of a part
per lifecycle, each a module: ``setting`` (term dates, staff and training,
users), ``pupils`` (joining, moving up, leaving), ``needs`` (the register),
``ehcp``, ``plans``, ``interventions`` and ``sessions``; they share the
clock and the sink of ``agenda``. ``generation`` runs the settings of a
``plan`` in one process or several.
"""

from apdr.demo.synthetic.generated import GeneratedHistory, GeneratedSetting, RunningIntervention
from apdr.demo.synthetic.generation import Progress, generate
from apdr.demo.synthetic.plan import SCALES, SYNTHETIC_PASSWORD, SYNTHETIC_TODAY, Plan, SettingSpec, plan_for

__all__ = [
    "SCALES",
    "SYNTHETIC_PASSWORD",
    "SYNTHETIC_TODAY",
    "GeneratedHistory",
    "GeneratedSetting",
    "Plan",
    "Progress",
    "RunningIntervention",
    "SettingSpec",
    "generate",
    "plan_for",
]
