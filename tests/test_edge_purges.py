"""Issue 13, point 4: purges are exact and durable.

A real HTTP server on this machine plays the edge and records every PURGE it gets: each change purges
exactly the keys of the pages that show it, after the commit; with no edge configured nothing is sent; an
edge that does not answer gets the purge again later (a deferred task of the database backend), until
the pages it could hold have expired anyway.
"""

import http.server
import threading
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import edge
from articles.models import Section
from articles.tasks import purge_edge
from editorial.newsroom import workflow
from tests._workflow import S, make_article, newsroom  # noqa: F401 - newsroom is a fixture
from tests.factories import ArticleFactory, CorrectionFactory, EditorFactory, RenderedImageFactory

pytestmark = pytest.mark.django_db


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append(set(self.headers["xkey-purge"].split()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def purges(recorder, settings, django_capture_on_commit_callbacks):
    """The keys purged by what the test does, after its commit (on_commit callbacks run)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{recorder.server_port}/"]

    class Purges:
        def during(self, change) -> list[set[str]]:
            recorder.purged.clear()
            with django_capture_on_commit_callbacks(execute=True):
                change()
            return list(recorder.purged)

    return Purges()


def test_publishing_purges_the_article_and_every_listing(purges, newsroom):  # noqa: F811
    draft = make_article(newsroom, S.APPROVED, title="News")
    sent = purges.during(lambda: workflow.publish(draft, by=newsroom.reviewer.user))
    assert set().union(*sent) == {edge.article_key(draft.pk), edge.LISTINGS}


def test_withholding_and_restoring_purge_the_article_and_every_listing(purges, newsroom):  # noqa: F811
    article = make_article(newsroom, S.PUBLISHED, title="Disputed")
    keys = {edge.article_key(article.pk), edge.LISTINGS}
    officer = newsroom.officer.user
    assert set().union(*purges.during(lambda: workflow.withhold(article, by=officer, note="CN-1"))) == keys
    assert set().union(*purges.during(lambda: workflow.restore(article, by=officer, note="ok"))) == keys


def test_editing_a_draft_purges_its_own_key_only(purges, newsroom):  # noqa: F811
    draft = make_article(newsroom, S.DRAFT, title="Work in progress")

    def edit():
        draft.title = "Still in progress"
        draft.save()

    assert purges.during(edit) == [{edge.article_key(draft.pk)}]


def test_a_correction_purges_its_article(purges):
    article = ArticleFactory()
    assert purges.during(lambda: CorrectionFactory(article=article)) == [{edge.article_key(article.pk)}]


def test_removing_an_image_purges_the_pages_that_show_it(purges):
    image = RenderedImageFactory()

    def remove():
        image.removed_at = timezone.now()
        image.save()

    assert purges.during(remove) == [{edge.image_key(image.pk)}]


def test_an_editors_profile_change_purges_their_key(purges):
    editor = EditorFactory()

    def rename():
        editor.display_name = "Renamed"
        editor.save()

    assert purges.during(rename) == [{edge.editor_key(editor.pk)}]


def test_a_section_purges_its_pages_and_every_page_with_the_navigation(purges):
    section = Section.objects.create(name="Ports", slug="ports")

    def rename():
        section.name = "Harbours"
        section.save()

    assert purges.during(rename) == [{edge.section_key(section.pk), edge.SITE}]


def test_nothing_is_purged_before_the_commit(purges, recorder, newsroom):  # noqa: F811
    draft = make_article(newsroom, S.APPROVED)
    recorder.purged.clear()
    workflow.publish(draft, by=newsroom.reviewer.user)  # the test's transaction never commits
    assert recorder.purged == []


def test_without_an_edge_no_purge_task_is_made(settings, recorder, django_capture_on_commit_callbacks):
    settings.EDGE_PURGE_URLS = []
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Quiet")
    assert not DBTaskResult.objects.exists()
    assert recorder.purged == []


def test_a_purge_the_edge_missed_is_tried_again_later_until_the_pages_have_expired(settings, recorder):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    down = "http://127.0.0.1:9/"  # the discard port: nothing answers
    up = f"http://127.0.0.1:{recorder.server_port}/"
    settings.EDGE_PURGE_URLS = [up, down]
    deadline = time.time() + 3600

    failed = purge_edge.call(["article-1", "listings"], deadline)

    assert failed == [down]
    assert recorder.purged == [{"article-1", "listings"}]  # the edge that answered is not asked again
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "articles.tasks.purge_edge"
    assert retry.run_after is not None and retry.run_after > timezone.now()
    assert retry.args_kwargs["kwargs"] == {"urls": [down], "attempt": 2}

    # The edge is back: the retry (as the worker runs it) purges there.
    recorder.purged.clear()
    assert purge_edge.call(*retry.args_kwargs["args"], **{**retry.args_kwargs["kwargs"], "urls": [up]}) == []
    assert recorder.purged == [{"article-1", "listings"}]


def test_a_purge_is_given_up_once_the_pages_have_expired_by_themselves(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]
    assert purge_edge.call(["article-1"], time.time() + 0.5) == ["http://127.0.0.1:9/"]
    assert not DBTaskResult.objects.exists()


def test_the_purge_is_enqueued_inside_the_transaction_with_the_database_backend(settings):
    """Durable: the task's row commits with the change or not at all (a crash after the commit loses nothing)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]
    article = ArticleFactory()
    DBTaskResult.objects.all().delete()
    article.title = "Edited"
    article.save()
    task = DBTaskResult.objects.get()  # already there, before any commit
    assert set(task.args_kwargs["args"][0]) == {edge.article_key(article.pk), edge.LISTINGS}
