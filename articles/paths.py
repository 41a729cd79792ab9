"""Addresses of reader pages without running `reverse()` for every link (docs/performance.md).

An article page links to thirty-odd addresses (its own, the section's, both editors', every tag and
initiative, each recommendation, the layout's navigation), and `reverse()` costs about 12 µs each: a tenth
of the page's own time. The answers only depend on the URLconf and the script prefix, so:

- `slug_path(name, slug)` reverses the pattern once, with a marker in place of the slug, and fills the
  marker in afterwards. Only for slugs made of the characters the `slug` converter accepts (letters,
  digits, hyphens, underscores), which `reverse()` would not quote; anything else goes through `reverse()`.
- `path_of(name)` remembers each address without arguments (the layout's navigation, the feeds).

Both are keyed by the URLconf and the script prefix of the request being served, and forgotten when
ROOT_URLCONF changes (tests). The answers are exactly `reverse()`'s (tests/test_paths.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = "masthead0slug0mark"
_SAFE_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@lru_cache(maxsize=128)
def _around_slug(urlconf, prefix: str, name: str) -> tuple[str, str]:
    before, mark, after = reverse(name, urlconf=urlconf, kwargs={"slug": _MARK}).partition(_MARK)
    if not mark:
        raise ImproperlyConfigured(f"{name} does not put its slug in the path")
    return before, after


@lru_cache(maxsize=128)
def _path(urlconf, prefix: str, name: str) -> str:
    return reverse(name, urlconf=urlconf)


def slug_path(name: str, slug: str) -> str:
    """`reverse(name, kwargs={"slug": slug})`, without reversing for every call."""
    if not _SAFE_SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})
    before, after = _around_slug(get_urlconf(), get_script_prefix(), name)
    return before + slug + after


def path_of(name: str) -> str:
    """`reverse(name)` for a page that takes no arguments, remembered."""
    return _path(get_urlconf(), get_script_prefix(), name)


@receiver(setting_changed)
def _forget(setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _around_slug.cache_clear()
        _path.cache_clear()
