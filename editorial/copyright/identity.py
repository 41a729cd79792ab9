"""Who a notifier is, for the checks that compare notifiers (issue 12, point 8).

A suspension, the misuse count, a notifier's history, the PRC bar on re-notices and the per-email limit all
ask "is this the same notifier?". Compared as typed, a suspended notifier got back in with `bad+2@…`, an
organisation name with two spaces, a trailing full stop or a Cyrillic letter. `notifier_identity` is the one
function that turns what was typed into the keys those checks compare; the keys are stored beside the
typed values (`Complaint.notifier_email_key`, `NotifierSanction.email_key`, …) so the checks stay indexed
lookups. What was typed is kept as typed: officers and emails use it, never the keys.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables

# Providers documented to ignore dots in the local part, and their alias domains.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


@dataclass(frozen=True)
class NotifierIdentity:
    """The normalised keys of a notifier: "" where nothing was given."""

    email: str
    organisation: str


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The Latin letter(s) `char` is drawn like (Cyrillic "а" -> "a"), or `char` itself.

    Only non-ASCII characters are mapped: an ASCII digit such as 0 looks like O but is not a disguise.
    """
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalpha():
                return glyph["c"]
    return char


def _skeleton(text: str) -> str:
    """Compatibility forms folded (NFKC), confusable letters drawn as Latin, accents and case dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_latin_lookalike(char) for char in text)
    # An accent is a one-keystroke disguise ("Acmé"), so marks go too; NFKD splits them off first.
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if unicodedata.category(char) != "Mn")
    return unicodedata.normalize("NFKC", text).casefold()


def name_key(value: str) -> str:
    """The comparison key of an organisation or a person's name: its skeleton with only letters and digits.

    Whitespace, punctuation, symbols and invisible characters carry no identity ("Acme  Media Ltd." is
    "Acme Media Ltd"), so all of them are dropped rather than collapsed: "Acme-Media" is "Acme Media" too.
    """
    return "".join(char for char in _skeleton(value) if unicodedata.category(char)[0] in "LN")


def _unicode_label(label: str) -> str:
    """A domain label in Unicode: `xn--exmple-4nf` is the "exаmple" (Cyrillic а) it encodes."""
    if not label.isascii() or not label.lower().startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:  # not valid punycode: compare it as typed
        return label


def email_key(value: str) -> str:
    """The comparison key of an email address: the mailbox the mail reaches, not how it was written.

    Case, compatibility forms and look-alike letters are folded as for names; a sub-address (`bad+2@`) is
    cut, a quoted local part unquoted, an internationalised domain read in Unicode whether it was typed in
    Unicode or in its `xn--` form, a trailing dot on the domain dropped, and dots in a Gmail local part
    ignored (Gmail itself ignores them).
    """
    value = unicodedata.normalize("NFKC", value.strip())
    if "@" not in value:
        return _skeleton(value)
    local, _, domain = value.rpartition("@")
    local = local.replace('"', "").split("+", 1)[0]
    domain = ".".join(_skeleton(_unicode_label(label)) for label in domain.strip().rstrip(".").split("."))
    domain = _DOTLESS_DOMAINS.get(domain, domain)
    local = _skeleton(local)
    if domain in _DOTLESS_DOMAINS.values():
        local = local.replace(".", "")
    return f"{local}@{domain}"


def notifier_identity(*, email: str = "", organisation: str = "") -> NotifierIdentity:
    """The keys every check that compares notifiers compares. Two notifiers are the same when their email
    keys are equal, or when both name an organisation and its keys are equal.

    Cut to the stored columns' lengths (NFKC can lengthen a string), the same way on both sides."""
    return NotifierIdentity(
        email=email_key(email)[:254] if email.strip() else "", organisation=name_key(organisation)[:200]
    )


# --- tokens -------------------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """What we store instead of a token: its SHA-256. The token itself only ever travels in the email."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    """An unguessable token for a private link (256 bits)."""
    return secrets.token_urlsafe(32)
