"""articles/paths.py: reader addresses without a `reverse()` per link give exactly what `reverse()` gives."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from articles.paths import path_of, slug_path

SLUG_NAMES = [
    "articles:detail",
    "articles:section",
    "articles:initiative",
    "articles:editor",
    "articles:tag",
    "articles:recommended",
    "articles:initiative-rss",
    "articles:tag-atom",
]
PLAIN_NAMES = ["articles:home", "articles:archive", "articles:initiatives", "articles:search", "articles:feed-rss"]


@given(slug=st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True), name=st.sampled_from(SLUG_NAMES))
def test_a_slug_path_is_what_reverse_gives(slug, name):
    assert slug_path(name, slug) == reverse(name, kwargs={"slug": slug})


@given(
    slug=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s),
    name=st.sampled_from(["articles:tag", "articles:tag-rss"]),
)
def test_any_other_tag_slug_goes_through_reverse_and_is_quoted_the_same(slug, name):
    assert slug_path(name, slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_a_plain_path_is_what_reverse_gives(name):
    assert path_of(name) == reverse(name)


def test_a_script_prefix_is_honoured():
    set_script_prefix("/news/")
    try:
        assert slug_path("articles:detail", "harbour-opens") == "/news/articles/harbour-opens/"
        assert path_of("articles:home") == "/news/"
    finally:
        clear_script_prefix()
    assert slug_path("articles:detail", "harbour-opens") == "/articles/harbour-opens/"


def test_a_changed_urlconf_is_followed(settings):
    assert path_of("articles:home") == "/"
    settings.ROOT_URLCONF = "tests.paths_urls"
    assert path_of("articles:home") == "/en/"
    assert slug_path("articles:detail", "harbour-opens") == "/en/articles/harbour-opens/"


@pytest.mark.parametrize("path", ["css/site.css", "img/favicon.svg", "js/reader.js"])
def test_an_asset_is_what_static_gives_and_follows_the_settings(path, settings):
    from django.templatetags.static import static

    from articles.templatetags.reader import asset

    assert asset(path) == static(path)
    settings.STATIC_URL = "https://cdn.example/static/"
    assert asset(path) == static(path) and asset(path).startswith("https://cdn.example/static/")
