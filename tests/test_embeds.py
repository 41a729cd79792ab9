"""Issue 15, point 2: embeds from an allow-list (YouTube, Vimeo, X, Weibo, Bilibili), pasted as an address
alone in a paragraph, shown to readers as a link card or a click-to-load player, never a provider's script.

`embed_for` is the one rule; the patterns the admin's editor uses agree with it (here in Python, in
tests/test_browser_embeds.py in the browser's JavaScript). Clicking "Play the video here" is tested in the
browser too.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles.embeds import PROVIDERS, Embed, editor_providers, embed_for
from articles.richtext import sanitise_body
from tests import _workflow
from tests._workflow import S, make_article
from tests.embed_corpus import BAD, BV, GOOD, YT
from tests.factories import ArticleFactory, RenderedImageFactory

newsroom = _workflow.newsroom  # the fixture


@pytest.mark.parametrize(("url", "provider", "canonical", "player"), GOOD)
def test_allow_listed_addresses_are_embeds(url, provider, canonical, player):
    embed = embed_for(url)
    assert embed is not None
    assert (embed.provider, embed.url) == (provider, canonical)
    assert embed.player_url == player
    assert embed.kind == ("video" if player else "post")


@pytest.mark.parametrize("url", BAD)
def test_anything_else_is_not_an_embed(url):
    assert embed_for(url) is None


def test_posts_are_links_and_videos_are_players():
    labels = {embed_for(url).provider: embed_for(url).label for url, *_ in GOOD}
    assert labels == {
        "YouTube": "Watch on YouTube",
        "Vimeo": "Watch on Vimeo",
        "X": "View the post on X",
        "Weibo": "View the post on Weibo",
        "Bilibili": "Watch on Bilibili",
    }
    assert embed_for(f"https://youtu.be/{YT}").player_title == "YouTube video player"


# --- Hostile input: whatever is typed, a player address is one of three shapes around a well-formed id ---

PLAYER_SHAPE = re.compile(
    r"https://www\.youtube-nocookie\.com/embed/[A-Za-z0-9_-]{11}"
    r"|https://player\.vimeo\.com/video/[0-9]{1,12}\?dnt=1(&h=[0-9a-f]{6,20})?"
    r"|https://player\.bilibili\.com/player\.html\?(bvid=BV1[1-9A-HJ-NP-Za-km-z]{9}|aid=[0-9]{1,12})&autoplay=0"
)
SAFE_URL = re.compile(r"https://[A-Za-z0-9./?=&_-]+")


def _check_safe(embed: Embed | None) -> None:
    if embed is None:
        return
    assert embed.provider in PROVIDERS
    assert SAFE_URL.fullmatch(embed.url), embed.url
    assert embed.player_url is None or PLAYER_SHAPE.fullmatch(embed.player_url), embed.player_url


@given(st.text(max_size=300))
def test_no_text_makes_an_unsafe_embed(text):
    _check_safe(embed_for(text))


@given(
    st.sampled_from([url for url, *_ in GOOD]),
    st.integers(min_value=0, max_value=300),
    st.text(
        alphabet=st.sampled_from(list("\"'<> \n\t`\\@:#/?&=%.;()javscript") + ["\u202e", "\u0000", "٣"]), max_size=8
    ),
)
def test_an_allowed_address_with_hostile_characters_put_in_stays_safe(url, position, inserted):
    """Put anything anywhere in a good address: the result is refused, or still a well-formed embed."""
    position = min(position, len(url))
    _check_safe(embed_for(url[:position] + inserted + url[position:]))


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=11, max_size=11),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.~%=&+-", max_size=60),
)
def test_every_well_formed_youtube_id_plays_from_youtube_nocookie(video, query):
    for url in (f"https://youtu.be/{video}?{query}", f"https://www.youtube.com/watch?v={video}&{query}"):
        embed = embed_for(url)
        assert embed is not None, url
        assert embed.player_url == f"https://www.youtube-nocookie.com/embed/{video}"


# --- The editor's patterns: the same rule, as regular expressions JavaScript can run ---


def _provider_by_pattern(url: str) -> str | None:
    found = [p["provider"] for p in editor_providers() if re.fullmatch(p["pattern"], url)]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_the_editor_gets_one_anchored_portable_pattern_per_provider():
    providers = editor_providers()
    assert [p["provider"] for p in providers] == ["YouTube", "Vimeo", "X", "Weibo", "Bilibili"]
    for p in providers:
        source = p["pattern"]
        assert source.startswith("^") and source.endswith("$")
        # What Python and JavaScript read differently: named groups, inline flags, Unicode-wide \d \w \s,
        # negated classes (they would match a newline), unbounded repetition.
        for construct in ("(?P", "(?i", "(?m", "(?s", "(?x", "\\d", "\\w", "\\s", "[^", "*", "+?", ".*"):
            assert construct not in source, (p["provider"], construct)
        assert not re.search(r"(?<!\\)[)\]]\+", source), "an unbounded repetition"


@pytest.mark.parametrize("url", [url for url, *_ in GOOD] + BAD)
def test_the_editors_patterns_agree_with_embed_for(url):
    embed = embed_for(url)
    assert _provider_by_pattern(url) == (embed.provider if embed else None)


@given(
    st.sampled_from([url for url, *_ in GOOD]),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=3),
    st.text(max_size=4),
)
def test_the_patterns_agree_with_embed_for_on_altered_addresses(url, position, cut, inserted):
    position = min(position, len(url))
    altered = url[:position] + inserted + url[position + cut :]
    embed = embed_for(altered)
    assert _provider_by_pattern(altered) == (embed.provider if embed else None)


# --- How a body stores an embed, and what a reader sees ---


def linked(url: str) -> str:
    """The paragraph the admin's editor writes for a pasted address."""
    escaped = url.replace("&", "&amp;")
    return f'<p><a href="{escaped}" rel="noopener noreferrer">{escaped}</a></p>'


