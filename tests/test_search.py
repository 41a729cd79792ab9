"""Acceptance 4: full-text search at /search/?q=, kept by the database itself, on PostgreSQL and SQLite."""

import re
from html import unescape

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, fts5_query
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

RESULT_RE = re.compile(r'<li class="search-result">\s*<h3><a href="[^"]+">([^<]+)</a>')


def result_titles(response) -> list[str]:
    return RESULT_RE.findall(response.content.decode())


def search_titles(q: str) -> list[str]:
    return [article.title for article in Article.objects.published().search(q)]


def test_title_outranks_standfirst_which_outranks_body():
    ArticleFactory(title="Weather in the north", dek="Rain again", body="<p>The lighthouse was dark all week.</p>")
    ArticleFactory(title="Coastal news", dek="A lighthouse reopens after repairs", body="<p>Visitors came.</p>")
    ArticleFactory(title="Lighthouse keepers meet", dek="An annual gathering", body="<p>Stories were told.</p>")
    ArticleFactory(title="Unrelated", dek="Nothing here", body="<p>Markets rose.</p>")

    assert search_titles("lighthouse") == ["Lighthouse keepers meet", "Coastal news", "Weather in the north"]


def test_websearch_syntax_phrases_exclusions_and_alternatives():
    ArticleFactory(title="Belt and Road forum opens", body="<p>Delegates arrived in Beijing.</p>")
    ArticleFactory(title="Road works on the belt highway", body="<p>Traffic was slow.</p>")
    ArticleFactory(title="Ocean health report", body="<p>Reefs are recovering.</p>")

    assert search_titles('"belt and road"') == ["Belt and Road forum opens"]
    assert search_titles("road -forum") == ["Road works on the belt highway"]
    assert sorted(search_titles("reefs OR delegates")) == ["Belt and Road forum opens", "Ocean health report"]


def test_results_page_highlights_matches_in_an_escaped_snippet(client):
    ArticleFactory(
        title="Port expansion",
        body="<p>Engineers said the <strong>harbour</strong> will double. The text "
        "&lt;script&gt;alert(1)&lt;/script&gt; is quoted here as words.</p>",
    )

    response = client.get("/search/", {"q": "harbour"})

    assert response.status_code == 200
    html = response.content.decode()
    assert result_titles(response) == ["Port expansion"]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S)[1]
    assert "<mark>harbour</mark>" in snippet
    assert "<script>" not in html.split("</header>", 1)[1]  # no script from the body ever reaches the page
    assert "<strong>" not in snippet


def test_snippet_escapes_text_that_would_be_markup(client):
    ArticleFactory(title="Markup quoted", body="<p>The expression &lt;b onclick=x&gt; harbour appeared.</p>")

    html = client.get("/search/", {"q": "harbour"}).content.decode()

    assert "&lt;b onclick=x&gt;" in html
    assert "<b onclick" not in html


def test_filters_by_initiative_and_by_tag(client):
    bri = InitiativeFactory(name="Belt and Road Initiative")
    gdi = InitiativeFactory(name="Global Development Initiative")
    ArticleFactory(title="Railway to the coast", initiatives=[bri], tags=["rail"])
    ArticleFactory(title="Railway skills school", initiatives=[gdi], tags=["rail", "education"])
    ArticleFactory(title="Railway museum", tags=["culture"])

    by_initiative = client.get("/search/", {"q": "railway", "initiative": bri.slug})
    by_tag = client.get("/search/", {"q": "railway", "tag": "rail"})
    both = client.get("/search/", {"q": "railway", "initiative": gdi.slug, "tag": "education"})
    unknown = client.get("/search/", {"q": "railway", "tag": "no-such-tag"})

    assert result_titles(by_initiative) == ["Railway to the coast"]
    assert sorted(result_titles(by_tag)) == ["Railway skills school", "Railway to the coast"]
    assert result_titles(both) == ["Railway skills school"]
    assert unknown.status_code == 200
    assert result_titles(unknown) == []
    assert "remove a filter" in unknown.content.decode()


def test_only_published_articles_are_found():
    ArticleFactory(title="Published harbour story")
    ArticleFactory(title="Draft harbour story", status=Article.Status.DRAFT)
    ArticleFactory(title="Withheld harbour story", status=Article.Status.WITHHELD)

    assert search_titles("harbour") == ["Published harbour story"]


