"""Addresses that are and are not allow-listed embeds (articles/embeds.py), shared by tests/test_embeds.py
and tests/test_browser_embeds.py (which checks that JavaScript reads the editor's patterns the same way)."""

import random

YT = "dQw4w9WgXcQ"
BV = "BV1xx411c7mD"
NOCOOKIE = f"https://www.youtube-nocookie.com/embed/{YT}"

# (address as pasted, provider, the address the card links to, the player loaded on click)
GOOD = [
    (f"https://www.youtube.com/watch?v={YT}", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (f"http://youtube.com/watch?v={YT}", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (f"https://m.youtube.com/watch?v={YT}&t=42s", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (
        f"https://www.youtube.com/watch?feature=share&v={YT}",
        "YouTube",
        f"https://www.youtube.com/watch?v={YT}",
        NOCOOKIE,
    ),
    (f"https://youtu.be/{YT}", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (f"https://youtu.be/{YT}?si=Xy-9_ab&t=7", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (f"https://www.youtube.com/shorts/{YT}", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (f"https://www.youtube.com/live/{YT}?si=abc", "YouTube", f"https://www.youtube.com/watch?v={YT}", NOCOOKIE),
    (
        "https://vimeo.com/76979871",
        "Vimeo",
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?dnt=1",
    ),
    (
        "https://vimeo.com/76979871/8272103f6e",
        "Vimeo",
        "https://vimeo.com/76979871/8272103f6e",
        "https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e",
    ),
    ("https://x.com/jack/status/20", "X", "https://x.com/jack/status/20", None),
    (
        "https://twitter.com/Some_User/status/1790000000000000000?s=20&t=abc",
        "X",
        "https://x.com/Some_User/status/1790000000000000000",
        None,
    ),
    ("https://mobile.twitter.com/jack/status/20", "X", "https://x.com/jack/status/20", None),
    ("https://weibo.com/1642634100/O8DM0BLLm", "Weibo", "https://weibo.com/1642634100/O8DM0BLLm", None),
    (
        "https://www.weibo.com/1642634100/4890154263266432",
        "Weibo",
        "https://weibo.com/1642634100/4890154263266432",
        None,
    ),
    ("https://m.weibo.cn/status/4890154263266432", "Weibo", "https://m.weibo.cn/status/4890154263266432", None),
    ("https://m.weibo.cn/detail/O8DM0BLLm", "Weibo", "https://m.weibo.cn/detail/O8DM0BLLm", None),
    (
        f"https://www.bilibili.com/video/{BV}/?spm_id_from=333.1007.tianma.1-1-1.click&vd_source=0a1b",
        "Bilibili",
        f"https://www.bilibili.com/video/{BV}/",
        f"https://player.bilibili.com/player.html?bvid={BV}&autoplay=0",
    ),
    (
        f"https://m.bilibili.com/video/{BV}",
        "Bilibili",
        f"https://www.bilibili.com/video/{BV}/",
        f"https://player.bilibili.com/player.html?bvid={BV}&autoplay=0",
    ),
    (
        "https://www.bilibili.com/video/av170001",
        "Bilibili",
        "https://www.bilibili.com/video/av170001/",
        "https://player.bilibili.com/player.html?aid=170001&autoplay=0",
    ),
]

BAD = [
    "",
    "dQw4w9WgXcQ",
    f"youtube.com/watch?v={YT}",  # no scheme
    f"//www.youtube.com/watch?v={YT}",
    f"ftp://www.youtube.com/watch?v={YT}",
    f"javascript:alert(1)//https://www.youtube.com/watch?v={YT}",
    f"data:text/html,https://youtu.be/{YT}",
    f"https://youtube.com.evil.test/watch?v={YT}",  # look-alike hosts
    f"https://evil.test/youtube.com/watch?v={YT}",
    f"https://notyoutube.com/watch?v={YT}",
    f"https://youtu.be.evil.test/{YT}",
    f"https://www.youtube.com@evil.test/watch?v={YT}",  # user info
    "https://youtube.com@evil.test/",
    f"https://evil.test@youtu.be/{YT}",
    f"https://www.youtube.com:8443/watch?v={YT}",  # a port
    f"HTTPS://WWW.YOUTUBE.COM/watch?v={YT}",  # copied from no address bar
    f"https://www.youtube.com/watch?v={YT[:10]}",  # ids too short, too long, with stray characters
    f"https://www.youtube.com/watch?v={YT}X",
    'https://www.youtube.com/watch?v=dQw4w9W"gXc',
    "https://www.youtube.com/watch?v=dQw4<script>",
    f'https://www.youtube.com/watch?v={YT}&x="><script>alert(1)</script>',
    f"https://www.youtube.com/watch?v={YT}'onload='x",
    f"https://youtu.be/{YT}?t=1 onmouseover=x",
    f"https://youtu.be/{YT}\n",
    f" https://youtu.be/{YT}",
    f"https://youtu.be/{YT}#t=1",
    f"https://youtu.be/{YT}?" + "a" * 501,  # overlong
    "https://www.youtube.com/watch?v=" + "A" * 5000,
    f"https://www.youtube.com/watch?vv={YT}",
    f"https://www.youtube.com/watch?xv={YT}",
    f"https://www.youtube.com/watch?v={YT}&v=AAAAAAAAAAA",  # two videos named: YouTube plays the first
    f"https://www.youtube.com/watch?v=AAAAAAAAAAA&t=1&v={YT}",
    f"https://www.youtube.com/playlist?list=PL{YT}",
    "https://www.youtube.com/@channel",
    "https://vimeo.com/channels/staffpicks",
    "https://vimeo.com/1234567890123",  # 13 digits
    "https://vimeo.com/76979871/NOTHEX",
    "https://x.com/jack",
    "https://x.com/jack/status/",
    "https://x.com/jack/status/20abc",
    "https://x.com/this_name_is_too_long/status/20",
    "https://x.com/ja-ck/status/20",
    "https://x.com.evil.test/jack/status/20",
    "https://weibo.com/u/1642634100",
    "https://weibo.com/1642634100/O8DM0BL",
    "https://m.weibo.cn/profile/1642634100",
    "https://weibo.cn/status/4890154263266432",
    "https://www.bilibili.com/video/BV1xx411c7m",  # 11 characters
    "https://www.bilibili.com/video/BV1xx411c7m0",  # 0 is not base-58
    "https://www.bilibili.com/video/BV2xx411c7mD",
    "https://b23.tv/BV1xx411c7mD",  # a short link's target is unknown
    "https://space.bilibili.com/12345",
    "https://www.youtube.com/watch?v=dQw4w9WgXc٣",  # a non-ASCII digit
    "https://x.com/jack/status/２０",  # full-width digits
    "https://x.com/jäck/status/20",
]


def altered(count: int, seed: int = 15) -> list[str]:
    """`count` good addresses with a few characters cut out or put in, the same list on every run."""
    rng = random.Random(seed)
    alphabet = [*"\"'<> \n\t@:#/?&=%.-_aAzZ09", "\u202e", "٣", "ä"]
    found = []
    for _ in range(count):
        url = rng.choice(GOOD)[0]
        at = rng.randrange(len(url) + 1)
        cut = rng.randrange(3)
        found.append(url[:at] + "".join(rng.choices(alphabet, k=rng.randrange(3))) + url[at + cut :])
    return found
