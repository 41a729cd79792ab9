"""People and articles for the editorial-workflow tests (issue 4). Imported by those test modules."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import Editor
from editorial.newsroom.roles import ROLE_CHIEF_EDITOR, ROLE_COPYRIGHT_OFFICER, ROLE_EDITOR, ROLE_RESPONSIBLE_EDITOR
from tests.factories import ArticleFactory, EditorFactory, UserFactory

S = Article.Status


@dataclass
class Person:
    user: AbstractUser
    editor: Editor | None


def make_person(username: str, role: str | None, *, profile: bool = True, display_name: str = "") -> Person:
    user = UserFactory(username=username, first_name=username.title(), roles=[role] if role else None)
    editor = EditorFactory(user=user, display_name=display_name or username.title()) if profile else None
    return Person(user, editor)


@dataclass
class Newsroom:
    writer: Person  # Editor role: writes the copy, credited as "Edit:"
    reviewer: Person  # Responsible editor, credited as "Responsible editor:"
    second_reviewer: Person  # another Responsible editor
    chief: Person  # Chief editor
    officer: Person  # Copyright officer
    nobody: Person  # staff account with no role


@pytest.fixture
def newsroom(db, settings) -> Newsroom:
    # The production hasher takes half a second per password on purpose; these tests make six accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Newsroom(
        writer=make_person("he", ROLE_EDITOR, display_name="He Chuanning"),
        reviewer=make_person("su", ROLE_RESPONSIBLE_EDITOR, display_name="Su Suiyue"),
        second_reviewer=make_person("lin", ROLE_RESPONSIBLE_EDITOR, display_name="Lin Rui"),
        chief=make_person("zhao", ROLE_CHIEF_EDITOR, display_name="Zhao Min"),
        officer=make_person("wang", ROLE_COPYRIGHT_OFFICER, display_name="Wang Fang"),
        nobody=make_person("guest", None),
    )


def make_article(newsroom: Newsroom, status: str = S.DRAFT, **kwargs) -> Article:
    """An article credited to the newsroom's writer and reviewer, in `status` (built directly, as a fixture)."""
    live = status in (S.PUBLISHED, S.SCHEDULED, S.UNPUBLISHED, S.WITHHELD)
    defaults = {
        "editor": newsroom.writer.editor,
        "responsible_editor": newsroom.reviewer.editor,
        "status": status,
        "published_at": None,
        "first_published_at": None,
    }
    if live and "published_at" not in kwargs:
        from django.utils import timezone

        defaults["published_at"] = defaults["first_published_at"] = timezone.now() - timezone.timedelta(hours=2)
    defaults.update(kwargs)
    return ArticleFactory(**defaults)


def writer_and_reviewer() -> tuple[Person, Person]:
    """He Chuanning (Editor) and Su Suiyue (Responsible editor), as most browser tests need them; the role
    groups a migration made are made again first, since a transactional test before may have flushed them."""
    from editorial.newsroom.roles import sync_roles

    sync_roles()
    return (
        make_person("he", ROLE_EDITOR, display_name="He Chuanning"),
        make_person("su", ROLE_RESPONSIBLE_EDITOR, display_name="Su Suiyue"),
    )


def draft_by(writer: Person, reviewer: Person | None = None, **fields) -> Article:
    """A draft never published, written by `writer` (credited "Edit:") for `reviewer`, as a browser test
    opens it."""
    defaults = {"status": S.DRAFT, "published_at": None, "first_published_at": None, "editor": writer.editor}
    if reviewer is not None:
        defaults["responsible_editor"] = reviewer.editor
    return ArticleFactory(**{**defaults, **fields})


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article: Article) -> str:
    return reverse("admin:articles_article_workflow", args=[article.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def form_data(article: Article, **overrides) -> dict:
    """What the admin's change form posts for `article` as it is in the database, at its current version."""
    article.refresh_from_db()
    data = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "hero_image": article.hero_image_id or "",
        "editor": article.editor_id,
        "responsible_editor": article.responsible_editor_id,
        "section": article.section_id or "",
        "initiatives": [i.pk for i in article.initiatives.all()],
        "tags": ", ".join(article.tags.names()),
        "language": article.language,
        "rights_basis": article.rights_basis,
        "original_publisher": article.original_publisher,
        "original_url": article.original_url,
        "source_contact_email": article.source_contact_email,
        "loaded_version": article.version,
        "loaded_draft": pending.number if (pending := article.revisions.filter(state="pending").first()) else 0,
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    if article.featured:
        data["featured"] = "on"
    existing = list(article.corrections.all())
    for n, correction in enumerate(existing):
        data.update(
            {
                f"corrections-{n}-id": correction.pk,
                f"corrections-{n}-article": article.pk,
                f"corrections-{n}-kind": correction.kind,
                # The admin reads dates in the site's time zone.
                f"corrections-{n}-published_at_0": timezone.localtime(correction.published_at).strftime("%Y-%m-%d"),
                f"corrections-{n}-published_at_1": timezone.localtime(correction.published_at).strftime("%H:%M:%S"),
                f"corrections-{n}-text": correction.text,
            }
        )
    data["corrections-TOTAL_FORMS"] = data["corrections-INITIAL_FORMS"] = str(len(existing))
    data.update(overrides)
    return data
