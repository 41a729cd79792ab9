"""Issue 4, point 3: an approved article scheduled for a future time appears at that time by itself (no cron
job, no worker) on the home page, listings, feeds, sitemaps and search; the admin shows what is scheduled in
the site's time zone."""

import datetime

import pytest
import time_machine
from django.urls import Resolver404, resolve, reverse

from articles.models import Article
from editorial.newsroom import workflow
from tests import _workflow
from tests._workflow import S, make_article, messages_of, workflow_url

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture

UTC = datetime.UTC
START = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
GOES_LIVE = START + datetime.timedelta(hours=1)
# A word that appears nowhere else, so search finds only this article.
WORD = "Quetzalcoatlus"

PUBLIC_PAGES = [
    "/",
    "/articles/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    f"/search/?q={WORD}",
]


def _routed(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.fixture
def scheduled(newsroom):
    with time_machine.travel(START, tick=False):
        article = make_article(newsroom, S.APPROVED, title=f"The {WORD} exhibition opens in Astana")
        workflow.schedule(article, by=newsroom.reviewer.user, at=GOES_LIVE)
    return article


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_scheduled_article_appears_at_its_time_by_itself(client, scheduled, path):
    if not _routed(path):
        pytest.skip(f"{path} is not routed yet (reader site, issue 3)")
    with time_machine.travel(GOES_LIVE - datetime.timedelta(minutes=1), tick=False):
        before = client.get(path)
        assert before.status_code == 200
        assert scheduled.slug not in before.content.decode()
    with time_machine.travel(GOES_LIVE + datetime.timedelta(minutes=1), tick=False):
        after = client.get(path)
        assert after.status_code == 200
        assert scheduled.slug in after.content.decode()


def test_its_own_page_answers_404_until_its_time(client, scheduled):
    with time_machine.travel(GOES_LIVE - datetime.timedelta(seconds=1), tick=False):
        assert client.get(scheduled.get_absolute_url()).status_code == 404
    with time_machine.travel(GOES_LIVE, tick=False):
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_visibility_rule_is_the_only_switch(scheduled):
    """Nothing runs at the scheduled time: the row is the same before and after, only the clock moves."""
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.published_at == GOES_LIVE
    with time_machine.travel(GOES_LIVE - datetime.timedelta(seconds=1), tick=False):
        assert not Article.objects.published().filter(pk=scheduled.pk).exists()
    with time_machine.travel(GOES_LIVE, tick=False):
        assert Article.objects.published().filter(pk=scheduled.pk).exists()


def test_the_scheduled_list_shows_times_in_the_site_time_zone(client, newsroom, scheduled, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    client.force_login(newsroom.writer.user)
    with time_machine.travel(START, tick=False):
        page = client.get(reverse("admin:articles_article_scheduled")).content.decode()
    assert scheduled.title in page
    assert "2026-12-01 09:00 Asia/Shanghai" in page  # 01:00 UTC is 09:00 in Shanghai
    with time_machine.travel(GOES_LIVE + datetime.timedelta(minutes=1), tick=False):
        page = client.get(reverse("admin:articles_article_scheduled")).content.decode()
    assert scheduled.title not in page and "Nothing is scheduled." in page


def test_the_scheduled_list_reads_the_time_zone_setting(client, newsroom, scheduled, settings):
    settings.TIME_ZONE = "Europe/Paris"
    client.force_login(newsroom.writer.user)
    with time_machine.travel(START, tick=False):
        page = client.get(reverse("admin:articles_article_scheduled")).content.decode()
    assert "2026-12-01 02:00 Europe/Paris" in page


def test_the_schedule_button_reads_the_time_in_the_site_time_zone(client, newsroom):
    article = make_article(newsroom, S.APPROVED)
    client.force_login(newsroom.reviewer.user)
    with time_machine.travel(START, tick=False):
        response = client.post(
            workflow_url(article),
            {"transition": "schedule", "version": article.version, "publish_at": "2026-12-01T09:30"},
            follow=True,
        )
    assert any("goes live at 2026-12-01 09:30 Asia/Shanghai" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == S.SCHEDULED
    assert article.published_at == datetime.datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("publish_at", "expected"),
    [
        ("2026-11-30T08:00", "must be in the future"),
        ("", "Choose the date and time"),
        ("next tuesday", "not understood"),
        ("9" * 5000, "not understood"),
    ],
)
def test_a_bad_schedule_time_is_a_clear_message(client, newsroom, publish_at, expected):
    article = make_article(newsroom, S.APPROVED)
    client.force_login(newsroom.reviewer.user)
    with time_machine.travel(START, tick=False):
        response = client.post(
            workflow_url(article),
            {"transition": "schedule", "version": article.version, "publish_at": publish_at},
            follow=True,
        )
    assert response.status_code == 200
    assert any(expected in m for m in messages_of(response)), messages_of(response)
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_a_scheduled_article_can_be_moved_or_cancelled_before_its_time(newsroom, scheduled):
    with time_machine.travel(START, tick=False):
        later = GOES_LIVE + datetime.timedelta(days=1)
        workflow.schedule(scheduled, by=newsroom.reviewer.user, at=later)
        assert scheduled.published_at == later
        workflow.unschedule(scheduled, by=newsroom.reviewer.user)
    scheduled.refresh_from_db()
    assert scheduled.status == S.APPROVED


def test_once_live_a_scheduled_article_cannot_be_rescheduled(newsroom, scheduled):
    with time_machine.travel(GOES_LIVE + datetime.timedelta(hours=1), tick=False):
        with pytest.raises(workflow.WrongState, match="already live"):
            workflow.schedule(scheduled, by=newsroom.reviewer.user, at=GOES_LIVE + datetime.timedelta(days=2))
        with pytest.raises(workflow.WrongState, match="already live"):
            workflow.unschedule(scheduled, by=newsroom.reviewer.user)
        workflow.unpublish(scheduled, by=newsroom.reviewer.user, note="Pulled.")
    scheduled.refresh_from_db()
    assert scheduled.status == S.UNPUBLISHED


def test_the_changelist_column_names_the_time_zone(client, newsroom, scheduled):
    client.force_login(newsroom.writer.user)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Publication (Asia/Shanghai)" in page and "2026-12-01 09:00" in page


def test_the_first_publication_time_is_the_scheduled_time_and_goes_if_the_schedule_does(newsroom, scheduled):
    """Readers and copyright officers compare dates against `first_published_at`: a schedule sets it."""
    scheduled.refresh_from_db()
    assert scheduled.first_published_at == GOES_LIVE
    with time_machine.travel(START, tick=False):
        later = GOES_LIVE + datetime.timedelta(hours=2)
        workflow.schedule(scheduled, by=newsroom.reviewer.user, at=later)
        assert scheduled.first_published_at == later
        workflow.request_changes(scheduled, by=newsroom.reviewer.user, note="Hold it: a figure is wrong.")
    scheduled.refresh_from_db()
    assert scheduled.first_published_at is None


def test_a_first_publication_that_happened_is_kept(newsroom, scheduled):
    with time_machine.travel(GOES_LIVE + datetime.timedelta(hours=1), tick=False):
        workflow.unpublish(scheduled, by=newsroom.reviewer.user, note="Pulled.")
        workflow.submit(scheduled, by=newsroom.writer.user)
        workflow.publish(scheduled, by=newsroom.reviewer.user)
    scheduled.refresh_from_db()
    assert scheduled.first_published_at == GOES_LIVE and scheduled.published_at == GOES_LIVE
