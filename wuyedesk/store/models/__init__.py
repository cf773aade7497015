"""All tables of the office file."""

from wuyedesk.store.models.base import Base, utcnow
from wuyedesk.store.models.contacts import Contact, HelpRequest, HelpStep
from wuyedesk.store.models.people import Resident, Signature, Staff
from wuyedesk.store.models.places import Building, Entrance, Floor, Office, Setting, Unit
from wuyedesk.store.models.repairs import MaterialIssue, QuoteLine, Reconciliation, RepairOrder
from wuyedesk.store.models.system import AuditEntry, Draft, NumberCounter
from wuyedesk.store.models.visits import DailyReport, ReturnVisit, SpotCheck

__all__ = [
    "AuditEntry",
    "Base",
    "Building",
    "Contact",
    "DailyReport",
    "Draft",
    "Entrance",
    "Floor",
    "HelpRequest",
    "HelpStep",
    "MaterialIssue",
    "NumberCounter",
    "Office",
    "QuoteLine",
    "Reconciliation",
    "RepairOrder",
    "Resident",
    "ReturnVisit",
    "Setting",
    "Signature",
    "SpotCheck",
    "Staff",
    "Unit",
    "utcnow",
]
