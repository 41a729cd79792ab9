"""Every model of the `editorial` app, whichever desk's module defines it, so `editorial.models.X` works for
migrations and code alike: the copyright desk's in `editorial/copyright/models/`, the newsroom desk's in
`editorial/newsroom/models.py`, and beside this file the audit trail and the outbox, shared by both desks."""

from editorial.copyright.models.appeals import Appeal
from editorial.copyright.models.complaint import Complaint, ComplaintReferenceCounter
from editorial.copyright.models.contact import ContactInquiry
from editorial.copyright.models.counter_notices import AffectedParty, CounterNotice
from editorial.copyright.models.items import ComplaintItem, ComplaintReply, Evidence
from editorial.copyright.models.measures import Measure
from editorial.copyright.models.sanctions import NotifierSanction
from editorial.copyright.models.takedowns import TakedownFingerprint

# The newsroom desk's models live with its code; the app label stays `editorial` (issue 14).
from editorial.newsroom.models import ArticleRevision, Editor  # noqa: E402

from .audit import AuditEvent, OutboundMessage
from .notifications import Notification, NotificationKind, NotificationPreference

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
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "NotifierSanction",
    "OutboundMessage",
    "TakedownFingerprint",
]
