"""Issue 5, point 3: every address a complaint names is resolved at intake to the published article, the
image or the passage it names on this site; anything else is a clear error next to the field; 1,000
addresses cost a bounded number of queries."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from editorial.copyright.intake import resolve_urls
from editorial.models import Complaint, ComplaintItem
from tests.copyright_helpers import FORM_URL, form_data, parse
from tests.factories import ArticleFactory, EditorFactory, ImageFactory, SectionFactory, image_upload

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Delegates met in Astana on 7 September 2013.</p>"
    "<p>The speech proposed an “economic belt” along the old Silk Road &amp; its ports.</p>"
)


def site(path: str) -> str:
    return f"http://testserver{path}"


@pytest.fixture
def article():
    return ArticleFactory(body=BODY)


@pytest.fixture
def picture():
    image = ImageFactory(file=image_upload(size=(240, 160)))
    image.make_renditions()
    return image


def test_an_article_address_names_the_whole_article(article):
    [target], errors = resolve_urls(site(article.get_absolute_url()))
    assert errors == []
    assert (target.kind, target.article, target.key) == ("article", article, f"article:{article.pk}")


def test_an_address_without_the_trailing_slash_or_as_a_path_also_works(article):
    resolved, errors = resolve_urls(f"{site(article.get_absolute_url()).rstrip('/')}\n{article.get_absolute_url()}")
    assert errors == []
    assert [t.article for t in resolved] == [article]  # the same target twice is kept once


def test_an_image_address_names_the_image(picture):
    [target], errors = resolve_urls(site(picture.file.url))
    assert errors == []
    assert (target.kind, target.image) == ("image", picture)


def test_a_rendition_address_names_its_image(picture):
    rendition = picture.renditions.filter(format="webp").first()
    [target], errors = resolve_urls(site(rendition.file.url))
    assert errors == []
    assert (target.kind, target.image, target.key) == ("image", picture, f"image:{picture.pk}")


def test_a_quoted_passage_names_that_passage_of_the_article(article):
    line = f'{site(article.get_absolute_url())} "an \u201ceconomic belt\u201d along the old Silk Road & its ports"'
    [target], errors = resolve_urls(line)
    assert errors == []
    assert target.kind == "passage"
    assert target.article == article
    assert target.passage.startswith("an \u201ceconomic belt")


def test_a_text_fragment_link_names_the_passage(article):
    fragment = quote("Delegates met in Astana")
    [target], errors = resolve_urls(f"{site(article.get_absolute_url())}#:~:text={fragment}")
    assert errors == []
    assert (target.kind, target.passage) == ("passage", "Delegates met in Astana")


def test_two_passages_of_one_article_are_two_targets(article):
    url = site(article.get_absolute_url())
    resolved, errors = resolve_urls(f'{url} "Delegates met in Astana"\n{url} "along the old Silk Road"')
    assert errors == []
    assert len({t.key for t in resolved}) == 2


@pytest.mark.parametrize(
    "line, message",
    [
        ("https://elsewhere.example/articles/a-story/", "on another site (elsewhere.example)"),
        ("http://testserver.evil.example/articles/a/", "on another site"),
        ("http://testserver/tags/ports/", "names no article or picture on this site"),
        ("http://testserver/no/such/page/", "names no article or picture on this site"),
        ("http://testserver/articles/no-such-story/", "No published article on this site has this address."),
        ("http://testserver/media/images/none.jpg", "No picture on this site has this address."),
        ("ftp://testserver/articles/x/", "Only web addresses"),
        ("articles/a-story", "Give the full address"),
        ("http://user:secret@testserver/articles/x/", "names a user and password"),
        ("javascript:alert(1)", "Only web addresses"),
    ],
)
def test_an_address_that_names_nothing_here_is_a_clear_error(line, message):
    resolved, [error] = resolve_urls(line)
    assert resolved == []
    assert error.line == 1
    assert message in str(error)


def test_a_draft_or_withheld_article_names_nothing(article):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    withheld = ArticleFactory(status=Article.Status.WITHHELD)
    future = ArticleFactory(published_at=timezone.now() + timezone.timedelta(days=1))
    lines = "\n".join(site(a.get_absolute_url()) for a in (draft, withheld, future))
    resolved, errors = resolve_urls(lines)
    assert resolved == []
    assert [e.line for e in errors] == [1, 2, 3]


def test_a_removed_image_names_nothing(picture):
    picture.removed_at = timezone.now()
    picture.save()
    resolved, [error] = resolve_urls(site(picture.file.url))
    assert resolved == [] and "No picture" in error.message


def test_a_passage_not_in_the_article_is_an_error(article):
    resolved, [error] = resolve_urls(f'{site(article.get_absolute_url())} "words we never published anywhere"')
    assert resolved == [] and "can't find this passage" in error.message


def test_a_passage_too_short_to_find_is_an_error(article):
    _, [error] = resolve_urls(f'{site(article.get_absolute_url())} "the"')
    assert "Quote at least" in error.message


def test_images_on_an_object_storage_host_are_recognised(settings, picture):
    settings.MEDIA_URL = "https://cdn.masthead.example/media/"
    [target], errors = resolve_urls(f"https://cdn.masthead.example/media/{picture.file.name}")
    assert errors == [] and target.image == picture


def test_the_site_url_host_is_ours_even_when_not_in_allowed_hosts(settings, article):
    settings.SITE_URL = "https://news.masthead.example"
    [target], errors = resolve_urls(f"https://news.masthead.example{article.get_absolute_url()}")
    assert errors == [] and target.article == article


def test_errors_are_shown_next_to_the_addresses_field_by_line(client, article):
    urls = f"{site(article.get_absolute_url())}\nhttps://elsewhere.example/x/"
    response = client.post(FORM_URL, form_data(urls))
    soup = parse(response.content)
    textarea = soup.find("textarea", name="urls")
    assert textarea["aria-invalid"] == "true"
    errors = soup.find(id=f"{textarea['id']}_error").text()
    assert "Line 2 (https://elsewhere.example/x/)" in errors and "another site" in errors
    assert not Complaint.objects.exists()


def test_more_than_the_maximum_number_of_addresses_is_refused(settings, article):
    settings.COMPLAINT_MAX_URLS = 3
    resolved, [error] = resolve_urls("\n".join([site(article.get_absolute_url())] * 4))
    assert resolved == [] and "at most 3 addresses" in error.message


def _many_articles(n: int) -> list[Article]:
    editor, responsible, section = EditorFactory(), EditorFactory(), SectionFactory()
    now = timezone.now() - timezone.timedelta(hours=1)
    return Article.objects.bulk_create(
        Article(
            title=f"Story {i}",
            slug=f"story-{i}",
            body=BODY,
            editor=editor,
            responsible_editor=responsible,
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now,
            first_published_at=now,
        )
        for i in range(n)
    )


def test_resolving_a_thousand_addresses_costs_a_few_queries_not_one_each(django_assert_max_num_queries, picture):
    articles = _many_articles(700)
    renditions = list(picture.renditions.all())
    lines = [site(a.get_absolute_url()) for a in articles[:500]]
    lines += [f'{site(a.get_absolute_url())} "Delegates met in Astana"' for a in articles[500:]]
    lines += [site(r.file.url) for r in renditions] + [site(picture.file.url)]
    lines += [site(f"/articles/missing-{i}/") for i in range(1000 - len(lines) - 50)]
    lines += [site(f"/media/images/missing-{i}.jpg") for i in range(50)]
    assert len(lines) == 1000
    with django_assert_max_num_queries(3):  # articles, images, renditions
        resolved, errors = resolve_urls("\n".join(lines))
    assert len(resolved) == 700 + 1
    assert len(errors) == 1000 - 700 - len(renditions) - 1


def test_filing_a_thousand_addresses_costs_the_same_queries_as_filing_one(client, django_capture_on_commit_callbacks):
    articles = _many_articles(1001)
    queries = []
    for n, urls in enumerate([[articles[0]], articles[1:]]):
        data = form_data("\n".join(site(a.get_absolute_url()) for a in urls), notifier_email=f"n{n}@lens.test")
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            response = client.post(FORM_URL, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        queries.append(len(captured))
    assert ComplaintItem.objects.count() == 1001
    # Items are inserted in batches of 500: at most two more inserts for 1,000 than for one.
    assert queries[1] - queries[0] <= 2
