"""config/db.py: the reader pages' hottest statements are prepared once per PostgreSQL connection, and are
still logged, counted and answered like any other query (issue 7)."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import published_article
from config.db import prepared_cursor
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, ImageFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@requires_postgres
def test_the_article_query_is_prepared_once_and_still_counted():
    article = ArticleFactory(hero_image=ImageFactory())
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert published_article(article.slug).pk == article.pk
    assert len(queries) == 3  # logged like any query
    ours = [text for text in prepared_statements() if '"articles_article"."slug" = $' in text]
    assert len(ours) == 1  # planned once, used three times


@requires_postgres
def test_every_other_query_is_bound_on_the_client_and_never_prepared():
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)
        cursor.execute("SELECT 1 WHERE %s = %s", ["a", "a"])
    assert not any("$1 = $2" in text for text in prepared_statements())


@requires_postgres
def test_without_a_threshold_it_is_djangos_own_cursor(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})
    with prepared_cursor(connection) as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_sqlite_gets_djangos_own_cursor_too():
    if connection.vendor == "postgresql":
        pytest.skip("for the SQLite run")
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize(("value", "expected"), [("1", "0"), ("0", "None")])
def test_the_setting_follows_the_environment(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/masthead",
        "DATABASE_PREPARED_STATEMENTS": value,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == expected, result.stderr
