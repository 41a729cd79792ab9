"""Issue 4, point 5: when two people edit the same article and the second saves a stale form, the save is
refused with a clear conflict message showing what changed; nothing is silently overwritten."""

import pytest

from articles.models import Article
from editorial.newsroom import workflow
from tests import _workflow
from tests._workflow import S, change_url, form_data, make_article

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture


def _loaded_version(client, article) -> int:
    """Open the change form as the browser would and read the version it carries."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.context["adminform"].form["loaded_version"].value()


def test_the_second_stale_save_is_refused_and_shows_what_changed(client, newsroom):
    article = make_article(newsroom, S.DRAFT, title="Talks resume in Geneva", dek="Both sides return.")
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))  # a revision for the version both will open
    first, second = client, type(client)()
    second.force_login(newsroom.reviewer.user)
    first_version, second_version = _loaded_version(first, article), _loaded_version(second, article)
    assert first_version == second_version

    # The first person saves a new headline.
    saved = first.post(change_url(article), form_data(article, title="Talks resume in Geneva on Monday"))
    assert saved.status_code == 302

    # The second, still on the old page, changes the standfirst and saves.
    stale = form_data(article, dek="A different standfirst.", loaded_version=second_version)
    stale["title"] = "Talks resume in Geneva"  # their page still shows the old headline
    response = second.post(change_url(article), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this article while you were editing it" in page
    assert "Your changes have NOT been saved" in page
    assert "Changed by the other save: <strong>Headline</strong>" in page
    assert "<ins> on Monday</ins>" in page  # the other person's change, shown
    assert "A different standfirst." in page  # their own typing is still in the form, not lost
    article.refresh_from_db()
    assert article.title == "Talks resume in Geneva on Monday"
    assert article.dek == "Both sides return."
    assert article.revisions.count() == 2  # no revision for the refused save


def test_after_reloading_the_second_person_can_save(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    stale_version = _loaded_version(client, article)
    client.post(change_url(article), form_data(article, title="New headline"))
    refused = client.post(change_url(article), form_data(article, dek="Mine", loaded_version=stale_version))
    assert refused.status_code == 200
    fresh = client.post(change_url(article), form_data(article, dek="Mine"))
    assert fresh.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.dek) == ("New headline", "Mine")


def test_a_workflow_move_meanwhile_is_a_conflict_too(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))
    version = _loaded_version(client, article)
    workflow.submit(article, by=newsroom.writer.user)  # e.g. from another tab
    response = client.post(change_url(article), form_data(article, body="<p>Late edit.</p>", loaded_version=version))
    assert response.status_code == 200
    assert "Changed by the other save: <strong>Status</strong>" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body != "<p>Late edit.</p>"


def test_a_form_without_its_version_is_refused(client, newsroom):
    article = make_article(newsroom, S.DRAFT, title="Kept")
    client.force_login(newsroom.writer.user)
    data = form_data(article, title="Overwritten?")
    del data["loaded_version"]
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "did not say which version" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept"


@pytest.mark.parametrize("bad", ["-3", "abc", "9" * 40])
def test_a_malformed_version_is_a_form_error(client, newsroom, bad):
    article = make_article(newsroom, S.DRAFT, title="Kept")
    client.force_login(newsroom.writer.user)
    response = client.post(change_url(article), form_data(article, title="Changed", loaded_version=bad))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Kept"


def test_each_save_moves_the_version_on(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    before = article.version
    client.post(change_url(article), form_data(article, title="One"))
    client.post(change_url(article), form_data(article, title="Two"))
    article.refresh_from_db()
    assert article.version == before + 2


def test_a_conflict_on_an_article_without_history_still_refuses(client, newsroom):
    """Articles made before revisions were kept: the conflict is still caught, just described less."""
    article = make_article(newsroom, S.DRAFT, title="Old")
    client.force_login(newsroom.writer.user)
    version = _loaded_version(client, article)
    Article.objects.filter(pk=article.pk).update(title="Changed by a script", version=version + 1)
    response = client.post(change_url(article), form_data(article, title="Mine", loaded_version=version))
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Changed by a script"
