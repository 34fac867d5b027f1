"""The application service: loads aggregates, asks them to change, saves them.

``SenRecord`` is the whole service layer, one eventsourcing ``Application``
composed of one class of commands per area, each in a module named after what
it changes. Every command takes the ``Actor`` who asked (their email becomes
``recorded_by`` on every event) and, where a rule depends on it, ``today``:
the clock is read at the edges, not here. Every command runs the same way
(``ApplicationCore._run``): load, change, save in one transaction, and again
on fresh copies if someone else saved a change to the same aggregates meanwhile.
"""

from __future__ import annotations

from apdr.application.accounts import AccountCommands
from apdr.application.alerts import AlertCommands
from apdr.application.assessments import AssessmentCommands
from apdr.application.core import Actor
from apdr.application.evidence import EvidenceCommands
from apdr.application.imports import ImportCommands
from apdr.application.interventions import InterventionCommands
from apdr.application.needs import NeedCommands
from apdr.application.plans import PlanCommands
from apdr.application.pupils import PupilCommands
from apdr.application.sessions import SessionCommands
from apdr.application.staff import StaffCommands

__all__ = ["Actor", "SenRecord"]


class SenRecord(
    PupilCommands,
    NeedCommands,
    AssessmentCommands,
    PlanCommands,
    InterventionCommands,
    SessionCommands,
    StaffCommands,
    AccountCommands,
    AlertCommands,
    EvidenceCommands,
    ImportCommands,
):
    """A school's SEN-support record, and every command that changes it."""

    # The application's name prefixes its tables on PostgreSQL and its
    # environment variables: every subclass of Application is given its own
    # class name unless it names itself.
    name = "apdr"
