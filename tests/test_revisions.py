"""Issue 4, point 4: every save keeps a revision (title, dek, body, images, tags, initiatives, credits); the admin
shows the history, a readable diff between any two revisions, and restores one as a new revision."""

import pytest
from django.urls import reverse

from articles.models import Article
from editorial.models import ArticleRevision, AuditEvent
from editorial.newsroom import revisions, workflow
from tests import _workflow
from tests._workflow import S, change_url, form_data, make_article, messages_of
from tests.factories import ImageFactory, InitiativeFactory, SectionFactory

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, a, b):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={a}&b={b}"


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


def test_creating_an_article_in_the_admin_keeps_a_full_snapshot(client, newsroom):
    hero, inline = ImageFactory(), ImageFactory(caption="The new terminal")
    belt_and_road = InitiativeFactory(name="Belt and Road Initiative")
    section = SectionFactory(name="World")
    client.force_login(newsroom.writer.user)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "A railway reaches the coast",
            "slug": "",
            "dek": "What it changes for freight.",
            "body": f"<p>First paragraph.</p><p>[[image:{inline.pk}]]</p>",
            "hero_image": hero.pk,
            "editor": newsroom.writer.editor.pk,
            "responsible_editor": newsroom.reviewer.editor.pk,
            "section": section.pk,
            "initiatives": [belt_and_road.pk],
            "tags": "rail, ports",
            "language": "en",
            "rights_basis": "original",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "corrections-MIN_NUM_FORMS": "0",
            "corrections-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="A railway reaches the coast")
    revision = article.revisions.get()
    assert revision.number == 1 and revision.author == newsroom.writer.user
    data = revision.data
    assert data["title"] == "A railway reaches the coast" and data["dek"] == "What it changes for freight."
    assert "First paragraph." in data["body"]
    assert data["hero_image"]["id"] == hero.pk
    assert [i["id"] for i in data["inline_images"]] == [inline.pk]
    assert data["tags"] == ["ports", "rail"]
    assert [i["label"] for i in data["initiatives"]] == ["Belt and Road Initiative"]
    assert data["editor"]["label"] == "He Chuanning" and data["responsible_editor"]["label"] == "Su Suiyue"
    assert data["section"]["label"] == "World"
    assert AuditEvent.objects.for_object(article).get().action == "article.create"


def test_every_save_and_every_transition_keeps_a_revision(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, title="First headline"))
    client.post(change_url(article), form_data(article, tags="energy"))
    workflow.submit(article, by=newsroom.writer.user)
    numbers = list(article.revisions.order_by("number").values_list("number", "summary"))
    assert [n for n, _ in numbers] == [1, 2, 3]
    assert "title" in numbers[0][1] and "tags" in numbers[1][1] and "Submit for review" in numbers[2][1]
    assert article.revisions.get(number=2).data["tags"] == ["energy"]


def test_the_history_lists_every_revision_and_the_workflow_trail(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, title="A better headline"))
    workflow.submit(article, by=newsroom.writer.user, note="Over to you.")
    page = client.get(history_url(article)).content.decode()
    assert "Edited: title" in page and "Submit for review" in page
    assert "article.submit" in page and "Over to you." in page
    assert page.count('name="a"') == 2


def test_a_diff_between_any_two_revisions_is_readable_and_escaped(client, newsroom):
    article = make_article(newsroom, S.DRAFT, body="<p>The bridge opened in May.</p><p>Unchanged paragraph.</p>")
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))  # revision 1: as created
    client.post(change_url(article), form_data(article, title='Bridge <script>alert("x")</script> opens'))
    june = "<p>The bridge opened in June.</p><p>Unchanged paragraph.</p>"
    client.post(change_url(article), form_data(article, body=june))
    page = client.get(compare_url(article, 1, 3)).content.decode()
    assert "<del>May</del>" in page and "<ins>June</ins>" in page  # word by word, in the body
    assert "Headline" in page and "Body" in page
    assert "&lt;script&gt;" in page and '<script>alert("x")' not in page
    # The other way round and against the current article work too.
    assert client.get(compare_url(article, 3, 1)).status_code == 200
    assert "<ins>June</ins>" in client.get(compare_url(article, 1, "current")).content.decode()


@pytest.mark.parametrize("query", ["?a=1&b=999", "?a=x&b=1", "", "?a=1&b=" + "9" * 400])
def test_a_bad_comparison_is_a_message_not_an_error(client, newsroom, query):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))
    url = reverse("admin:articles_article_compare", args=[article.pk]) + query
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert messages_of(response)