def page_of(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def body_part(page: str) -> str:
    return page[page.index('<div class="article-body">') : page.index('<footer class="article-footer">')]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "provider", "canonical", "player"), GOOD)
@pytest.mark.parametrize("stored", ["linked", "bare"])
def test_a_reader_sees_a_card_for_each_provider(client, url, provider, canonical, player, stored):
    paragraph = linked(url) if stored == "linked" else f"<p>{url.replace('&', '&amp;')}</p>"
    article = ArticleFactory(body=f"<p>Before.</p>{paragraph}<p>After.</p>")
    assert sanitise_body(paragraph) == paragraph  # the stored form survives nh3 as it is

    body = body_part(page_of(client, article))

    assert body.count('<figure class="embed') == 1
    assert f'<a href="{canonical.replace("&", "&amp;")}" rel="noopener noreferrer">{embed_for(url).label}</a>' in body
    assert "<p>Before.</p>" in body and "<p>After.</p>" in body
    assert "<iframe" not in body and "<script" not in body  # nothing loads until the reader asks
    if player is None:
        assert "data-embed-player" not in body and "Play the video here" not in body
    else:
        embed = embed_for(url)
        assert f'data-embed-player="{embed.player_url.replace("&", "&amp;")}"' in body
        assert f'data-embed-title="{provider} video player"' in body
        assert "Play the video here" in body and "may then set cookies" in body
        # Hidden until reader.js runs: without JavaScript the card is a link.
        assert re.search(r'<div class="embed-play"[^>]* hidden>\s*<button type="button" data-embed-play>', body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "paragraph",
    [
        f'<p>Watch it at <a href="https://youtu.be/{YT}">https://youtu.be/{YT}</a> tonight.</p>',
        f"<p>Watch it at https://youtu.be/{YT} tonight.</p>",
        f'<p><a href="https://youtu.be/{YT}">the launch video</a></p>',
        f'<p><a href="https://youtu.be/{YT}">https://evil.test/</a></p>',
        f'<p><a href="https://evil.test/">https://youtu.be/{YT}</a></p>',
        f"<p><strong>https://youtu.be/{YT}</strong></p>",
        f'<p><a href="https://youtu.be/{YT}">https://youtu.be/{YT}</a> <a href="https://vimeo.com/1">https://vimeo.com/1</a></p>',
        '<p><a href="https://www.youtube.com@evil.test/">https://www.youtube.com@evil.test/</a></p>',
        "<p>https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ</p>",
        # Only the body's own paragraphs are embeds, as in the editor: not in a list, a table or a quotation.
        f"<ul><li><p>https://youtu.be/{YT}</p></li></ul>",
        f"<blockquote><p>https://youtu.be/{YT}</p></blockquote>",
        f"<table><tbody><tr><td><p>https://youtu.be/{YT}</p></td></tr></tbody></table>",
    ],
)
def test_an_address_in_running_text_or_under_other_words_stays_an_ordinary_link(client, paragraph):
    article = ArticleFactory(body=paragraph)
    body = body_part(page_of(client, article))
    assert 'class="embed' not in body and "data-embed-player" not in body
    assert body.count("<p>") == 1  # the paragraph is shown as written


