"""The article body: sanitised HTML with inline images placed by `[[image:ID]]` markers.

The body is cleaned with nh3 on every save, so whatever an editor pastes, only the tags below reach a
reader; script, style, event handlers and `javascript:` links are removed, not escaped.
"""

import re

import nh3

INLINE_IMAGE_RE = re.compile(r"\[\[image:(\d{1,12})\]\]")

# Exactly what the admin's editor writes (editorial/newsroom/rich_text.py), plus `b` and `i`, which it reads
# as bold and italic: a body saved here comes back into the editor as it was saved.
ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "sub",
    "sup",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    # A numbered list's first number and style, as the admin's editor writes them (its "List properties").
    "ol": {"start", "type", "data-type"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Added to every link; the admin's editor writes it too, so a body it made comes back from nh3 unchanged.
LINK_REL = "noopener noreferrer"


def sanitise_body(html: str) -> str:
    """Return `html` with everything outside our small allow-list removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
