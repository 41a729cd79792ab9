"""Template tags for the reader site: article bodies with their pictures and embeds, search snippets, page
metadata.

Pictures read their renditions from the prefetch cache (`renditions`), so rendering costs no query. An
image removed by a copyright measure (`removed_at` set) is never shown: a captioned placeholder stands in
its place, with neither its file nor its renditions named in the page.
"""

from __future__ import annotations

import json
import re
from html import unescape

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.embeds import Embed, replace_embeds
from articles.http import absolute_url
from articles.models import HIGHLIGHT_START, HIGHLIGHT_STOP, Article, Image, snippet_text

register = template.Library()

# A marker on its own line arrives wrapped in a paragraph: the figure replaces the paragraph, since a
# <figure> cannot sit inside a <p>.
# A marker as a paragraph of its own, or in running text; never inside a tag (an address or a title that
# happens to hold one stays as written, so the figure cannot break the markup around it).
_MARKER_RE = re.compile(r"<p>\s*\[\[image:(\d{1,12})\]\]\s*</p>|\[\[image:(\d{1,12})\]\](?![^<>]*>)")

BODY_SIZES = "(min-width: 48rem) 44rem, 100vw"
CARD_SIZES = "(min-width: 48rem) 22rem, 100vw"
REMOVED_TEXT = "This image has been removed following a copyright complaint."
OG_LOCALES = {"en": "en_US", "zh-hans": "zh_CN", "fr": "fr_FR", "ru": "ru_RU"}
HTML_LANGUAGES = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@register.filter
def absolute(path: str) -> str:
    """This site's absolute URL for a path (settings.SITE_URL)."""
    return absolute_url(path)


@register.filter
def html_language(code: str) -> str:
    return HTML_LANGUAGES.get(code, code)


@register.filter
def og_locale(code: str) -> str:
    return OG_LOCALES.get(code, code.replace("-", "_"))


def picture_data(image: Image) -> dict:
    """What a <picture> needs: WebP and JPEG srcsets from the renditions, a fallback src, the intrinsic size."""
    renditions = list(image.renditions.all())
    jpegs = sorted((r for r in renditions if r.format == "jpeg"), key=lambda r: r.actual_width)
    if jpegs:
        fallback = next((r for r in reversed(jpegs) if r.actual_width <= 960), jpegs[0])
        largest = jpegs[-1]
        return {
            "webp_srcset": image.srcset("webp"),
            "jpeg_srcset": image.srcset("jpeg"),
            "src": fallback.file.url,
            "width": largest.actual_width,
            "height": largest.actual_height,
        }
    # Renditions are made in the background just after upload; until then the cleaned original serves.
    return {"webp_srcset": "", "jpeg_srcset": "", "src": image.file.url, "width": image.width, "height": image.height}


def render_figure(image: Image | None, *, sizes: str = BODY_SIZES, eager: bool = False, css_class: str = "") -> str:
    if image is None:
        return ""
    context = {"image": image, "sizes": sizes, "eager": eager, "css_class": css_class, "removed_text": REMOVED_TEXT}
    if not image.is_removed:
        context.update(picture_data(image))
    return get_template("articles/_figure.html").render(context)


@register.simple_tag
def figure(image: Image | None, sizes: str = BODY_SIZES, eager: bool = False, css_class: str = "") -> str:
    """A <figure> with a responsive <picture>, caption and credit, or the removal placeholder."""
    return render_figure(image, sizes=sizes, eager=eager, css_class=css_class)


def focal_class(image: Image) -> str:
    """The CSS class that keeps an image's focal point in view when a card crops it: `focal-X-Y`, each the
    focal point rounded to a quarter (0 to 4). The CSP allows no inline style, so positions are classes in
    site.css; "" (centred) when no focal point is set."""
    if image.focal_point_x is None and image.focal_point_y is None:
        return ""
    x = 0.5 if image.focal_point_x is None else image.focal_point_x
    y = 0.5 if image.focal_point_y is None else image.focal_point_y
    return f"focal-{round(min(max(x, 0), 1) * 4)}-{round(min(max(y, 0), 1) * 4)}"