def test_restoring_a_revision_brings_the_content_back_as_a_new_revision(client, newsroom):
    first_initiative, second_initiative = InitiativeFactory(), InitiativeFactory()
    article = make_article(newsroom, S.DRAFT, title="Original headline", tags=["ports"])
    article.initiatives.add(first_initiative)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))  # revision 1
    client.post(
        change_url(article),
        form_data(article, title="Worse headline", tags="rumours", initiatives=[second_initiative.pk], body="<p>X</p>"),
    )
    assert client.get(restore_url(article, 1)).status_code == 200  # the confirmation shows the diff
    article.refresh_from_db()
    response = client.post(restore_url(article, 1), {"version": article.version}, follow=True)
    assert any("restored, as new revision 3" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.title == "Original headline"
    assert list(article.tags.names()) == ["ports"]
    assert list(article.initiatives.all()) == [first_initiative]
    assert article.revisions.count() == 3
    assert article.revisions.get(number=3).summary == "Restored revision 1"
    assert article.status == S.DRAFT
    assert AuditEvent.objects.for_object(article).filter(action="article.restore_revision").exists()


def test_restoring_keeps_what_no_longer_exists_as_it_is_and_says_so(newsroom):
    gone = InitiativeFactory(name="A programme since wound up")
    article = make_article(newsroom, S.DRAFT)
    article.initiatives.add(gone)
    first = revisions.record(article, author=newsroom.writer.user, summary="test")
    article.initiatives.clear()
    gone.delete()
    new = revisions.restore_revision(article, first, by=newsroom.writer.user)
    assert "A programme since wound up" in new.summary and article.initiatives.count() == 0


def test_restoring_from_a_stale_page_is_refused(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article))
    stale = Article.objects.get(pk=article.pk).version
    client.post(change_url(article), form_data(article, title="Someone else's headline"))
    response = client.post(restore_url(article, 1), {"version": stale}, follow=True)
    assert any("changed since you opened" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.title == "Someone else's headline"


def test_only_people_who_may_edit_can_restore(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    revisions.record(article, author=newsroom.writer.user, summary="first")
    client.force_login(newsroom.officer.user)  # view-only on articles
    assert client.post(restore_url(article, 1), {"version": article.version}).status_code == 403
    assert client.get(history_url(article)).status_code == 200  # but may read the history


def test_restoring_approved_copy_sends_it_back_to_review(client, newsroom):
    article = make_article(newsroom, S.APPROVED)
    first = revisions.record(article, author=newsroom.writer.user, summary="first")
    Article.objects.filter(pk=article.pk).update(title="Changed after approval by a reviewer")
    client.force_login(newsroom.writer.user)
    article.refresh_from_db()
    client.post(restore_url(article, first.number), {"version": article.version})
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_a_missing_revision_is_a_message(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    response = client.get(restore_url(article, 42), follow=True)
    assert any("does not exist" in m for m in messages_of(response))


def test_revisions_cannot_be_edited_or_deleted_in_the_admin(client, newsroom, admin_user):
    article = make_article(newsroom, S.DRAFT)
    revision = revisions.record(article, author=newsroom.writer.user, summary="first")
    client.force_login(admin_user)
    url = reverse("admin:editorial_articlerevision_change", args=[revision.pk])
    assert client.post(url, {"summary": "rewritten"}).status_code == 403
    assert client.post(reverse("admin:editorial_articlerevision_delete", args=[revision.pk])).status_code == 403
    assert ArticleRevision.objects.get(pk=revision.pk).summary == "first"


def test_word_diff_escapes_and_marks_changes():
    old, new = revisions.word_diff("<b>Tom</b> & Jerry", "<b>Tim</b> & Jerry")
    assert "&lt;b&gt;" in old and "<del>Tom</del>" in old and "<ins>Tim</ins>" in new
    assert "&amp;" in new


def test_word_diff_handles_chinese_text_character_by_character():
    old, new = revisions.word_diff("一带一路倡议", "一带一路合作")
    assert "<del>倡</del>" in old or "<del>倡议</del>" in old
    assert "一带一路" in new and "<ins>" in new


def test_absurd_numbers_in_addresses_are_not_errors(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    assert client.get(restore_url(article, 10**30), follow=True).status_code == 200
    huge = "9" * 30
    assert client.get(f"/admin/articles/article/{huge}/history/", follow=True).status_code == 200
    response = client.post(f"/admin/articles/article/{huge}/workflow/", {"transition": "approve", "version": 1})
    assert response.status_code == 302
