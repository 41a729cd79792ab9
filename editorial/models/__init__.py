"""Every model of the `editorial` app, whichever desk's module defines it, so `editorial.models.X` works for
migrations and code alike. The newsroom's models are beside this file; the copyright desk's are in
`editorial/copyright/models/`."""

from editorial.copyright.models.appeals import Appeal
from editorial.copyright.models.complaint import Complaint, ComplaintReferenceCounter
from editorial.copyright.models.contact import ContactInquiry
from editorial.copyright.models.counter_notices import AffectedParty, CounterNotice
from editorial.copyright.models.items import ComplaintItem, ComplaintReply, Evidence
from editorial.copyright.models.measures import Measure
from editorial.copyright.models.sanctions import NotifierSanction
from editorial.copyright.models.takedowns import TakedownFingerprint

from .audit import AuditEvent, OutboundMessage
from .people import Editor
from .revisions import ArticleRevision

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
