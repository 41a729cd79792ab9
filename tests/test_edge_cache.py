"""Issue 13, points 3 and 4: a real varnishd with the repository's VCL in front of a live server.

Readers get pages from Varnish; the workflow's own functions (publish, withhold, restore) purge exactly
the pages that show what changed, after the commit, through the purge task (the immediate task backend
here, so the purge is sent as the change commits). Signed-in editors, the back office, the complaint
forms and POSTs are never stored. Skips, saying why, where Debian's varnish and varnish-modules are
missing (.ci/run installs them).
"""

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from editorial.newsroom import workflow
from editorial.newsroom.roles import sync_roles
from tests._workflow import S, make_article, newsroom  # noqa: F401 - newsroom is a fixture
from tests.varnish import VCL, compile_vcl, start_varnish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush the tables, content types and the role groups a migration made included
    (see tests/test_browser_workflow.py)."""
    ContentType.objects.clear_cache()
    sync_roles()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def edge(live_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with start_varnish(urlsplit(live_server.url).port) as varnish:
        settings.EDGE_PURGE_URLS = [varnish.url + "/"]
        yield varnish


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.text = status, headers, body.decode("utf-8", "replace")

    @property
    def cache(self) -> str:
        return self.headers.get("X-Cache", "")


def fetch(url: str, *, method: str = "GET", cookie: str = "", data: bytes | None = None) -> Answer:
    request = urllib.request.Request(url, method=method, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def test_the_vcl_compiles_with_the_xkey_vmod():
    result = compile_vcl(VCL)
    assert result.returncode == 0, result.stderr


def test_a_second_read_is_a_hit(edge, newsroom):  # noqa: F811
    article = make_article(newsroom, S.PUBLISHED, title="Harbour opens")
    first = fetch(edge.url + article.get_absolute_url())
    assert first.status == 200 and "Harbour opens" in first.text
    assert first.cache == "MISS"
    second = fetch(edge.url + article.get_absolute_url())
    assert second.cache == "HIT"
    assert second.text == first.text
    # What the edge keeps for itself does not travel further.
    assert "xkey" not in second.headers and "s-maxage" not in second.headers.get("Cache-Control", "")


def test_a_withhold_answers_451_at_the_edge_within_a_second_and_a_restore_brings_it_back(edge, newsroom):  # noqa: F811
    article = make_article(newsroom, S.PUBLISHED, title="A disputed story")
    url = edge.url + article.get_absolute_url()
    for page in (url, edge.url + "/", edge.url + "/feeds/rss/"):
        fetch(page)
        assert fetch(page).cache == "HIT", page

    started = time.monotonic()
    workflow.withhold(article, by=newsroom.officer.user, note="Complaint CN-2026-000001", details={"complaint": 1})
    answer = fetch(url)
    while answer.status != 451 and time.monotonic() - started < 1:
        answer = fetch(url)
    assert answer.status == 451
    assert time.monotonic() - started < 1
    assert "A disputed story" not in fetch(edge.url + "/").text
    assert "A disputed story" not in fetch(edge.url + "/feeds/rss/").text

    workflow.restore(article, by=newsroom.officer.user, note="Counter-notice accepted")
    back = fetch(url)
    assert back.status == 200 and "A disputed story" in back.text
    assert "A disputed story" in fetch(edge.url + "/").text


def test_an_editors_publish_appears_on_home_and_in_the_feed(edge, newsroom):  # noqa: F811
    make_article(newsroom, S.PUBLISHED, title="An older story")
    draft = make_article(newsroom, S.APPROVED, title="A story just published")
    for page in ("/", "/feeds/rss/"):
        fetch(edge.url + page)
        assert fetch(edge.url + page).cache == "HIT", page

    workflow.publish(draft, by=newsroom.reviewer.user)

    for page in ("/", "/feeds/rss/"):
        answer = fetch(edge.url + page)
        assert answer.cache == "MISS", page
        assert "A story just published" in answer.text, page
    assert fetch(edge.url + draft.get_absolute_url()).status == 200


def test_a_signed_in_editor_never_gets_a_cached_page_and_never_poisons_one(edge, newsroom):  # noqa: F811
    article = make_article(newsroom, S.PUBLISHED, title="Harbour opens")
    browser = Client()
    browser.force_login(newsroom.writer.user)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={browser.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    url = edge.url + article.get_absolute_url()

    # The editor first: nothing is stored for the readers after them.
    for _ in range(2):
        mine = fetch(url, cookie=cookie)
        assert mine.cache == "MISS"
        assert "no-store" in mine.headers["Cache-Control"]
    assert fetch(url).cache == "MISS"

    # A page readers have cached is not what the editor gets.
    assert fetch(url).cache == "HIT"
    assert fetch(url, cookie=cookie).cache == "MISS"


@pytest.mark.parametrize("path", ["/admin/login/", "/copyright/notices/new/", "/contact/", "/healthz"])
def test_the_back_office_and_the_forms_are_never_stored(edge, path):
    for _ in range(2):
        answer = fetch(edge.url + path)
        assert answer.status < 500, path
        assert answer.cache == "MISS", path


def test_a_post_is_never_stored(edge, newsroom):  # noqa: F811
    make_article(newsroom, S.PUBLISHED, title="Harbour opens")
    fetch(edge.url + "/")
    assert fetch(edge.url + "/").cache == "HIT"
    posted = fetch(edge.url + "/", method="POST", data=b"x=1")
    assert posted.cache == "MISS"
    assert fetch(edge.url + "/").cache == "HIT"  # the POST neither replaced nor purged the page


def test_only_this_machine_may_purge_and_only_by_key(edge, newsroom):  # noqa: F811
    article = make_article(newsroom, S.PUBLISHED, title="Harbour opens")
    url = edge.url + article.get_absolute_url()
    fetch(url)
    assert fetch(url).cache == "HIT"
    assert edge.purge("article-999999") == 200
    assert fetch(url).cache == "HIT"  # another article's key leaves this page alone
    assert edge.purge(f"article-{article.pk}") == 200
    assert fetch(url).cache == "MISS"
