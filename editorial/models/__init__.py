"""The newsroom's people and processes. One module per concern, since together they pass 500 lines."""

from .audit import AuditEvent, OutboundMessage
from .complaints import (
    Complaint,
    ComplaintItem,
    ComplaintReferenceCounter,
    ComplaintReply,
    ContactInquiry,
    Evidence,
)
from .measures import AffectedParty, Appeal, CounterNotice, Measure, NotifierSanction
from .people import Editor
from .revisions import ArticleRevision
from .takedowns import TakedownFingerprint

__all__ = [
    "AffectedParty",
    "Appeal",
    "ArticleRevision",
    "AuditEvent",
    "Complaint",
    "ComplaintItem",
    "ComplaintReferenceCounter",
    "ComplaintReply",
    "ContactInquiry",
    "CounterNotice",
    "Editor",
    "Evidence",
    "Measure",
    "NotifierSanction",
    "OutboundMessage",
    "TakedownFingerprint",
]
