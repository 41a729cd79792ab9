"""Demo pictures drawn with Pillow: nothing is downloaded and nobody else's work is shipped.

Every picture is deterministic (the same arguments give the same bytes), so a reloaded demo looks the same.
"""

from __future__ import annotations

import io
import math

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

# Palettes per initiative: (top-left colour, bottom-right colour, accent).
PALETTES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]] = {
    "belt-and-road-initiative": ((12, 52, 97), (196, 140, 40), (250, 214, 120)),
    "global-development-initiative": ((16, 92, 72), (126, 178, 92), (230, 244, 190)),
    "global-security-initiative": ((38, 44, 82), (92, 120, 170), (200, 216, 250)),
    "global-civilization-initiative": ((110, 32, 46), (214, 128, 80), (255, 220, 190)),
    "community-with-a-shared-future-for-mankind": ((24, 60, 120), (60, 160, 170), (220, 246, 246)),
    "default": ((40, 40, 48), (120, 120, 136), (236, 236, 240)),
}


def palette(key: str):
    return PALETTES.get(key, PALETTES["default"])


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled FreeType font: no system font needed, works on a bare laptop.
    return ImageFont.load_default(size=size)


def _gradient(size: tuple[int, int], start, end) -> PILImage.Image:
    """A diagonal gradient between two colours."""
    vertical = PILImage.linear_gradient("L").resize(size)
    horizontal = (
        PILImage.linear_gradient("L")
        .transpose(PILImage.Transpose.ROTATE_90)
        .transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    )
    ramp = PILImage.blend(vertical, horizontal.resize(size), 0.5)
    top = PILImage.new("RGB", size, start)
    bottom = PILImage.new("RGB", size, end)
    return PILImage.composite(bottom, top, ramp)


def _encode(img: PILImage.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, format="JPEG", quality=88)
    else:
        img.save(out, format=fmt)
    return out.getvalue()


def hero(*, key: str, headline: str, kicker: str, seed: int, size=(1600, 900)) -> bytes:
    """A lead picture: a gradient, a dotted route between circles, and the words of the caption drawn in."""
    start, end, accent = palette(key)
    img = _gradient(size, start, end)
    draw = ImageDraw.Draw(img, "RGBA")
    width, height = size
    # A route of points laid out by a fixed formula from `seed`: different per picture, same every run.
    points = []
    for i in range(7):
        x = int(width * (0.08 + 0.14 * i))
        y = int(height * (0.42 + 0.18 * math.sin(seed * 0.7 + i * 1.3)))
        points.append((x, y))
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        steps = max(abs(x1 - x0), abs(y1 - y0)) // 18
        for s in range(steps):
            t = s / max(steps, 1)
            cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            draw.ellipse((cx - 3, cy - 3, cx + 3, cy + 3), fill=(*accent, 200))
    for i, (x, y) in enumerate(points):
        r = 14 + (seed + i) % 3 * 8
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(*accent, 255), width=4, fill=(*accent, 70))
    # Large soft circles for depth.
    for i in range(3):
        r = int(height * (0.35 + 0.1 * i))
        cx = int(width * (0.85 - 0.3 * ((seed + i) % 3) / 2))
        cy = int(height * (0.15 + 0.3 * i))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 18))
    # The caption band.
    band_top = int(height * 0.72)
    draw.rectangle((0, band_top, width, height), fill=(0, 0, 0, 110))
    draw.text((64, band_top + 36), kicker.upper(), font=_font(34), fill=(*accent, 255))
    draw.text((64, band_top + 86), headline, font=_font(58), fill=(255, 255, 255, 255))
    draw.text(
        (width - 64, height - 28),
        "Illustration: Masthead graphics desk",
        font=_font(22),
        fill=(255, 255, 255, 200),
        anchor="rb",
    )
    return _encode(img, "JPEG")


def timeline(*, key: str, title: str, events: list[tuple[str, str]], size=(1400, 700)) -> bytes:
    """A timeline graphic: a line with one labelled dot per (year, label) event."""
    start, end, accent = palette(key)
    img = PILImage.new("RGB", size, (250, 249, 246))
    draw = ImageDraw.Draw(img)
    width, height = size
    draw.rectangle((0, 0, width, 110), fill=start)
    draw.text((56, 55), title, font=_font(44), fill=(255, 255, 255), anchor="lm")
    axis_y = int(height * 0.55)
    left, right = 110, width - 110
    draw.line((left, axis_y, right, axis_y), fill=end, width=6)
    n = max(len(events), 1)
    for i, (when, label) in enumerate(events):
        x = left + (right - left) * i // max(n - 1, 1) if n > 1 else (left + right) // 2
        draw.ellipse((x - 18, axis_y - 18, x + 18, axis_y + 18), fill=start, outline=end, width=5)
        above = i % 2 == 0
        draw.text((x, axis_y + (-50 if above else 50)), when, font=_font(34), fill=start, anchor="mm")
        draw.text((x, axis_y + (-100 if above else 100)), label, font=_font(24), fill=(60, 60, 60), anchor="mm")
    draw.text(
        (width - 40, height - 24), "Graphic: Masthead graphics desk", font=_font(20), fill=(110, 110, 110), anchor="rb"
    )
    return _encode(img, "PNG")


def badge(*, key: str, letters: str, size: int = 480) -> bytes:
    """A square badge with initials: initiative logos and editor portraits."""
    start, end, accent = palette(key)
    img = _gradient((size, size), start, end)
    draw = ImageDraw.Draw(img, "RGBA")
    margin = size // 10
    draw.ellipse((margin, margin, size - margin, size - margin), outline=(*accent, 255), width=size // 40)
    draw.text(
        (size // 2, size // 2),
        letters,
        font=_font(size // (3 if len(letters) < 3 else 4)),
        fill=(255, 255, 255, 255),
        anchor="mm",
    )
    return _encode(img, "PNG")
