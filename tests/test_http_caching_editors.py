"""Renaming an editor changes every page that shows the credit line."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_renaming_an_editor_gives_the_article_page_a_new_etag(client):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    article.editor.display_name = "Renamed Person"
    article.editor.save()
    response = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Renamed Person" in response.content.decode()
