"""The edge cache's vocabulary: surrogate keys naming what a page shows (issue 13).

A public page for anonymous readers is tagged with the keys of everything it shows (`tag`); when one of
those things changes, exactly the pages tagged with its key are purged from the edge (Varnish's `xkey`, a
CDN's `Surrogate-Key`). Views only name keys with the builders below; how the headers are written and how
purges reach the edge live further down this module and in the VCL (config/varnish/default.vcl).
"""

from __future__ import annotations

from django.http import HttpRequest

# Every listing of articles: home, archive, section, tag, editor and initiative pages, search, feeds and
# sitemaps. Purged when an article joins or leaves what readers may see.
LISTINGS = "listings"
# Things every page shows (the sections in the navigation, the footer).
SITE = "site"


def article_key(pk: int) -> str:
    return f"article-{pk}"


def section_key(pk: int) -> str:
    return f"section-{pk}"


def initiative_key(pk: int) -> str:
    return f"initiative-{pk}"


def tag_key(pk: int) -> str:
    return f"tag-{pk}"


def editor_key(pk: int) -> str:
    return f"editor-{pk}"


def image_key(pk: int) -> str:
    return f"image-{pk}"


def tag(request: HttpRequest, *keys: str) -> None:
    """Say that the response to `request` shows the things named by `keys` (call as often as needed)."""
    shown = getattr(request, "surrogate_keys", None)
    if shown is None:
        shown = request.surrogate_keys = set()
    shown.update(keys)


def keys_of(request: HttpRequest) -> set[str]:
    """The keys a view named for its response (empty when it named none)."""
    return set(getattr(request, "surrogate_keys", ()))
