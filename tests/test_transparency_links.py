"""The transparency report is reachable: from every page's footer, the policy, and each decided complaint."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_footer_and_policy_link_to_the_transparency_report(client):
    article = ArticleFactory()
    for url in ("/", article.get_absolute_url(), "/copyright/"):
        assert 'href="/copyright/transparency/"' in client.get(url).content.decode(), url
