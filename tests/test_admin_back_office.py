"""The back office: every model has a working admin, and each role reaches what it should and no more."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError

from articles.models import Article
from editorial.models import Editor
from editorial.newsroom.roles import ROLES
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    ImageFactory,
    InitiativeFactory,
    MilestoneFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "articles/article",
    "articles/image",
    "articles/section",
    "articles/initiative",
    "articles/correction",
    "editorial/editor",
    "editorial/auditevent",
    "editorial/outboundmessage",
    "editorial/articlerevision",
    "taggit/tag",
]


@pytest.fixture
def content():
    image = ImageFactory()
    initiative = InitiativeFactory(name="Belt and Road Initiative")
    MilestoneFactory(initiative=initiative)
    article = ArticleFactory(hero_image=image, tags=["trade", "ports"], initiatives=[initiative])
    CorrectionFactory(article=article)
    return article


def test_roles_exist_as_groups_from_the_data_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    for name in ROLES:
        assert Group.objects.get(name=name).permissions.exists()


@pytest.mark.parametrize("path", CHANGELISTS)
def test_superuser_changelists_and_add_forms_render(admin_client, content, path):
    assert admin_client.get(f"/admin/{path}/").status_code == 200
    assert admin_client.get(f"/admin/{path}/?q=belt").status_code == 200


def test_article_change_form_has_credit_autocomplete_and_view_on_site(admin_client, content):
    html = admin_client.get(f"/admin/articles/article/{content.pk}/change/").content.decode()
    assert 'data-model-name="editor"' in html or "admin-autocomplete" in html
    assert "/admin/r/" in html  # "View on site"


def test_editor_autocomplete_offers_only_active_editors(admin_client):
    EditorFactory(display_name="Active Person")
    EditorFactory(display_name="Retired Person", active=False)
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "editor", "term": "Person"},
    )
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["Active Person"]


def test_image_changelist_shows_thumbnails(admin_client, content):
    content.hero_image.make_renditions()
    html = admin_client.get("/admin/articles/image/").content.decode()
    assert "<img src=" in html and "/renditions/" in html


def test_deleting_a_credited_editor_is_refused_with_a_clear_message(admin_client, content):
    editor = content.editor
    response = admin_client.get(f"/admin/editorial/editor/{editor.pk}/delete/")
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    response = admin_client.post(f"/admin/editorial/editor/{editor.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # the refusal page again, not a 500 and not a redirect
    assert "protected related objects" in response.content.decode()
    assert Editor.objects.filter(pk=editor.pk).exists()
    assert Article.objects.get(pk=content.pk).editor == editor


def test_deleting_a_credited_editor_in_code_is_refused():
    article = ArticleFactory()
    with pytest.raises(ProtectedError):
        article.responsible_editor.delete()


def test_editor_and_responsible_editor_must_differ():
    from django.db import IntegrityError, transaction

    editor = EditorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(editor=editor, responsible_editor=editor)


def login_as(client, role):
    user = UserFactory(username=role.lower().replace(" ", "-"), roles=[role])
    client.force_login(user)
    return user


# (path, role) -> expected HTTP status. 200 = reachable, 403 = refused.
ACCESS = {
    "Editor": {
        "/admin/articles/article/add/": 200,
        "/admin/articles/image/add/": 200,
        "/admin/articles/section/add/": 403,
        "/admin/articles/correction/add/": 403,
        "/admin/editorial/editor/add/": 403,
        "/admin/editorial/auditevent/": 403,
        "/admin/auth/user/": 403,
    },
    "Responsible editor": {
        "/admin/articles/article/add/": 200,
        "/admin/articles/correction/add/": 200,
        "/admin/editorial/auditevent/": 200,
        "/admin/articles/section/add/": 403,
        "/admin/editorial/editor/add/": 403,
        "/admin/auth/user/": 403,
    },
    "Copyright officer": {
        "/admin/articles/article/": 200,
        "/admin/articles/article/add/": 403,
        "/admin/articles/image/add/": 403,
        "/admin/editorial/auditevent/": 200,
        "/admin/editorial/outboundmessage/": 200,
        "/admin/auth/user/": 403,
    },
    "Chief editor": {
        "/admin/articles/article/add/": 200,
        "/admin/articles/section/add/": 200,
        "/admin/editorial/editor/add/": 200,
        "/admin/editorial/auditevent/": 200,
        "/admin/auth/user/": 403,
        "/admin/auth/group/": 403,
    },
}


@pytest.mark.parametrize("role, path, expected", [(r, p, s) for r, paths in ACCESS.items() for p, s in paths.items()])
def test_each_role_reaches_what_it_should_and_no_more(client, role, path, expected):
    login_as(client, role)
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("role", list(ACCESS))
def test_nobody_but_a_superuser_can_edit_the_audit_trail(client, role):
    login_as(client, role)
    from editorial.models import AuditEvent

    event = AuditEvent.record(actor=None, subject=ArticleFactory(), action="test")
    response = client.post(f"/admin/editorial/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_staff_user_without_a_role_sees_nothing(client):
    client.force_login(UserFactory(username="no-role"))
    assert client.get("/admin/articles/article/").status_code == 403


def test_tag_field_suggests_existing_tags_most_used_first(admin_client):
    ArticleFactory(tags=["ports", "port cities"])
    ArticleFactory(tags=["ports"])
    ArticleFactory(tags=["trade"])
    html = admin_client.get("/admin/articles/article/add/").content.decode()
    assert 'data-suggest-url="../tag-suggestions/"' in html and "<datalist" in html
    assert "editorial/tag-autocomplete.js" in html
    response = admin_client.get("/admin/articles/article/tag-suggestions/", {"q": "health, por"})
    assert response.json() == {"results": ["ports", "port cities"]}
    assert admin_client.get("/admin/articles/article/tag-suggestions/", {"q": ""}).json() == {"results": []}
    assert admin_client.get("/admin/articles/article/tag-suggestions/", {"q": "x" * 5000}).status_code == 200


def test_tag_suggestions_need_an_editing_role(client):
    login_as(client, "Copyright officer")
    assert client.get("/admin/articles/article/tag-suggestions/", {"q": "po"}).status_code == 403
    client.logout()
    assert client.get("/admin/articles/article/tag-suggestions/", {"q": "po"}).status_code == 302


def test_the_slug_help_text_shows_the_address_pattern(admin_client):
    """The admin renders help text as HTML: "<slug>" must arrive escaped, not vanish (issue 12, point 9)."""
    from django.urls import reverse

    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "/articles/&lt;slug&gt;/." in page and "/articles//." not in page


def test_a_workflow_screen_for_a_missing_article_goes_back_to_the_list_saying_so(admin_client):
    from django.urls import reverse

    for name in ("articles_article_history", "articles_article_compare"):
        response = admin_client.get(reverse(f"admin:{name}", args=[987654]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("admin:articles_article_changelist")
        assert any("987654" in str(m) for m in response.context["messages"])
