"""Text the database can store.

PostgreSQL refuses a NUL character in any text value, and a lone surrogate (half of a UTF-16 pair, which a
form posted as UTF-7 can produce) cannot be encoded as UTF-8 at all: either fails the query with a 500.
SQLite stores both, so the rule is applied the same everywhere, not only where it would fail.
"""

import re

UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable_characters(text: str) -> bool:
    """Whether `text` holds a character that PostgreSQL cannot store in a text column."""
    return UNSTORABLE_RE.search(text) is not None
