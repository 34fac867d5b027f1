"""A pupil's chronology: every event about the pupil, in the order it happened,
with who recorded it and when, and a line a parent could read.

An event that names its pupil (or whose plan, alert or session names them)
becomes a row of ``chronology_entries`` for that pupil. An event about an
intervention as a whole (a missed session, an observation of delivery, a
review, its end) concerns every pupil enrolled that day: it is kept once, in
``chronology_intervention_entries``, and joined to the pupils' enrolment spans
when a chronology is read, so the handler reads nothing and a withdrawal
recorded later still decides who sees it.

Each entry is dated on the day it happened (``admitted_on``, ``identified_on``,
``effective_on``, ``delivered_on``…); a plan drafted on the day it was
recorded at school, or the day it started if that was earlier (history typed
in later); an event with no date of its own (an outcome added) on the day it
was recorded. Entries are read in that order, then in the order recorded,
then by log position.
Bookkeeping with nothing to tell a parent (``Pupil.CurrentPlanEnded``,
``Alert.CauseCleared``) is left out.

Corrections are entries of their own (``details_corrected``,
``assessment_corrected``, ``session_corrected``, ``session_voided``), with
``data.corrects`` naming what they correct, and dated on the date of the
original so that they stand beside it. The original entry is never changed.

Handlers write through the batch and read only for corrections (rare), or
when a fact kept in memory (an intervention's name, a plan's or an alert's
pupil: none of them ever changes) was forgotten.

The package: ``tables``; ``entries`` (writing an entry, and the facts
remembered between events); a group of handlers for each area (``pupil_record``,
``plans``, ``interventions`` with ``sessions``, ``alerts``, ``disclosures``), each an
``EntryWriter`` composed into the one ``Chronology``; ``wording`` (the line each
entry shows); ``query``.
"""

from apdr.projections.chronology.alerts import AlertHandlers
from apdr.projections.chronology.disclosures import DisclosureHandlers
from apdr.projections.chronology.interventions import InterventionHandlers
from apdr.projections.chronology.plans import PlanHandlers
from apdr.projections.chronology.pupil_record import PupilRecordHandlers
from apdr.projections.chronology.query import (
    pupil_chronology,
    pupil_chronology_json,
    pupil_chronology_length,
    pupil_entries_of_kinds,
)
from apdr.projections.chronology.tables import (
    alerts,
    assessments,
    enrolments,
    entries,
    intervention_entries,
    interventions,
    plans,
    sessions,
)
from apdr.projections.projection import Projection


class Chronology(
    PupilRecordHandlers, PlanHandlers, InterventionHandlers, AlertHandlers, DisclosureHandlers, Projection
):
    """The read model: ``Projection`` collects the ``@handles`` methods of every
    group. A handler is called by its name, so no two groups may share one."""

    name = "chronology"
    tables = (entries, intervention_entries, enrolments, interventions, plans, alerts, sessions, assessments)


__all__ = [
    "Chronology",
    "alerts",
    "assessments",
    "enrolments",
    "entries",
    "intervention_entries",
    "interventions",
    "plans",
    "pupil_chronology",
    "pupil_chronology_json",
    "pupil_chronology_length",
    "pupil_entries_of_kinds",
    "sessions",
]