@register.simple_tag
def picture(image: Image | None, sizes: str = CARD_SIZES, eager: bool = False) -> str:
    """Just the <picture> (for cards, cropped to fit, around the focal point); nothing for a removed image."""
    if image is None or image.is_removed:
        return ""
    context = {"image": image, "sizes": sizes, "eager": eager, "focal": focal_class(image), **picture_data(image)}
    return get_template("articles/_picture.html").render(context)


def render_embed(embed: Embed) -> str:
    """The card of an allow-listed post or video: a link, and for a video a click-to-load player."""
    return get_template("articles/_embed.html").render({"embed": embed})


@register.simple_tag
def article_body(article: Article) -> SafeString:
    """The article's sanitised body with each [[image:ID]] marker replaced by its figure and each embed
    paragraph (an allow-listed address alone in a paragraph, articles/embeds.py) by its card.

    The body was cleaned by nh3 on save (articles/richtext.py); the images come from the article's
    prefetched `inline_images` with their renditions, and embeds need nothing from the database. A marker
    naming no image renders nothing.
    """
    # A body that places no picture asks for none (the page then leaves `inline_images` unfetched).
    images = {image.pk: image for image in article.inline_images.all()} if article.inline_image_ids() else {}

    def replace(match: re.Match) -> str:
        image = images.get(int(match[1] or match[2]))
        return render_figure(image) if image is not None else ""

    # Embeds first, on the body as the editor wrote it: the figures placed next are ours.
    return mark_safe(_MARKER_RE.sub(replace, replace_embeds(article.body, render_embed)))  # noqa: S308 - sanitised on save


@register.filter
def highlight(snippet: str | None) -> SafeString:
    """A search snippet as safe HTML: every character escaped, matched words in <mark>."""
    text = conditional_escape(snippet_text(unescape(strip_tags(snippet or ""))))
    text = text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    # A fragment may cut a highlight in two; close what was opened so the page stays well formed.
    if text.count("<mark>") > text.count("</mark>"):
        text += "</mark>"
    return mark_safe(text)  # noqa: S308 - escaped above


def share_image(article: Article) -> dict | None:
    """The picture crawlers and link previews should show: the hero image's largest JPEG, if it may be seen."""
    image = article.hero_image
    if image is None or image.is_removed:
        return None
    data = picture_data(image)
    jpegs = [r for r in image.renditions.all() if r.format == "jpeg"]
    best = max(jpegs, key=lambda r: r.actual_width) if jpegs else None
    return {
        "url": absolute_url(best.file.url if best else data["src"]),
        "width": best.actual_width if best else data["width"],
        "height": best.actual_height if best else data["height"],
        "alt": image.alt_text,
    }


@register.simple_tag
def og_image(article: Article) -> dict | None:
    return share_image(article)


def _person(editor) -> dict:
    person = {"@type": "Person", "name": editor.display_name, "url": absolute_url(editor.get_absolute_url())}
    if editor.title:
        person["jobTitle"] = editor.title
    return person


def news_article_data(article: Article) -> dict:
    """schema.org NewsArticle for an article page, as Google's structured-data guidelines describe it."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.dek,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": [_person(article.editor), _person(article.responsible_editor)],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"},
        "inLanguage": html_language(article.language),
        "isAccessibleForFree": True,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    image = share_image(article)
    if image:
        data["image"] = [image["url"]]
    if article.section:
        data["articleSection"] = article.section.name
    initiatives = list(article.initiatives.all())
    if initiatives:
        data["about"] = [
            {"@type": "Thing", "name": initiative.name, "url": absolute_url(initiative.get_absolute_url())}
            for initiative in initiatives
        ]
    corrections = list(article.corrections.all())
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.published_at.isoformat()}
            for c in corrections
        ]
    if article.original_url:
        data["isBasedOn"] = article.original_url
    return data


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def article_json_ld(article: Article) -> SafeString:
    """The NewsArticle JSON-LD block. A data block, not script: the CSP's script-src does not apply."""
    payload = json.dumps(news_article_data(article), ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
