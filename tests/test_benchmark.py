"""`make bench` (issue 13, point 6): a fair comparison and a Redis it never empties.

The benchmark itself needs PostgreSQL, wrk and Varnish and runs for minutes; these tests hold the parts a
wrong change would quietly break: what the seeded articles look like, and which cache keys a run deletes.
"""

from __future__ import annotations

import re
import secrets
import socket
from pathlib import Path

import pytest

from articles.models import Article, Image
from tests.benchmarks import bench
from tests.factories import EditorFactory, SectionFactory
from tests.load.loadtest import SEED_CREDIT, SEED_PICTURES, seed_articles

BENCH_REDIS = ("127.0.0.1", 6379, 9)  # the database the bench uses by default


def words(html: str) -> int:
    return len(re.sub(r"<[^>]+>|\[\[image:\d+\]\]", " ", html).split())


@pytest.mark.django_db
def test_seeded_articles_carry_a_hero_two_inline_pictures_and_about_800_words(client):
    EditorFactory.create_batch(2)
    SectionFactory()

    assert seed_articles(4) == 4

    pictures = Image.objects.filter(credit=SEED_CREDIT)
    assert pictures.count() == SEED_PICTURES
    assert all(picture.renditions.exists() for picture in pictures)
    for article in Article.objects.published():
        markers = [int(pk) for pk in re.findall(r"\[\[image:(\d+)\]\]", article.body)]
        assert article.hero_image in pictures
        assert len(markers) == 2
        assert sorted(article.inline_images.values_list("pk", flat=True)) == sorted(markers)
        assert 700 <= words(article.body) <= 900
    page = client.get(Article.objects.published().first().get_absolute_url())
    assert page.status_code == 200
    assert page.content.decode().count("<img") >= 3  # the hero and both inline pictures


@pytest.mark.django_db
def test_a_second_seeding_reuses_the_pictures_and_upgrades_articles_seeded_without_them():
    EditorFactory.create_batch(2)
    SectionFactory()
    seed_articles(2)
    old = Article.objects.order_by("pk").first()
    # An article as the seed made them before the pictures: no hero, a short body without markers.
    Article.objects.filter(pk=old.pk).update(
        hero_image=None, body="<p>Officials and residents described what changed on the ground.</p>"
    )
    old.inline_images.clear()

    assert seed_articles(3) == 1

    old.refresh_from_db()
    assert Image.objects.filter(credit=SEED_CREDIT).count() == SEED_PICTURES
    assert old.hero_image is not None
    assert old.inline_images.count() == 2
    assert words(old.body) >= 700


def redis_answers() -> bool:
    try:
        with socket.create_connection(BENCH_REDIS[:2], timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_bench_deletes_only_the_keys_of_its_own_run():
    import redis

    url = "redis://{}:{}/{}".format(*BENCH_REDIS)
    store = redis.Redis.from_url(url)
    ours, theirs = f"bench-{secrets.token_hex(6)}", f"someone-else-{secrets.token_hex(6)}"
    try:
        for n in range(1200):  # more than one SCAN page and one DEL batch
            store.set(f"{ours}:1:page-{n}", b"x", ex=300)
        store.set(f"{theirs}:1:page-0", b"keep", ex=300)

        assert bench.delete_run_keys(url, ours) == 1200

        assert not list(store.scan_iter(match=f"{ours}:*"))
        assert store.get(f"{theirs}:1:page-0") == b"keep"
    finally:
        store.delete(f"{theirs}:1:page-0", *[f"{ours}:1:page-{n}" for n in range(1200)])


def test_the_bench_never_flushes_a_cache_it_may_share():
    source = Path(bench.__file__).read_text()
    assert not re.search(r"\.(flushdb|flushall|clear)\(", source, flags=re.IGNORECASE)
