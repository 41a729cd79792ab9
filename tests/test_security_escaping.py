"""Hostile input is shown as text, never run (issue 8, point 10).

Script in titles, standfirsts, bodies, captions, credits, tags, section and editor names, search queries
and complaint fields is escaped everywhere it is shown: reader pages, feeds, JSON-LD, the admin. The body
is sanitised on save. `next` cannot send a signed-in editor to another site, and upload names cannot
leave the media folders.
"""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from articles.models import Article, Image
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
    image_upload,
)

SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
BREAKOUT = "</script><script>alert(2)</script>"
HOSTILE = f"Harbour {SCRIPT} {ATTRIBUTE} {BREAKOUT}"

LIVE_MARKERS = ("<script>alert", "<img src=x onerror", "</script><script>", "onerror=alert(1)>")


def assert_inert(text: str, where: str = "") -> None:
    """None of the payloads appears as markup; it may only appear escaped."""
    for marker in LIVE_MARKERS:
        assert marker not in text, f"{marker!r} is live in {where}"


@pytest.fixture
def hostile_article(db):
    section = SectionFactory(name=f"World {SCRIPT}"[:80])
    editor = EditorFactory(display_name=f"Li {SCRIPT}"[:120])
    image = ImageFactory(caption=HOSTILE, credit=f"Photo: {ATTRIBUTE}", alt_text=f"A harbour {ATTRIBUTE}")
    return ArticleFactory(
        title=HOSTILE,
        dek=HOSTILE,
        section=section,
        editor=editor,
        hero_image=image,
        body=f"<p>Harbour opens.</p><p>[[image:{image.pk}]]</p>",
        tags=[f"harbour {SCRIPT}"[:100]],
    )


def reader_urls(article: Article) -> dict[str, str]:
    tag = article.tags.get()
    return {
        "article": article.get_absolute_url(),
        "home": "/",
        "archive": "/articles/",
        "section": article.section.get_absolute_url(),
        "editor": article.editor.get_absolute_url(),
        "tag": f"/tags/{tag.slug}/",
        "search": "/search/?q=harbour",
        "recommended": f"{article.get_absolute_url()}recommended/?page=2",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["article", "home", "archive", "section", "editor", "tag", "search", "recommended"])
def test_hostile_fields_are_escaped_on_reader_pages(client, hostile_article, page):
    response = client.get(reader_urls(hostile_article)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, page)
    if page in {"article", "home", "archive", "section", "editor", "tag", "search"}:
        assert "Harbour &lt;script&gt;alert(" in html  # shown, as text


