"""Acceptance 3: "Recommended reading" and its "Change it" control."""

import re

import pytest
from django.utils import timezone

from articles.models import Article, recommendation_set
from tests.factories import ArticleFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

ITEM_RE = re.compile(r'<h3 class="recommended-title"><a href="/articles/([^/]+)/">')
CHANGE_IT_RE = re.compile(r'<a class="change-it" data-change-it href="([^"]+)">')


def hours_ago(n: float):
    return timezone.now() - timezone.timedelta(hours=n)


def recommended_slugs(html: str) -> list[str]:
    block = html.split('id="recommended"', 1)[1]
    return ITEM_RE.findall(block)


def test_articles_sharing_initiatives_and_tags_come_first_then_recent_ones():
    bri = InitiativeFactory(name="Belt and Road Initiative")
    article = ArticleFactory(title="Current", initiatives=[bri], tags=["rail", "ports"], published_at=hours_ago(1))
    ArticleFactory(title="Recent but unrelated", published_at=hours_ago(2))
    ArticleFactory(title="Shares one tag", tags=["ports"], published_at=hours_ago(30))
    ArticleFactory(title="Shares both tags", tags=["rail", "ports"], published_at=hours_ago(40))
    ArticleFactory(
        title="Shares the initiative and a tag", initiatives=[bri], tags=["rail"], published_at=hours_ago(50)
    )
    ArticleFactory(title="Older and unrelated", published_at=hours_ago(60))
    ArticleFactory(title="Related draft", status=Article.Status.DRAFT, initiatives=[bri], tags=["rail", "ports"])
    ArticleFactory(title="Related but withheld", status=Article.Status.WITHHELD, initiatives=[bri], tags=["rail"])

    article = Article.objects.prefetch_related("initiatives", "tags").get(pk=article.pk)
    pool = Article.objects.recommended_for(article)

    assert [a.title for a in pool] == [
        "Shares the initiative and a tag",
        "Shares both tags",
        "Shares one tag",
        "Recent but unrelated",
        "Older and unrelated",
    ]


def test_the_article_page_shows_a_set_and_never_the_article_itself(client):
    article = ArticleFactory(title="Current", tags=["ports"])
    for i in range(3):
        ArticleFactory(title=f"Port story {i}", tags=["ports"])

    html = client.get(article.get_absolute_url()).content.decode()

    slugs = recommended_slugs(html)
    assert len(slugs) == 3
    assert article.slug not in slugs
    assert "Recommended reading" in html
    assert CHANGE_IT_RE.search(html) is None  # one set holds the whole pool: nothing to change to


def make_pool(size: int) -> Article:
    article = ArticleFactory(title="Current", tags=["ports"], published_at=hours_ago(0.5))
    for i in range(size):
        ArticleFactory(title=f"Port story {i}", tags=["ports"], published_at=hours_ago(i + 1))
    return article


def test_change_it_sets_do_not_repeat_until_the_pool_is_used_up_then_wrap(client):
    article = make_pool(10)  # sets of 4: [0-3], [4-7], [8, 9, 0, 1], then [0-3] again

    first_html = client.get(article.get_absolute_url()).content.decode()
    sets = [recommended_slugs(first_html)]
    link = CHANGE_IT_RE.search(first_html)[1]
    for _ in range(3):
        assert link.startswith(f"/articles/{article.slug}/recommended/?page=")
        html = client.get(link, headers={"X-Fragment": "recommended"}).content.decode()
        sets.append(recommended_slugs(html))
        link = CHANGE_IT_RE.search(html)[1]

    all_ten = {f"port-story-{i}" for i in range(10)}
    assert set(sets[0]).isdisjoint(sets[1])
    assert set(sets[0] + sets[1]).isdisjoint(set(sets[2]) - set(sets[0]))
    assert set(sets[0] + sets[1] + sets[2]) == all_ten  # the pool is used up before anything repeats
    assert len(sets[0] + sets[1]) == 8 and len(set(sets[0] + sets[1])) == 8
    assert sets[3] == sets[0]  # then the sets begin again
    assert all(article.slug not in s for s in sets)


def test_recommendation_set_cycles_through_the_pool():
    pool = list(range(10))
    assert recommendation_set(pool, 1, 4) == ([0, 1, 2, 3], 2, 3)
    assert recommendation_set(pool, 2, 4) == ([4, 5, 6, 7], 3, 3)
    assert recommendation_set(pool, 3, 4) == ([8, 9, 0, 1], 1, 3)
    assert recommendation_set(pool, 4, 4) == ([0, 1, 2, 3], 2, 3)
    assert recommendation_set([1, 2], 5, 4) == ([1, 2], 1, 1)
    assert recommendation_set([], 1, 4) == ([], 1, 0)


def test_change_it_works_without_javascript_as_a_plain_link(client):
    article = make_pool(10)
    link = CHANGE_IT_RE.search(client.get(article.get_absolute_url()).content.decode())[1]

    response = client.get(link)  # what a browser without JavaScript does

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<!doctype html>")  # a whole page, with the site's layout
    assert f'<a href="{article.get_absolute_url()}">← Back to “Current”</a>' in html
    assert len(recommended_slugs(html)) == 4
    assert CHANGE_IT_RE.search(html)[1] == f"/articles/{article.slug}/recommended/?page=3"
    assert '<meta name="robots" content="noindex, follow">' in html


def test_the_script_gets_the_block_alone(client):
    article = make_pool(10)

    response = client.get(f"/articles/{article.slug}/recommended/?page=2", headers={"X-Fragment": "recommended"})

    html = response.content.decode().strip()
    assert html.startswith('<section id="recommended"')
    assert html.endswith("</section>")
    assert "X-Fragment" in response["Vary"]
    assert len(recommended_slugs(html)) == 4


@pytest.mark.parametrize("page", ["abc", "-3", "0", "", "1e9", "99999999999999999999999999", "2" * 5000, "%00"])
def test_any_page_number_answers_200(client, page):
    article = make_pool(6)
    response = client.get(f"/articles/{article.slug}/recommended/", {"page": page})
    assert response.status_code == 200
    assert len(recommended_slugs(response.content.decode())) == 4


def test_recommendations_of_a_hidden_article_are_404(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(f"/articles/{draft.slug}/recommended/?page=2").status_code == 404
