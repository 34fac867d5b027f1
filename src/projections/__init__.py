"""Read models, each built from the notification log by its own projection."""

from apdr.projections.accounts import Accounts
from apdr.projections.alerts import Alerts
from apdr.projections.audit import AuditTrail
from apdr.projections.chronology import Chronology
from apdr.projections.disclosures import Disclosures
from apdr.projections.impact import Impact
from apdr.projections.monitoring import Monitoring
from apdr.projections.projection import Projection
from apdr.projections.provision_map import ProvisionMap
from apdr.projections.pupils import PupilDirectory
from apdr.projections.register import SenRegister


def all_projections() -> list[Projection]:
    return [
        PupilDirectory(),
        ProvisionMap(),
        Impact(),
        Monitoring(),
        Alerts(),
        Chronology(),
        SenRegister(),
        AuditTrail(),
        Accounts(),
        Disclosures(),
    ]


__all__ = ["Projection", "all_projections"]
