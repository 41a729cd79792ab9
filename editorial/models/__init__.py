"""The newsroom's people and processes. One module per concern, since together they pass 500 lines."""

from .audit import AuditEvent, OutboundMessage
from .people import Editor
from .revisions import ArticleRevision

__all__ = ["ArticleRevision", "AuditEvent", "Editor", "OutboundMessage"]