def test_the_index_follows_every_write_even_without_save():
    """The database keeps the index (generated column or triggers), whatever path the write takes."""
    article = ArticleFactory(title="Old headline about tea")
    Article.objects.filter(pk=article.pk).update(title="New headline about coffee", body="<p>Beans.</p>")

    assert search_titles("coffee") == ["New headline about coffee"]
    assert search_titles("tea") == []

    Article.objects.filter(pk=article.pk).delete()
    assert search_titles("coffee") == []


def test_more_results_pages_by_rank_without_repeats(client):
    for i in range(27):
        ArticleFactory(title=f"Harbour bulletin {i}", body="<p>harbour " * (i % 5 + 1) + "</p>")

    first = client.get("/search/", {"q": "harbour"})
    more = re.search(r'<a rel="next" href="([^"]+)"', first.content.decode())[1]
    second = client.get("/search/" + unescape(more))

    seen = result_titles(first) + result_titles(second)
    assert len(result_titles(first)) == 20
    assert len(seen) == len(set(seen)) == 27


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "!!! ??? ...",
        "-",
        '"',
        "x" * 5000,
        "harbour " * 700,
        'title:harbour NEAR("a" "b") * ^ AND OR NOT ( ) { } :',
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "港口 建设",
        "-0",
        "-harbour",
    ],
)
def test_hostile_queries_answer_200_with_a_helpful_message(client, q):
    ArticleFactory(title="Harbour story")

    response = client.get("/search/", {"q": q})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    if not re.search(r"\w", q):
        assert "Type a word" in html or "nothing to look for" in html
    if len(q) > 256:
        assert "used only its first 256 characters" in html
    if q.startswith("-") and re.search(r"\w", q):
        assert "No articles match" in html  # only exclusions: nothing, not everything


def test_a_bad_results_cursor_is_a_clear_400(client):
    response = client.get("/search/", {"q": "harbour", "after": "not-a-cursor"})
    assert response.status_code == 400
    assert "couldn't read that page link" in response.content.decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300).filter(lambda text: "\x00" not in text))  # a NUL is a 400 before any view
def test_any_text_at_all_answers_200(client, q):
    response = client.get("/search/", {"q": q, "initiative": q[:20], "tag": q[:20]})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("harbour", '"harbour"'),
        ('"belt and road" -forum', '("belt and road") NOT ("forum")'),
        ("ports OR harbours", '("ports" OR "harbours")'),
        ('title:x NEAR("a") *', '"title x" AND "NEAR a"'),
        ("!!!", ""),
        ("-only -negative", ""),
    ],
)
def test_fts5_translation_quotes_every_term(q, expected):
    assert fts5_query(q) == expected


# --- The index itself, per database ---


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_sqlite_search_uses_the_fts5_index_kept_by_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_article'")
        triggers = {row[0] for row in cursor.fetchall()}
        # A later migration that rebuilds the table would drop these silently: this test says so.
        assert triggers == {"articles_article_fts_insert", "articles_article_fts_update", "articles_article_fts_delete"}
        ArticleFactory(title="Harbour story", body="<p><strong>Strong</strong> tides.</p>")
        cursor.execute("SELECT body FROM articles_article_fts")
        assert "<strong>" not in cursor.fetchone()[0]
    sql, params = Article.objects.published().search("harbour").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan


@requires_postgres
def test_postgres_search_vector_is_a_generated_column_with_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated, data_type FROM information_schema.columns "
            "WHERE table_name = 'articles_article' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS", "tsvector")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_article_search_idx'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


@requires_postgres
def test_postgres_search_uses_the_gin_index():
    Article.objects.bulk_create(
        [
            Article(
                title=f"Bulletin {i}",
                slug=f"bulletin-{i}",
                body=f"<p>Routine notes number {i}.</p>" + ("<p>harbour</p>" if i % 50 == 0 else ""),
                editor=editor,
                responsible_editor=responsible,
                status=Article.Status.PUBLISHED,
                published_at=article.published_at,
            )
            for article in [ArticleFactory()]
            for editor, responsible in [(article.editor, article.responsible_editor)]
            for i in range(400)
        ]
    )
    sql, params = Article.objects.published().search("harbour").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_article_search_idx" in plan, plan
    assert len(search_titles("harbour")) == 8


def test_words_match_whatever_their_english_ending():
    ArticleFactory(title="Ports are expanding", body="<p>New berths.</p>")
    assert search_titles("expanded port") == ["Ports are expanding"]
