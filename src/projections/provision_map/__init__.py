"""The provision map: who gets which support, how often, from whom, at what cost,
and how much of it actually happened, as of any date.

Keeps the interventions, their timetables (as planned, then each change
from the date it took effect), staff, enrolment spans, sessions with each
pupil's attendance (one row a session: ``marks``), missed sessions and
reviews, each with its dates, so a query can answer for any day in the past;
and tallies of what the sessions add up to (marked and attended per pupil and
intervention, delivered per intervention), so a report over the whole history
need not read every session.

The package: ``tables``; ``handlers`` (the ``ProvisionMap`` projection);
``tallies`` (how the session handlers keep the tallies); ``timetable`` (what was
in force on a day); ``queries``; ``report`` (the map's columns, totals and CSV).
"""

from apdr.projections.provision_map.handlers import ProvisionMap
from apdr.projections.provision_map.queries import (
    TeachingDays,
    Window,
    attendance_counts,
    counted_from_marks,
    provision_rows,
    pupil_marks,
    pupil_sessions,
    setting_staff,
)
from apdr.projections.provision_map.report import Totals, money, percent
from apdr.projections.provision_map.tables import (
    ATTENDED,
    MARK,
    assignments,
    attendance,
    enrolments,
    interventions,
    missed,
    read_marks,
    reviews,
    schedules,
    session_marks,
    sessions,
    staff,
)
from apdr.projections.provision_map.timetable import Timetable, timetables

__all__ = [
    "ATTENDED",
    "MARK",
    "ProvisionMap",
    "TeachingDays",
    "Timetable",
    "Totals",
    "Window",
    "assignments",
    "attendance",
    "attendance_counts",
    "counted_from_marks",
    "enrolments",
    "interventions",
    "missed",
    "money",
    "percent",
    "provision_rows",
    "pupil_marks",
    "pupil_sessions",
    "read_marks",
    "reviews",
    "schedules",
    "session_marks",
    "sessions",
    "setting_staff",
    "staff",
    "timetables",
]