@pytest.mark.django_db
def test_the_article_page_escapes_caption_credit_and_alt_text(client, hostile_article):
    html = client.get(hostile_article.get_absolute_url()).content.decode()
    assert_inert(html, "article")
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.django_db
def test_json_ld_cannot_be_broken_out_of(client, hostile_article):
    html = client.get(hostile_article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["headline"] == HOSTILE  # the exact text, carried safely
    assert data["description"] == HOSTILE
    assert "</script" not in blocks[0].lower()


@pytest.mark.django_db
@pytest.mark.parametrize("feed", ["/feeds/rss/", "/feeds/atom/"])
def test_feeds_carry_hostile_titles_as_escaped_text(client, hostile_article, feed):
    response = client.get(feed)
    assert response.status_code == 200
    raw = response.content.decode()
    assert_inert(raw, feed)
    root = ET.fromstring(response.content)  # noqa: S314 - our own response; well-formed despite the payload
    titles = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
    assert HOSTILE in titles


@pytest.mark.django_db
def test_the_news_sitemap_escapes_titles(client, hostile_article):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert_inert(response.content.decode(), "news sitemap")
    ET.fromstring(response.content)  # noqa: S314 - our own response


@pytest.mark.django_db
@pytest.mark.parametrize("query", [SCRIPT, ATTRIBUTE, BREAKOUT, "harbour\x00<script>", "a" * 5000])
def test_search_queries_are_shown_escaped(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in {200, 400}
    assert_inert(response.content.decode(), "search")


@pytest.mark.django_db
def test_a_prefilled_complaint_url_is_shown_escaped(client):
    response = client.get("/copyright/notices/new/", {"url": f"https://news.example/{ATTRIBUTE}{SCRIPT}"})
    assert response.status_code == 200
    assert_inert(response.content.decode(), "complaint form")


# -- the body is sanitised when it is saved ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_body_is_sanitised_on_save(client):
    article = ArticleFactory(
        body=(
            "<p onclick=\"alert(1)\">Opening</p><script>alert('body')</script>"
            '<img src=x onerror="alert(3)"><a href="javascript:alert(4)">link</a>'
            '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
            '<p><a href="https://news.example/ok">kept</a></p>'
        )
    )
    stored = Article.objects.get(pk=article.pk).body
    for forbidden in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<img"):
        assert forbidden not in stored.lower(), forbidden
    assert "Opening" in stored and 'href="https://news.example/ok"' in stored
    html = client.get(article.get_absolute_url()).content.decode()
    assert "alert(" not in html.split('<script type="application/ld+json">')[0]


# -- the back office ----------------------------------------------------------------------------------------


@pytest.fixture
def chief(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(username="chief", is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["article list", "article form", "image list", "image form", "tag list"])
def test_the_admin_escapes_hostile_fields(chief, hostile_article, page):
    url = {
        "article list": "/admin/articles/article/",
        "article form": f"/admin/articles/article/{hostile_article.pk}/change/",
        "image list": "/admin/articles/image/",
        "image form": f"/admin/articles/image/{hostile_article.hero_image_id}/change/",
        "tag list": "/admin/taggit/tag/",
    }[page]
    response = chief.get(url)
    assert response.status_code == 200
    assert_inert(response.content.decode(), page)


@pytest.mark.django_db
def test_the_admin_search_box_escapes_the_query(chief):
    response = chief.get("/admin/articles/article/", {"q": SCRIPT})
    assert response.status_code == 200
    assert_inert(response.content.decode(), "admin search")


# -- redirects ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        " //evil.example",
    ],
)
def test_admin_login_never_redirects_off_site(client, settings, target):
    settings.OTP_REQUIRED_FOR_STAFF = False
    UserFactory(username="editor-next")
    response = client.post(
        "/admin/login/",
        {"username": "editor-next", "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_admin_login_keeps_a_local_next(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    UserFactory(username="editor-next")
    response = client.post(
        "/admin/login/",
        {"username": "editor-next", "password": "correct horse battery staple", "next": "/admin/articles/"},
    )
    assert response["Location"] == "/admin/articles/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_admin_logout_never_redirects_off_site(chief, target):
    response = chief.post("/admin/logout/", {"next": target})
    assert "evil.example" not in response.get("Location", "")
    assert "evil.example" not in response.content.decode()


# -- uploads stay inside their folders ---------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["default", "private"])
@pytest.mark.parametrize("name", ["../../etc/cron.d/evil", "images/../../../outside.jpg", "/etc/passwd"])
def test_storage_refuses_names_that_climb_out(alias, name):
    with pytest.raises(SuspiciousFileOperation):
        storages[alias].save(name, ContentFile(b"x"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../../evil.jpg", "/etc/evil.jpg", "a/../../b/evil.jpg"])
def test_an_image_saved_under_a_climbing_name_lands_in_the_images_folder(name):
    image = ImageFactory(file=image_upload(name=name))
    media_root = Path(storages["default"].location).resolve()
    stored = Path(image.file.path).resolve()
    assert stored.is_relative_to(media_root / "images")
    assert stored.is_file()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../../evil.jpg", "..\\..\\evil.jpg", "/etc/cron.d/evil.jpg", "....//evil.jpg"])
def test_an_image_uploaded_through_the_admin_stays_in_the_media_folder(chief, name):
    response = chief.post(
        "/admin/articles/image/add/",
        {
            "file": image_upload(name=name),
            "alt_text": "A harbour at dawn",
            "credit": "Photo: Test Desk",
            "licence": "own",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    media_root = Path(storages["default"].location).resolve()
    assert Path(image.file.path).resolve().is_relative_to(media_root / "images")
    assert ".." not in image.file.name


# -- complaint fields --------------------------------------------------------------------------------------


@pytest.fixture
def hostile_complaint(db):
    helpers = pytest.importorskip("tests.test_complaint_models", reason="the complaint intake is not built yet")
    return helpers.received_complaint(
        ArticleFactory(title="A plain headline"),
        notifier_name=f"Wang {SCRIPT}",
        notifier_organisation=f"Lens {ATTRIBUTE}",
        work_description=HOSTILE,
        explanation=HOSTILE,
        signature=f"Wang {SCRIPT}",
    )


@pytest.mark.django_db
def test_complaint_fields_are_escaped_on_the_tracking_page(client, hostile_complaint):
    complaint, token = hostile_complaint
    response = client.get(f"{complaint.get_absolute_url()}?token={token}")
    assert response.status_code == 200
    assert_inert(response.content.decode(), "tracking page")


@pytest.mark.django_db
def test_complaint_fields_are_escaped_in_the_officers_admin(chief, hostile_complaint):
    complaint, _ = hostile_complaint
    for url in ("/admin/editorial/complaint/", f"/admin/editorial/complaint/{complaint.pk}/change/"):
        response = chief.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


@pytest.mark.django_db
def test_complaint_emails_carry_hostile_fields_inertly(hostile_complaint, mailoutbox):
    """Emails are plain text (so nothing is rendered); any HTML alternative must be escaped."""
    from editorial.models import OutboundMessage

    assert OutboundMessage.objects.exists()
    for message in mailoutbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert_inert(content, f"email {message.subject}")


# -- tracking tokens ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tracking_token_of_one_complaint_never_opens_another(client):
    helpers = pytest.importorskip("tests.test_complaint_models", reason="the complaint intake is not built yet")
    first, first_token = helpers.received_complaint(ArticleFactory(), notifier_email="first@lens.test")
    second, second_token = helpers.received_complaint(ArticleFactory(), notifier_email="second@lens.test")
    assert client.get(f"{first.get_absolute_url()}?token={first_token}").status_code == 200
    assert client.get(f"{first.get_absolute_url()}?token={second_token}").status_code == 404
    assert client.get(f"{second.get_absolute_url()}?token={first_token}").status_code == 404
    withdraw = client.post(f"{first.get_absolute_url()}withdraw/", {"confirm": "on", "token": second_token})
    assert withdraw.status_code == 404
    first.refresh_from_db()
    assert first.status != "withdrawn"
