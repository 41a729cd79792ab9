"""Embeds from an allow-list (issue 15, point 2): YouTube, Vimeo, X, Weibo and Bilibili.

An editor pastes a post's or a video's address as a paragraph of its own; readers see a card with a link
to it and, for a video, a button that loads the provider's player in place (static/js/reader.js). No
provider's script ever runs on our pages: X and Weibo embeds need theirs, so their posts stay link cards.

`embed_for` is the one rule that decides whether an address is an embed. Its shapes are regular
expressions written to mean the same in Python and in JavaScript, with or without the `u` and `v` flags
(no named groups, inline flags, `\\d`, `\\w`, negated classes or unescaped `-` in a class; every repetition
bounded), so the admin's editor recognises a pasted address with the very same patterns
(`editor_providers`); the server stays the judge. An id reaches a player address only when it is well
formed: the player address is built from the id, never copied from the address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class Embed:
    """An allow-listed post or video, as a reader's page shows it."""

    provider: str  # display name: "YouTube", "Vimeo", "X", "Weibo", "Bilibili"
    url: str  # the canonical public address (https) the card links to
    player_url: str | None  # the player a reader may load in place; None for a post (a link card only)
    kind: str  # "video" or "post"

    @property
    def label(self) -> str:
        """The link's words: "Watch on YouTube", "View the post on X"."""
        return f"Watch on {self.provider}" if self.kind == "video" else f"View the post on {self.provider}"

    @property
    def player_title(self) -> str:
        """The player frame's accessible name (we never fetch a video's own title: that would call the
        provider for every reader)."""
        return f"{self.provider} video player"


# Characters a query string may carry in an address we accept: enough for share links (?si=..., &t=42s,
# ?spm_id_from=333.1007&vd_source=...), nothing that could close an attribute or start a tag.
_QUERY_CHAR = r"[A-Za-z0-9_.~%=&+\-]"
_QUERY = rf"(?:\?{_QUERY_CHAR}{{0,500}})?"
_HTTP = r"https?://"
# One query parameter other than `v` (YouTube plays the first `v=`, so an address with two is no embed).
_OTHER_PARAM = r"(?!v=)[A-Za-z0-9_.~%=+\-]{0,100}"
_YOUTUBE_ID = r"([A-Za-z0-9_\-]{11})"
_POST_ID = r"([A-Za-z0-9]{9}|[0-9]{16})"  # a Weibo post: its base-62 id or its 16-digit number
_BV_ID = r"(BV1[1-9A-HJ-NP-Za-km-z]{9}|av[0-9]{1,12})"  # base-58 BV ids, and the older av numbers


def _youtube(m: re.Match) -> Embed:
    video = m[1]
    # youtube-nocookie.com: YouTube's privacy-enhanced mode, which sets no cookie until the video plays.
    return Embed(
        "YouTube",
        f"https://www.youtube.com/watch?v={video}",
        f"https://www.youtube-nocookie.com/embed/{video}",
        "video",
    )


def _vimeo(m: re.Match) -> Embed:
    video, unlisted = m[1], m[2]  # an unlisted video's address carries a hash the player needs too
    url = f"https://vimeo.com/{video}" + (f"/{unlisted}" if unlisted else "")
    # dnt=1: Vimeo's player then keeps no session data and sets no tracking cookies.
    player = f"https://player.vimeo.com/video/{video}?dnt=1" + (f"&h={unlisted}" if unlisted else "")
    return Embed("Vimeo", url, player, "video")


def _x(m: re.Match) -> Embed:
    return Embed("X", f"https://x.com/{m[1]}/status/{m[2]}", None, "post")


def _weibo(m: re.Match) -> Embed:
    return Embed("Weibo", f"https://weibo.com/{m[1]}/{m[2]}", None, "post")


def _weibo_mobile(m: re.Match) -> Embed:
    return Embed("Weibo", f"https://m.weibo.cn/{m[1]}/{m[2]}", None, "post")


def _bilibili(m: re.Match) -> Embed:
    video = m[1]
    ref = f"bvid={video}" if video.startswith("BV") else f"aid={video[2:]}"
    # autoplay=0: Bilibili's player otherwise starts by itself (our Permissions-Policy mutes that anyway).
    return Embed(
        "Bilibili",
        f"https://www.bilibili.com/video/{video}/",
        f"https://player.bilibili.com/player.html?{ref}&autoplay=0",
        "video",
    )


