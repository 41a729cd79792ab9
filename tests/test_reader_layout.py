"""Issue 12, point 9: what a reader sees. Cards crop pictures around their focal point; a correction's time
keeps its time zone on every database; the admin's thumbnails carry no inline style the CSP would block."""

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from articles.admin import thumbnail_html
from articles.templatetags.reader import focal_class
from tests.factories import ArticleFactory, CorrectionFactory, RenderedImageFactory

pytestmark = pytest.mark.django_db

SITE_CSS = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()


def card_img(html: str, alt: str) -> str:
    return re.search(rf'<img [^>]*alt="{re.escape(alt)}"[^>]*>', html)[0]


def test_a_card_crops_around_the_pictures_focal_point(client):
    picture = RenderedImageFactory(alt_text="Words drawn at the bottom left", focal_point_x=0.1, focal_point_y=0.9)
    ArticleFactory(title="A story with words in its picture", hero_image=picture)

    html = client.get("/").content.decode()

    assert 'class="focal-0-4"' in card_img(html, "Words drawn at the bottom left")
    assert ".focal-0-4 { object-position: 0% 100%; }" in SITE_CSS


def test_a_picture_without_a_focal_point_is_centred(client):
    picture = RenderedImageFactory(alt_text="No focal point")
    ArticleFactory(hero_image=picture)
    assert "class=" not in card_img(client.get("/").content.decode(), "No focal point")


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(0.0, 0.0, "focal-0-0"), (0.5, 0.5, "focal-2-2"), (1.0, 0.3, "focal-4-1"), (0.62, None, "focal-2-2")],
)
def test_every_focal_class_has_its_rule(x, y, expected):
    image = RenderedImageFactory.build(focal_point_x=x, focal_point_y=y)
    assert focal_class(image) == expected
    assert f".{expected} {{ object-position:" in SITE_CSS


def test_a_corrections_time_keeps_its_time_zone(client):
    article = ArticleFactory(title="A corrected story")
    CorrectionFactory(article=article, published_at=datetime(2026, 3, 1, 2, 30, tzinfo=ZoneInfo("UTC")))

    html = client.get(article.get_absolute_url()).content.decode()

    shanghai = "2026-03-01T10:30:00+08:00"
    assert f'<time datetime="{shanghai}">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    published = datetime.fromisoformat(data["correction"][0]["datePublished"])
    assert published.tzinfo is not None  # as the article's own datePublished: the same instant, zone stated
    assert published == datetime.fromisoformat(shanghai)


def test_admin_thumbnails_have_no_inline_style():
    image = RenderedImageFactory()
    for size in (80, 320):
        html = thumbnail_html(image, size=size)
        assert "style=" not in html
        assert f'width="{size}"' in html
