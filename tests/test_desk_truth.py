"""Issue 15, point 6: the desk reads true. Each role's home shows its own work first, status labels say what is
true, the history says which field changed, search snippets show no link addresses, and an article's editor
sees why and by whom it was withheld."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.newsroom import editing, revisions, workflow
from tests import _workflow
from tests._workflow import S, change_url, make_article
from tests.copyright_helpers import officer, parse, received, uphold
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture


def text_of(html: str) -> str:
    return " ".join(parse(html).text().split())


# --- each role's home ------------------------------------------------------------------------------------------


def test_the_officers_home_is_the_complaint_queue_saying_what_each_is_about_and_when_it_is_due(client, newsroom):
    about = ArticleFactory(title="Harbour cranes at dawn")
    complaint, _ = received(about, work_description="My photograph of the harbour cranes.")
    client.force_login(newsroom.officer.user)
    page = client.get(reverse("admin:index")).content.decode()
    queue = parse(page).find_all("section", **{"class": "module officer-queue"})
    assert queue, "the officer's home has no complaint queue"
    assert page.index("officer-queue-heading") < page.index("app-articles")  # before the list of apps
    row = " ".join(queue[0].text().split())
    assert complaint.reference in row
    assert "Article “Harbour cranes at dawn”" in row
    assert "claimed work: My photograph of the harbour cranes." in row
    assert re.search(r"due in \d+ (h|d|min)", row)
    # An officer does not write articles: no "My drafts" on their home.
    assert "My drafts" not in page


def test_the_complaint_list_has_an_about_column(client, newsroom):
    received(ArticleFactory(title="Silk Road trains"))
    client.force_login(newsroom.officer.user)
    page = client.get(reverse("admin:editorial_complaint_changelist")).content.decode()
    assert "column-about" in page and "Article “Silk Road trains”" in text_of(page)


def test_an_editors_home_shows_their_queues_and_no_complaint_queue(client, newsroom):
    make_article(newsroom, S.DRAFT, title="He's draft")
    received(ArticleFactory())
    client.force_login(newsroom.writer.user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "My drafts" in page and "officer-queue" not in page
    assert page.index("dashboard-heading") < page.index("app-articles")


# --- status labels ---------------------------------------------------------------------------------------------


@pytest.fixture
def went_live(newsroom):
    """An article scheduled for an hour ago: it is live now, although its status is still `scheduled`."""
    return make_article(
        newsroom, S.SCHEDULED, title="Out at nine", published_at=timezone.now() - datetime.timedelta(hours=1)
    )


@pytest.fixture
def still_scheduled(newsroom):
    return make_article(
        newsroom, S.SCHEDULED, title="Out tomorrow", published_at=timezone.now() + datetime.timedelta(days=1)
    )


def status_cell(page: str, title: str) -> str:
    for row in parse(page).find_all("tr"):
        if title in row.text():
            cells = [c for c in row.find_all("td") if "field-status_label" in c.get("class", "")]
            return " ".join(cells[0].text().split())
    raise AssertionError(f"{title} is not in the list")


def test_a_scheduled_article_that_went_live_reads_published_in_the_list_and_the_workflow_box(
    client, newsroom, went_live, still_scheduled
):
    client.force_login(newsroom.reviewer.user)
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert status_cell(listing, "Out at nine") == "Published"
    assert status_cell(listing, "Out tomorrow") == "Scheduled"
    box = parse(client.get(change_url(went_live)).content.decode()).find_all("strong")
    assert [" ".join(s.text().split()) for s in box if "workflow-state" in s.get("class", "")] == ["Published"]
    box = parse(client.get(change_url(still_scheduled)).content.decode()).find_all("strong")
    assert [" ".join(s.text().split()) for s in box if "workflow-state" in s.get("class", "")] == ["Scheduled"]


def buttons(client, article) -> list[str]:
    page = parse(client.get(change_url(article)).content.decode())
    return [b.get("value") for b in page.find_all("button") if b.get("name") == "transition"]


def test_unpublish_is_offered_only_on_live_articles(client, newsroom, went_live, still_scheduled):
    client.force_login(newsroom.reviewer.user)
    assert "unpublish" in buttons(client, went_live)
    assert "unpublish" in buttons(client, make_article(newsroom, S.PUBLISHED))
    offered = buttons(client, still_scheduled)
    assert "unpublish" not in offered and "unschedule" in offered


def test_unpublishing_an_article_that_is_not_live_yet_is_refused_whoever_asks(newsroom, still_scheduled):
    with pytest.raises(workflow.WrongState, match="cancel its schedule"):
        workflow.unpublish(still_scheduled, by=newsroom.reviewer.user, note="Pull it.")
    still_scheduled.refresh_from_db()
    assert still_scheduled.status == S.SCHEDULED


# --- history ---------------------------------------------------------------------------------------------------


def test_the_history_says_which_fields_each_revision_changed(client, newsroom):
    client.force_login(newsroom.writer.user)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Rain in Xi'an",
            "slug": "",
            "dek": "A wet week.",
            "body": "<p>It rained.</p>",
            "editor": newsroom.writer.editor.pk,
            "responsible_editor": newsroom.reviewer.editor.pk,
            "language": "en",
            "rights_basis": "original",
            "tags": "",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Rain in Xi'an")
    data = {**revisions.snapshot(article), "dek": "A very wet week.", "body": "<p>It rained all week.</p>"}
    revisions.apply_data(article, data)
    article.version += 1
    article.save()
    editing.record_edit(article, by=newsroom.writer.user, fields=["dek", "body"])
    workflow.submit(article, by=newsroom.writer.user)
    page = parse(client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode())
    changed = {}
    for row in page.find_all("tr"):
        cells = row.find_all("td")
        if len(cells) == 8:  # the revisions table (the audit trail below has 6 columns)
            changed[int(cells[2].text())] = " ".join(cells[5].text().split())
    assert changed == {1: "Created", 2: "Standfirst, Body", 3: "Status"}


# --- search snippets -------------------------------------------------------------------------------------------


def test_search_snippets_show_a_links_words_never_its_address(client):
    ArticleFactory(
        title="Port report",
        dek="",
        body='<p>The <a href="https://ships.example.com/quay/seven">harbour authority said</a> the quay reopens.</p>',
    )
    page = client.get("/search/", {"q": "harbour"}).content.decode()
    snippets = [" ".join(p.text().split()) for p in parse(page).find_all("p", **{"class": "snippet"})]
    assert snippets and "harbour" in snippets[0] and "authority said" in snippets[0]
    assert not [s for s in snippets if "example" in s or "https" in s or "quay/seven" in s]


def test_a_snippet_with_the_matched_word_inside_an_address_keeps_its_highlights_paired(client):
    ArticleFactory(
        title="Ferry", dek="", body='<p>See <a href="https://ferry.example.org/a">the ferry timetable</a>.</p>'
    )
    page = client.get("/search/", {"q": "ferry"}).content.decode()
    snippet = parse(page).find_all("p", **{"class": "snippet"})[0]
    assert "example" not in snippet.text() and snippet.text().count("ferry") >= 1
    assert len(snippet.find_all("mark")) >= 1


# --- withheld: why and by whom ---------------------------------------------------------------------------------


def test_the_articles_editor_sees_why_and_by_whom_it_was_withheld_with_the_complaints_reference(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED, title="Astana hall")
    complaint, _ = received(article)
    uphold(complaint, newsroom.officer.user)
    article.refresh_from_db()
    assert article.status == S.WITHHELD
    client.force_login(newsroom.writer.user)
    page = parse(client.get(change_url(article)).content.decode())
    box = [d for d in page.find_all("div") if "workflow-withheld" in d.get("class", "")]
    assert box, "no explanation of the withholding"
    said = " ".join(box[0].text().split())
    assert complaint.reference in said
    assert (newsroom.officer.user.get_full_name() or newsroom.officer.user.get_username()) in said
    assert f"Copyright complaint {complaint.reference}, item 1." in said  # the reason recorded
    assert "we withheld this article" in said  # what readers see instead


def test_an_officer_is_linked_to_the_complaint_from_the_withheld_article(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    complaint, _ = received(article)
    uphold(complaint, officer("li"))
    client.force_login(newsroom.officer.user)
    page = client.get(change_url(article)).content.decode()
    assert reverse("admin:editorial_complaint_change", args=[complaint.pk]) in page


def test_an_article_withheld_by_hand_names_who_did_it_and_the_note(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    with time_machine.travel(timezone.now(), tick=False):
        workflow.withhold(article, by=newsroom.officer.user, note="Photo agency called: licence lapsed.")
    client.force_login(newsroom.writer.user)
    said = text_of(client.get(change_url(article)).content.decode())
    assert "Withheld by Wang" in said and "Photo agency called: licence lapsed." in said