# (provider, shape, how to build the embed from the match). Scheme and host in lower case, as an address
# bar copies them; anything else (a look-alike host, user info, a port, a path we do not know) is no embed.
_SHAPES: list[tuple[str, str, Callable[[re.Match], Embed]]] = [
    (
        "YouTube",
        rf"{_HTTP}(?:www\.|m\.)?youtube\.com/watch\?(?:{_OTHER_PARAM}&){{0,20}}v={_YOUTUBE_ID}(?:&{_OTHER_PARAM}){{0,20}}",
        _youtube,
    ),
    ("YouTube", rf"{_HTTP}(?:www\.|m\.)?youtube\.com/(?:shorts|live|embed)/{_YOUTUBE_ID}{_QUERY}", _youtube),
    ("YouTube", rf"{_HTTP}youtu\.be/{_YOUTUBE_ID}{_QUERY}", _youtube),
    ("Vimeo", rf"{_HTTP}(?:www\.)?vimeo\.com/([0-9]{{1,12}})(?:/([0-9a-f]{{6,20}}))?{_QUERY}", _vimeo),
    (
        "X",
        rf"{_HTTP}(?:www\.|mobile\.)?(?:x|twitter)\.com/([A-Za-z0-9_]{{1,15}})/status/([0-9]{{1,20}}){_QUERY}",
        _x,
    ),
    ("Weibo", rf"{_HTTP}(?:www\.)?weibo\.com/([0-9]{{5,11}})/{_POST_ID}{_QUERY}", _weibo),
    ("Weibo", rf"{_HTTP}m\.weibo\.cn/(status|detail)/{_POST_ID}{_QUERY}", _weibo_mobile),
    ("Bilibili", rf"{_HTTP}(?:www\.|m\.)?bilibili\.com/video/{_BV_ID}/?{_QUERY}", _bilibili),
]
_COMPILED = [(re.compile(shape), build) for _, shape, build in _SHAPES]
PROVIDERS = list(dict.fromkeys(provider for provider, _, _ in _SHAPES))


def embed_for(url: str) -> Embed | None:
    """The embed an address names, or None when it is not an allow-listed post or video.

    The whole string must be the address (no surrounding space); `fullmatch`, so a newline after it does
    not pass as `$` would let it in Python.
    """
    for shape, build in _COMPILED:
        match = shape.fullmatch(url)
        if match:
            return build(match)
    return None


def editor_providers() -> list[dict]:
    """Each provider and one anchored pattern that matches exactly the addresses `embed_for` accepts for
    it, as the admin's editor needs them: `[{"provider": "YouTube", "pattern": "^(?:...)$"}, ...]`. The
    sources mean the same to Python's `re` and to JavaScript's `RegExp` (tests/test_embeds.py and
    tests/test_browser_embeds.py check both)."""
    return [
        {"provider": provider, "pattern": "^(?:" + "|".join(s for p, s, _ in _SHAPES if p == provider) + ")$"}
        for provider in PROVIDERS
    ]


# How an embed is stored in a body (after nh3, articles/richtext.py): a paragraph holding nothing but the
# address, as a link to itself (what the admin's editor writes) or as bare text. nh3 writes `&` as `&amp;`.
_EMBED_PARAGRAPH_RE = re.compile(
    r'<p>\s*(?:<a href="(?P<href>[^"<>]*)"[^<>]*>(?P<linked>[^<>]*)</a>|(?P<bare>https?://[^<>\s]*))\s*</p>'
)


def _embed_in_paragraph(match: re.Match) -> Embed | None:
    """The embed a body paragraph matched by `_EMBED_PARAGRAPH_RE` stands for, if it is one."""
    if match["href"] is not None:
        href = unescape(match["href"])
        # A link whose words are not its own address is an ordinary link, whatever it points to.
        if unescape(match["linked"]).strip() != href:
            return None
        return embed_for(href)
    return embed_for(unescape(match["bare"]))


# Where a paragraph is not one of the body's own: inside a list, a table or a quotation.
_CONTAINER_TAG_RE = re.compile(r"<(/?)(?:li|td|th|blockquote)\b[^<>]*>")


def replace_embeds(html: str, render: Callable[[Embed], str]) -> str:
    """`html` (a sanitised body) with every embed paragraph replaced by `render(embed)`. Only the body's own
    paragraphs are embeds, as in the editor: an address alone in a list item, a table cell or a quotation,
    in running text, or any other paragraph, is left as it is."""
    containers: list[tuple[int, int]] | None = None  # read once, and only for a body that holds an embed

    def nested(position: int) -> bool:
        nonlocal containers
        if containers is None:
            containers = [(m.start(), -1 if m[1] else 1) for m in _CONTAINER_TAG_RE.finditer(html)]
        return sum(step for at, step in containers if at < position) > 0

    def replace(match: re.Match) -> str:
        embed = _embed_in_paragraph(match)
        return match[0] if embed is None or nested(match.start()) else render(embed)

    return _EMBED_PARAGRAPH_RE.sub(replace, html)