class Tags(HTMLParser):
    """Every start tag of a page and its attributes, as the browser would read them."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.django_db
def test_an_embed_address_cannot_smuggle_markup(client):
    hostile = [
        f'<p><a href="https://youtu.be/{YT}?a=&quot;&gt;&lt;script&gt;">https://youtu.be/{YT}?a="&gt;&lt;script&gt;</a></p>',
        f'<p>https://youtu.be/{YT}?a="&gt;&lt;img src=x onerror=alert(1)&gt;</p>',
        '<p><a href="javascript:alert(1)">javascript:alert(1)</a></p>',
        f'<p><a href="https://youtu.be/{YT}" onclick="alert(1)">https://youtu.be/{YT}</a></p>',
    ]
    article = ArticleFactory(body="".join(hostile))
    tags = Tags(body_part(page_of(client, article))).tags

    assert not [tag for tag, _ in tags if tag in ("script", "img", "iframe", "style")]
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [a["href"] for tag, a in tags if tag == "a" and not a.get("href", "https:").startswith("https:")]
    # The one clean address (nh3 removed its onclick) is a card; the others are not embeds.
    assert [a["class"] for tag, a in tags if tag == "figure"] == ["embed embed-video"]


@pytest.mark.django_db
def test_a_body_with_pictures_and_embeds_places_both(client):
    picture = RenderedImageFactory()
    article = ArticleFactory(body=f"<p>[[image:{picture.pk}]]</p>{linked(f'https://youtu.be/{YT}')}<p>End.</p>")
    body = body_part(page_of(client, article))
    assert body.count('<figure class="figure">') == 1 and body.count('<figure class="embed') == 1


@pytest.mark.django_db
def test_embeds_cost_the_article_page_no_query(client, settings):
    """As test_performance_budgets.py's article without pictures: state, article, tags, initiatives,
    corrections, recommendations; nothing more for five embeds."""
    settings.PAGE_CACHE_SECONDS = 0
    plain = ArticleFactory(title="Plain", body="<p>Words.</p>", hero_image=None)
    one_each = {provider: url for url, provider, *_ in GOOD}
    with_embeds = ArticleFactory(
        title="With embeds", body="<p>Words.</p>" + "".join(linked(url) for url in one_each.values()), hero_image=None
    )
    counts = []
    for article in (plain, with_embeds):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            page = page_of(client, article)
        counts.append(len(queries))
    assert page.count('<figure class="embed') == len(PROVIDERS)
    assert counts == [6, 6]


@pytest.mark.django_db
def test_the_page_with_an_embed_is_the_same_for_every_reader(client):
    """Nothing per reader: the edge and the page cache keep it as they keep any article page."""
    plain = ArticleFactory(body="<p>Words.</p>")
    article = ArticleFactory(body=linked(f"https://youtu.be/{YT}"))
    first = client.get(article.get_absolute_url())
    assert first["Cache-Control"] == client.get(plain.get_absolute_url())["Cache-Control"]
    assert "public" in first["Cache-Control"]
    assert not first.cookies
    assert "Cookie" not in first.get("Vary", "")
    again = client.get(article.get_absolute_url())
    assert again.content == first.content


@pytest.mark.django_db
def test_the_csp_frames_only_the_three_players(client):
    response = client.get(ArticleFactory(body=linked(f"https://youtu.be/{YT}")).get_absolute_url())
    directives = {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split(";") if d.strip()}
    players = set()
    for url, _, _, player in GOOD:
        if player:
            parts = urlsplit(embed_for(url).player_url)
            players.add(f"{parts.scheme}://{parts.netloc}")
    assert sorted(directives["frame-src"]) == sorted(players) == sorted(settings.SECURE_CSP["frame-src"])
    assert directives["script-src"][0] == "'self'" and "'unsafe-inline'" not in directives["script-src"]


@pytest.mark.django_db
def test_the_preview_shows_the_card_as_readers_will_see_it(client, newsroom):
    draft = make_article(newsroom, S.DRAFT, body=linked(f"https://www.bilibili.com/video/{BV}"))
    client.force_login(newsroom.writer.user)
    page = client.get(reverse("preview:article", args=[draft.pk])).content.decode()
    assert 'class="embed embed-video"' in page and "Watch on Bilibili" in page
    assert f"player.bilibili.com/player.html?bvid={BV}" in page and "<iframe" not in page
