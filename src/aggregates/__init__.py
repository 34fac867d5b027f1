"""Aggregates: the SEN record's invariants, and the events that record each change.

Each aggregate keeps the two halves of a change apart:

- a public command method (``Pupil.identify_need``) decides: it checks the
  command against the aggregate's state and the date it is given (time is
  passed in, never read from the clock here), and raises ``InvalidInput``
  naming the field at fault;
- an ``@event`` method (``Pupil._need_identified``) evolves: it records the
  event and changes the state, and runs again, unchanged, whenever the
  aggregate is rebuilt from its history.

Nothing here does I/O.
"""

from apdr.aggregates.alert import Alert
from apdr.aggregates.evidence_pack import EvidencePack
from apdr.aggregates.information_request import InformationRequest
from apdr.aggregates.intervention import Intervention
from apdr.aggregates.pupil import Pupil, UpnClaim
from apdr.aggregates.record_access import RecordAccess
from apdr.aggregates.setting import Setting, SigningKey
from apdr.aggregates.staff_member import StaffMember
from apdr.aggregates.support_plan import SupportPlan
from apdr.aggregates.user import User

__all__ = [
    "Alert",
    "EvidencePack",
    "InformationRequest",
    "Intervention",
    "Pupil",
    "RecordAccess",
    "Setting",
    "SigningKey",
    "StaffMember",
    "SupportPlan",
    "UpnClaim",
    "User",
]
