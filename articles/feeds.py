"""RSS 2.0 and Atom feeds: the whole site, one initiative, one tag. Small declarative classes (STYLE.md 9).

Links are absolute on settings.SITE_URL, whatever host the request came in on.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from . import edge
from .http import absolute_url
from .models import Article, Initiative, shared_by_readers
from .views import get_or_follow, get_tag_or_404

FEED_SIZE = 30


@dataclass(frozen=True)
class FeedItem:
    """An article as a feed shows it, worked out once for every reader: the feed keeps a list of these
    until anything a reader sees changes (`shared_by_readers`), rather than loading the articles, their
    credits and tags on every request."""

    pk: int
    title: str
    description: str
    link: str
    pubdate: datetime
    updateddate: datetime
    author_name: str
    categories: tuple[str, ...]


def feed_item(article: Article) -> FeedItem:
    names = [tag.name for tag in article.tags.all()]
    return FeedItem(
        pk=article.pk,
        title=article.title,
        # Readers treat a description as HTML; the standfirst is plain text.
        description=escape(article.dek),
        link=absolute_url(article.get_absolute_url()),
        pubdate=article.published_at,
        updateddate=article.modified_at,
        author_name=f"{article.editor.display_name}, {article.responsible_editor.display_name}",
        categories=tuple(([article.section.name] if article.section else []) + names),
    )


class LatestRssFeed(Feed):
    feed_type = Rss201rev2Feed
    url_name = "articles:feed-rss"

    def title(self, obj=None) -> str:
        return settings.SITE_NAME

    def description(self, obj=None) -> str:
        return f"The latest articles from {settings.SITE_NAME}."

    subtitle = description

    def link(self, obj=None) -> str:
        return absolute_url("/")

    def feed_url(self, obj=None) -> str:
        # From the URL name, not the request: one Feed instance serves every request.
        return absolute_url(reverse(self.url_name, kwargs={"slug": obj.slug} if obj is not None else None))

    def get_feed(self, obj, request: HttpRequest):
        """The feed, named for the edge cache by what it lists: every item, and the initiative or tag."""
        feed = super().get_feed(obj, request)
        edge.tag(request, edge.LISTINGS, *self.subject_keys(obj))
        edge.tag(request, *(edge.article_key(item["article_pk"]) for item in feed.items))
        return feed

    def subject_keys(self, obj) -> list[str]:
        return []

    def item_extra_kwargs(self, item: FeedItem) -> dict:
        # Kept with the item for `get_feed`; the feed writers print only the elements they know.
        return {"article_pk": item.pk}

    def feed_copyright(self, obj=None) -> str:
        return f"© {settings.SITE_NAME}. Reproduced and quoted material belongs to its rights holders."

    def articles(self, obj=None):
        return Article.objects.published()

    def items(self, obj=None) -> list[FeedItem]:
        """The newest FEED_SIZE articles of the feed, kept (as `FeedItem`s) until anything a reader sees
        changes; RSS and Atom share them."""
        subject = "site" if obj is None else f"{obj._meta.label_lower}:{obj.pk}"
        return shared_by_readers(f"feed-items:{subject}", lambda: [feed_item(a) for a in self.latest_articles(obj)])

    def latest_articles(self, obj=None):
        return (
            self.articles(obj)
            .select_related("editor", "responsible_editor", "section")
            .prefetch_related("tags")
            .defer("body")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_pubdate(self, item: FeedItem):
        return item.pubdate

    def item_updateddate(self, item: FeedItem):
        return item.updateddate

    def item_author_name(self, item: FeedItem) -> str:
        return item.author_name

    def item_categories(self, item: FeedItem) -> tuple[str, ...]:
        return item.categories


class LatestAtomFeed(LatestRssFeed):
    feed_type = Atom1Feed
    url_name = "articles:feed-atom"


class InitiativeRssFeed(LatestRssFeed):
    url_name = "articles:initiative-rss"

    def get_object(self, request, slug: str) -> Initiative:
        return get_or_follow(Initiative.objects.all(), slug, edge.initiative_key)

    def title(self, obj: Initiative) -> str:
        return f"{obj.name} — {settings.SITE_NAME}"

    def description(self, obj: Initiative) -> str:
        return obj.summary

    subtitle = description

    def link(self, obj: Initiative) -> str:
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj: Initiative):
        return Article.objects.published().filter(initiatives=obj)

    def subject_keys(self, obj: Initiative) -> list[str]:
        return [edge.initiative_key(obj.pk)]


class InitiativeAtomFeed(InitiativeRssFeed):
    feed_type = Atom1Feed
    url_name = "articles:initiative-atom"


class TagRssFeed(LatestRssFeed):
    url_name = "articles:tag-rss"

    def get_object(self, request, slug: str) -> Tag:
        tag = get_tag_or_404(slug)
        # As for the tag page: a tag only drafts carry has no public feed.
        if not Article.objects.published().filter(tags=tag).exists():
            raise Http404("No published article carries this tag.")
        return tag

    def title(self, obj: Tag) -> str:
        return f"{obj.name} — {settings.SITE_NAME}"

    def description(self, obj: Tag) -> str:
        return f"Articles tagged “{obj.name}” on {settings.SITE_NAME}."

    subtitle = description

    def link(self, obj: Tag) -> str:
        return absolute_url(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def articles(self, obj: Tag):
        return Article.objects.published().filter(tags=obj)

    def subject_keys(self, obj: Tag) -> list[str]:
        return [edge.tag_key(obj.pk)]


class TagAtomFeed(TagRssFeed):
    feed_type = Atom1Feed
    url_name = "articles:tag-atom"
