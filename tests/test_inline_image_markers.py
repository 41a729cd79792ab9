"""An `[[image:ID]]` marker naming no picture is a form error that keeps the editor's text, and saving such a
body never fails at commit (issue 12, point 4). Before, the admin's save failed with a foreign-key error when
the transaction committed on PostgreSQL, and the editor's text was lost."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from articles.models import Article
from tests import _workflow
from tests._workflow import change_url, form_data, make_article
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

newsroom = _workflow.newsroom  # the fixture

UNKNOWN = 999999


def body_with(*ids: int) -> str:
    return "<p>Delegates met in the port city.</p>" + "".join(f"<p>[[image:{pk}]]</p>" for pk in ids)


def textarea_of(response) -> str:
    page = response.content.decode()
    start = page.index('name="body"')
    # Django writes a newline after <textarea>, which the browser drops.
    return html.unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)]).removeprefix("\n")


def test_the_admin_shows_an_unknown_marker_as_an_error_and_keeps_the_text(client, newsroom):
    article = make_article(newsroom, body="<p>The old text.</p>")
    picture = ImageFactory()
    client.force_login(newsroom.writer.user)
    new_body = body_with(picture.pk, UNKNOWN) + "<p>An hour of the editor's work.</p>"

    response = client.post(change_url(article), form_data(article, body=new_body))

    assert response.status_code == 200
    assert f"There is no picture {UNKNOWN} in the library" in response.content.decode()
    assert textarea_of(response) == new_body  # nothing the editor typed is lost
    article.refresh_from_db()
    assert article.body == "<p>The old text.</p>" and not article.inline_images.exists()


def test_the_admin_names_every_unknown_picture_once(client, newsroom):
    article = make_article(newsroom)
    client.force_login(newsroom.writer.user)

    response = client.post(change_url(article), form_data(article, body=body_with(UNKNOWN, 888888, UNKNOWN)))

    assert response.status_code == 200
    assert f"There are no pictures {UNKNOWN}, 888888 in the library" in response.content.decode()


def test_the_admin_saves_a_body_whose_pictures_exist(client, newsroom):
    article = make_article(newsroom)
    picture = ImageFactory()
    client.force_login(newsroom.writer.user)

    response = client.post(change_url(article), form_data(article, body=body_with(picture.pk)))

    assert response.status_code == 302
    assert list(Article.objects.get(pk=article.pk).inline_images.all()) == [picture]


@pytest.mark.parametrize(
    "body",
    [body_with(UNKNOWN), f"<p>[[image:<span>{UNKNOWN}</span>]]</p>", f"<p>[[image:{UNKNOWN:012d}]]</p>"],
    ids=["marker", "marker split by a tag the sanitiser removes", "leading zeros"],
)
def test_model_validation_refuses_an_unknown_picture_on_the_body(body):
    article = ArticleFactory()
    article.body = body
    with pytest.raises(ValidationError) as refused:
        article.full_clean(exclude=["tags"])
    assert refused.value.message_dict["body"] == [
        f"There is no picture {UNKNOWN} in the library: check the marker [[image:{UNKNOWN}]], or add the picture first."
    ]


def test_a_form_without_the_body_does_not_check_it():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=body_with(UNKNOWN))  # e.g. the picture deleted since
    article.refresh_from_db()
    article.full_clean(exclude=["tags", "body"])  # no error: the body is not this form's to fix


def test_saving_a_body_with_an_unknown_marker_never_fails_at_commit():
    """Without a form (a command, a task, the shell): the unknown id is left out of the relation."""
    picture = ImageFactory()
    article = ArticleFactory(body=body_with(picture.pk, UNKNOWN))

    connection.check_constraints()  # what PostgreSQL does at commit with its deferred foreign keys

    assert list(article.inline_images.all()) == [picture]
    assert f"[[image:{UNKNOWN}]]" in Article.objects.get(pk=article.pk).body  # the text is kept as written
