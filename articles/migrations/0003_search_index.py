"""Full-text search, kept by the database itself, from one migration for both databases (STYLE.md 7).

PostgreSQL: a generated `search_vector` tsvector column (title weight A, standfirst B, body C, tags and
[[image:ID]] markers stripped from the body) with a GIN index. It is not a model field: Django never
selects or writes it; `ArticleQuerySet.search()` names it through `SearchVectorColumn`.

SQLite: an FTS5 table `articles_article_fts` (rowid = article id) filled and kept in step by triggers.
The body goes in with the HTML tags our sanitiser allows replaced by spaces, so tag names are not words.

A later migration that makes SQLite rebuild `articles_article` (most AlterField operations do) drops the
triggers with the old table: such a migration must run this one's `create_search` again (see
tests/test_search.py, which checks the triggers exist after all migrations).
"""

from django.db import migrations

# Frozen copy of the tags articles/richtext.py allowed when this migration was written.
_TAGS = (
    "p br h2 h3 h4 blockquote q cite ul ol li a strong em b i sub sup abbr hr figure figcaption "
    "table thead tbody tr th td"
).split()
# Opening tags that carry attributes, as nh3 writes them; the closing `">` is replaced on its own.
_ATTRIBUTE_OPENERS = ['<a href="', '" rel="noopener noreferrer">', '<abbr title="', '<th scope="', '<q cite="', '">']


def _replacement_chunks() -> list[list[str]]:
    # `</` becomes `<` first, so each tag needs one replacement; chunks stay under SQLite's parser depth.
    texts = ["</"] + [f"<{tag}>" for tag in _TAGS] + _ATTRIBUTE_OPENERS + ["<br />", "<hr />", "[[image:", "]]"]
    return [texts[i : i + 20] for i in range(0, len(texts), 20)]


def _strip(expression: str, texts: list[str]) -> str:
    for text in texts:
        replacement = "<" if text == "</" else " "
        expression = f"replace({expression}, '{text}', '{replacement}')"
    return expression


_FIRST, *_REST = _replacement_chunks()


def _sqlite_fill(where: str) -> list[str]:
    """Statements that finish stripping the body of the FTS rows matching `where`."""
    return [f"UPDATE articles_article_fts SET body = {_strip('body', chunk)} WHERE {where}" for chunk in _REST]


POSTGRES_FORWARD = [
    r"""
    ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(dek, '')), 'B')
        || setweight(
            to_tsvector(
                'english'::regconfig,
                regexp_replace(coalesce(body, ''), '<[^>]*>|\[\[image:\d+\]\]', ' ', 'g')
            ),
            'C'
        )
    ) STORED
    """,
    # fastupdate off: each write goes straight into the index (no pending list), so the planner always
    # sees an index it can trust; a newsroom writes rarely and reads often.
    "CREATE INDEX articles_article_search_idx ON articles_article USING gin (search_vector) WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]

_NEW_BODY = _strip("coalesce(new.body, '')", _FIRST)
_OLD_BODY = _strip("coalesce(body, '')", _FIRST)
_FTS_ROW = f"new.id, new.title, coalesce(new.dek, ''), {_NEW_BODY}"
_FTS_INSERT = f"INSERT INTO articles_article_fts(rowid, title, dek, body) VALUES ({_FTS_ROW}); "
_FTS_FINISH = "".join(f"{sql}; " for sql in _sqlite_fill("rowid = new.id"))
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_fts USING fts5("
    "title, dek, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article BEGIN "
    f"{_FTS_INSERT}{_FTS_FINISH}END",
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_update AFTER UPDATE OF title, dek, body "
    "ON articles_article BEGIN "
    f"DELETE FROM articles_article_fts WHERE rowid = old.id; {_FTS_INSERT}{_FTS_FINISH}END",
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article BEGIN "
    "DELETE FROM articles_article_fts WHERE rowid = old.id; END",
    # Rebuild from what is there (the triggers see only later writes).
    "DELETE FROM articles_article_fts",
    "INSERT INTO articles_article_fts(rowid, title, dek, body) "
    f"SELECT id, title, coalesce(dek, ''), {_OLD_BODY} FROM articles_article",
    *_sqlite_fill("1"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def create_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    # Other databases search with a plain substring match and need no schema.


def drop_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
