"""A world of reader content for query-budget tests: one article with n of everything (embeds included), and
the address of every public page (used by the query-count, performance-budget and edge-key tests)."""

from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    InitiativeFactory,
    MilestoneFactory,
    RenderedImageFactory,
    SectionFactory,
    tag_names,
)

SIZES = [1, 20]


def build_world(n: int) -> dict:
    """One article with n of everything, and n other published articles like it (plus hidden ones)."""
    section = SectionFactory(name="World")
    editor, responsible = EditorFactory(), EditorFactory()
    initiatives = [InitiativeFactory() for _ in range(n)]
    tags = tag_names(n, prefix="shipping")
    images = [RenderedImageFactory() for _ in range(n)]
    # Each picture is followed by an embed (articles/embeds.py), which must cost no query either.
    body = "".join(
        f"<p>Paragraph {i}.</p><p>[[image:{image.pk}]]</p><p>https://youtu.be/{i:011d}</p>"
        for i, image in enumerate(images)
    )
    article = ArticleFactory(
        title="Harbour traffic doubles",
        body=body,
        section=section,
        editor=editor,
        responsible_editor=responsible,
        hero_image=RenderedImageFactory(),
        tags=tags,
        initiatives=initiatives,
    )
    for _ in range(n):
        CorrectionFactory(article=article)
    others = [
        ArticleFactory(
            title=f"Harbour report {i}",
            section=section,
            editor=editor,
            responsible_editor=responsible,
            hero_image=RenderedImageFactory(),
            tags=tags,
            initiatives=initiatives,
            featured=i % 2 == 0,
        )
        for i in range(n)
    ]
    for i, initiative in enumerate(initiatives):
        MilestoneFactory(initiative=initiative, article=others[i])
        MilestoneFactory(initiative=initiative)
    # Hidden articles must cost nothing either.
    ArticleFactory(title="Harbour draft", status=Article.Status.DRAFT, tags=tags, initiatives=initiatives)
    ArticleFactory(
        title="Harbour scheduled",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timezone.timedelta(days=1),
        tags=tags,
    )
    return {
        "article": article,
        "section": section,
        "editor": editor,
        "initiative": initiatives[0],
        "tag": "shipping-0",
    }


def page_urls(world: dict) -> dict[str, str]:
    article, initiative, tag = world["article"], world["initiative"], world["tag"]
    return {
        "home": "/",
        "archive": "/articles/",
        "article": article.get_absolute_url(),
        "recommended": article.get_absolute_url() + "recommended/?page=2",
        "initiatives": "/initiatives/",
        "initiative": initiative.get_absolute_url(),
        "section": world["section"].get_absolute_url(),
        "tag": f"/tags/{tag}/",
        "editor": world["editor"].get_absolute_url(),
        "search": "/search/?q=harbour",
        "search_filtered": f"/search/?q=harbour&initiative={initiative.slug}&tag={tag}",
        "feed_rss": "/feeds/rss/",
        "feed_atom": "/feeds/atom/",
        "feed_initiative": f"/feeds/initiatives/{initiative.slug}/rss/",
        "feed_tag": f"/feeds/tags/{tag}/atom/",
        "sitemap_index": "/sitemap.xml",
        "sitemap_articles": "/sitemap-articles.xml",
        "sitemap_tags": "/sitemap-tags.xml",
        "sitemap_editors": "/sitemap-editors.xml",
        "sitemap_news": "/sitemap-news.xml",
        "robots": "/robots.txt",
    }
