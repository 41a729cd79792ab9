"""Search (STYLE.md 7): the text and its ranking on PostgreSQL and SQLite."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression

# --- Search (STYLE.md 7). The vendor-specific schema is made by migration 0003. ---

SEARCH_CONFIG = "english"
# How many of the most recent matching articles a search ranks (issue 7: a bounded cost at any size).
SEARCH_RANK_WINDOW = 500
SEARCH_MAX_CHARS = 256
SEARCH_MAX_TERMS = 16
# Private-use characters mark highlighted words in snippets; the template turns them into <mark>.
HIGHLIGHT_START, HIGHLIGHT_STOP = "\ue000", "\ue001"
_WORD_RE = re.compile(r"\w+")
# A web or mail address in a snippet's text, highlight marks included: SQLite's index keeps a link's address
# among the body's words (migration 0003 strips tags by plain replacement), so its snippets can show one.
_ADDRESS_RE = re.compile(
    rf"[^\s]*(?:[a-z][{HIGHLIGHT_START}{HIGHLIGHT_STOP}]*(?:://|:/)|\bmailto:|\bwww\.|\b[\w-]+(?:\.[\w-]+)+/)[^\s]*",
    re.IGNORECASE,
)


def clean_search_query(q: str) -> str:
    """The reader's query as we search it: no control characters, at most SEARCH_MAX_CHARS long."""
    q = "".join(ch if ch.isprintable() else " " for ch in (q or ""))
    return " ".join(q.split())[:SEARCH_MAX_CHARS].strip()


def snippet_text(snippet: str) -> str:
    """A search snippet without the addresses of links (a reader sees a link's words, never its href)."""
    text = _ADDRESS_RE.sub(" ", snippet or "")
    # Keep the highlight marks paired: an address may have held one end of a pair.
    opened = False
    kept = []
    for ch in text:
        if ch == HIGHLIGHT_START:
            if opened:
                continue
            opened = True
        elif ch == HIGHLIGHT_STOP:
            if not opened:
                continue
            opened = False
        kept.append(ch)
    return " ".join("".join(kept).split())


def is_searchable(q: str) -> bool:
    """Whether a query has anything to look for (a word or a number, not only punctuation)."""
    return bool(_WORD_RE.search(q or ""))


def fts5_query(q: str) -> str:
    """Translate web-search syntax (words, "a phrase", -word, OR) into a safe SQLite FTS5 expression.

    Every term is rebuilt from its word characters and double-quoted, so nothing a reader types can
    reach FTS5 as syntax. Returns "" when no word is left to look for (only punctuation, or only words to
    exclude); search() uses that on every database to answer such queries with nothing.
    """
    positives: list[str] = []
    negatives: list[str] = []
    join_next_with_or = False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', q):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word.upper() == "OR" and positives:
                join_next_with_or = True
                continue
            negate, phrase = ("-", word[1:]) if word.startswith("-") else ("", word)
        words = _WORD_RE.findall(phrase or "")
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negate:
            negatives.append(term)
        elif join_next_with_or:
            positives[-1] = f"({positives[-1]} OR {term})"
            join_next_with_or = False
        else:
            positives.append(term)
        if len(positives) + len(negatives) >= SEARCH_MAX_TERMS:
            break
    if not positives:
        return ""
    expression = " AND ".join(positives)
    if negatives:
        expression = f"({expression}) NOT ({' OR '.join(negatives)})"
    return expression


_FTS_MATCH_SQL = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
_FTS_ONE_ROW = "FROM articles_article_fts WHERE articles_article_fts MATCH %s AND rowid = articles_article.id"
# bm25 is lower for better matches; the columns are weighted title 10, standfirst 4, body 1.
_FTS_RANK_SQL = "SELECT -bm25(articles_article_fts, 10.0, 4.0, 1.0) " + _FTS_ONE_ROW
_FTS_SNIPPET_SQL = "SELECT snippet(articles_article_fts, -1, %s, %s, ' … ', 24) " + _FTS_ONE_ROW


class SearchVectorColumn(Expression):
    """The `search_vector` column PostgreSQL keeps itself (a generated column, migration 0003).

    It is not a model field, so it is never selected with an article or written on save.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name('search_vector')}", []
