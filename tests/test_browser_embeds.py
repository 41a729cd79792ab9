"""Issue 15, point 2, in headless Chromium: a reader sees an embed's card, and "Play the video here" puts the
provider's player in its place, under our CSP, in both colour schemes and on a phone; without JavaScript the
card is a link. The editor's patterns mean in JavaScript what `embed_for` means in Python.

The machine is offline: requests to the providers are answered here with a stand-in page (and counted), so
the test sees the frame load without the network, and proves nothing reaches a provider before the click.
"""

import pytest

from articles.embeds import editor_providers, embed_for
from tests.browser_helpers import serious_violations
from tests.embed_corpus import BAD, BV, GOOD, YT, altered
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER_HOSTS = (
    "youtube.com",
    "youtube-nocookie.com",
    "youtu.be",
    "vimeo.com",
    "x.com",
    "twitter.com",
    "weibo.com",
    "weibo.cn",
    "bilibili.com",
)
STAND_IN = "<!doctype html><title>Stand-in player</title><p>A player would be here.</p>"


def linked(url: str) -> str:
    escaped = url.replace("&", "&amp;")
    return f'<p><a href="{escaped}" rel="noopener noreferrer">{escaped}</a></p>'


@pytest.fixture
def article():
    return ArticleFactory(
        title="The port's opening, on video",
        body=(
            "<p>The first ship berthed on Monday morning.</p>"
            + linked(f"https://www.youtube.com/watch?v={YT}&t=42s")
            + "<p>The port authority posted the news on X and Weibo.</p>"
            + "<p>https://x.com/jack/status/20</p>"
            + linked("https://weibo.com/1642634100/O8DM0BLLm")
            + linked(f"https://www.bilibili.com/video/{BV}/")
            + "<p>Freight trains begin next spring.</p>"
        ),
        hero_image=None,
    )


@pytest.fixture
def tab(browser, live_server):
    """A tab that records console errors and answers every request to a provider itself."""
    contexts = []

    def open_tab(*, scheme="light", width=1280, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.problems, page.provider_requests = [], []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))

        def answer(route):
            url = route.request.url
            if url.startswith(live_server.url):
                return route.continue_()
            page.provider_requests.append(url)
            if any(host in url for host in PROVIDER_HOSTS):
                return route.fulfill(status=200, body=STAND_IN, content_type="text/html")
            return route.abort()

        context.route("**/*", answer)
        return page

    yield open_tab
    for context in contexts:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_reader_plays_a_video_in_place(tab, live_server, article, scheme, width):
    page = tab(scheme=scheme, width=width)
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("load")

    cards = page.locator("figure.embed")
    assert cards.count() == 4
    assert page.get_by_role("link", name="Watch on YouTube").get_attribute("href") == (
        f"https://www.youtube.com/watch?v={YT}"
    )
    assert page.get_by_role("link", name="View the post on X").is_visible()
    assert page.get_by_role("link", name="View the post on Weibo").is_visible()
    assert page.get_by_role("button", name="Play the video here").count() == 2  # YouTube and Bilibili
    assert page.locator("iframe").count() == 0
    assert page.provider_requests == []  # nothing from a provider until the reader asks
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []

    youtube = cards.filter(has=page.get_by_role("link", name="Watch on YouTube"))
    youtube.get_by_role("button", name="Play the video here").click()

    frame = youtube.locator("iframe")
    assert frame.get_attribute("src") == f"https://www.youtube-nocookie.com/embed/{YT}"
    assert frame.get_attribute("title") == "YouTube video player"
    assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
    assert "allow-top-navigation" not in frame.get_attribute("sandbox")
    assert "autoplay" not in frame.get_attribute("allow")
    assert frame.evaluate("el => el === document.activeElement")  # the keyboard carries on in the player
    page.frame_locator("figure.embed iframe").get_by_text("A player would be here.").wait_for(timeout=5000)
    assert page.provider_requests == [f"https://www.youtube-nocookie.com/embed/{YT}"]
    # The player takes the card's place; the link to YouTube stays beneath it.
    assert youtube.get_by_role("link", name="Watch on YouTube").is_visible()
    assert page.get_by_role("button", name="Play the video here").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    assert page.problems == []  # no script error and no CSP violation (the frame was allowed)


def test_bilibilis_player_is_framed_by_its_own_address(tab, live_server, article):
    page = tab()
    page.goto(live_server.url + article.get_absolute_url())
    bilibili = page.locator("figure.embed").filter(has=page.get_by_role("link", name="Watch on Bilibili"))
    bilibili.get_by_role("button", name="Play the video here").click()
    frame = bilibili.locator("iframe")
    assert frame.get_attribute("src") == f"https://player.bilibili.com/player.html?bvid={BV}&autoplay=0"
    assert frame.get_attribute("title") == "Bilibili video player"
    page.frame_locator("figure.embed iframe").get_by_text("A player would be here.").wait_for(timeout=5000)
    assert page.problems == []


def test_without_javascript_the_card_is_a_link(tab, live_server, article):
    page = tab(javascript=False)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("figure.embed").count() == 4
    assert page.get_by_role("button", name="Play the video here").count() == 0  # hidden: it would do nothing
    page.get_by_role("link", name="Watch on YouTube").click()
    page.wait_for_url(f"https://www.youtube.com/watch?v={YT}")
    assert page.get_by_text("A player would be here.").is_visible()


def test_javascript_reads_the_editors_patterns_as_python_does(page):
    """The admin's editor tests a pasted address with these patterns; the server decides with embed_for.
    Both must agree, with JavaScript's `RegExp` and its `u` and `v` flags."""
    urls = [url for url, *_ in GOOD] + BAD + altered(3000) + [url + "\n" for url, *_ in GOOD]
    expected = [(embed_for(url).provider if embed_for(url) else None) for url in urls]
    page.goto("about:blank")
    for flags in ("", "u", "v"):
        found = page.evaluate(
            """([providers, urls, flags]) => urls.map(url => {
                const matching = providers.filter(p => new RegExp(p.pattern, flags).test(url));
                return matching.length === 1 ? matching[0].provider : matching.length ? "several" : null;
            })""",
            [editor_providers(), urls, flags],
        )
        disagreements = [(url, want, got) for url, want, got in zip(urls, expected, found, strict=True) if want != got]
        assert disagreements == [], flags
    assert sum(provider is not None for provider in expected) > 100  # the altered addresses include embeds
