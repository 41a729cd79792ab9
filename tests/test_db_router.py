"""Read replica: readers' pages read public content from the replica; writes, the admin, workers and
anything inside a transaction use the primary (issue 8, point 6).

The "replica" alias is added here as a test mirror of the default database (as settings do when
DATABASE_REPLICA_URL is set): a second connection to the same test database, so which connection ran
each query shows where the router sent it.
"""

import copy

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from config.routers import PrimaryReplicaRouter, public_reads
from editorial.models import Editor
from tests.factories import ArticleFactory, UserFactory

DATABASES = ["default", "replica"]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    replica = copy.deepcopy(connections["default"].settings_dict)
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings["replica"] = replica
    yield
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


def public_tables(queries) -> list[str]:
    return [q["sql"] for q in queries if "articles_" in q["sql"] or "taggit_" in q["sql"]]


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(title="Routed to the replica", tags=["oceans"])


@pytest.mark.django_db(transaction=True, databases=DATABASES)
@pytest.mark.parametrize("page", ["article", "home", "archive"])
def test_readers_pages_read_public_content_from_the_replica(client, article, page):
    url = {"article": article.get_absolute_url(), "home": "/", "archive": "/articles/"}[page]
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert "Routed to the replica" in response.content.decode()
    assert public_tables(replica.captured_queries), "no public content was read from the replica"
    assert public_tables(primary.captured_queries) == []


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_the_admin_reads_the_primary(client, article, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_superuser=True, username="chief"))
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert replica.captured_queries == []
    assert public_tables(primary.captured_queries)


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_post_reads_and_writes_the_primary(client, article):
    with CaptureQueriesContext(connections["replica"]) as replica:
        client.post(article.get_absolute_url(), {"anything": "x"})
    assert replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_writes_always_go_to_the_primary(article):
    token = public_reads.set(True)
    try:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            Article.objects.filter(pk=article.pk).update(featured=True)
            article.title = "Saved on the primary"
            article.save()
    finally:
        public_reads.reset(token)
    assert not any(q["sql"].startswith(("UPDATE", "INSERT")) for q in replica.captured_queries)
    assert any(q["sql"].startswith("UPDATE") for q in primary.captured_queries)


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_reads_inside_a_transaction_stay_on_the_primary(article):
    token = public_reads.set(True)
    try:
        assert Article.objects.filter(pk=article.pk).db == "replica"
        with transaction.atomic():
            assert PrimaryReplicaRouter().db_for_read(Article) == "default"
    finally:
        public_reads.reset(token)


def test_outside_a_request_everything_reads_the_primary():
    """Workers, commands and the shell act on what they read: never a lagging copy."""
    assert PrimaryReplicaRouter().db_for_read(Article) == "default"


def test_only_public_content_is_routed_to_the_replica():
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    router = PrimaryReplicaRouter()
    token = public_reads.set(True)
    try:
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_read(Editor) == "replica"
        assert router.db_for_read(get_user_model()) == "default"
        assert router.db_for_read(Session) == "default"
    finally:
        public_reads.reset(token)


def test_without_a_replica_everything_uses_the_primary():
    router = PrimaryReplicaRouter()
    saved = connections.settings.pop("replica")
    token = public_reads.set(True)
    try:
        assert router.db_for_read(Article) == "default"
    finally:
        public_reads.reset(token)
        connections.settings["replica"] = saved


def test_the_replica_is_never_migrated():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("replica", "articles") is False
    assert router.allow_migrate("default", "articles") is True
