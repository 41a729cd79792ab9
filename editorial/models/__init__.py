"""The newsroom's people and processes. One module per concern, since together they pass 500 lines."""

# The newsroom desk's models live with its code; the app label stays `editorial` (issue 14).
from editorial.newsroom.models import ArticleRevision, Editor  # noqa: E402

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
