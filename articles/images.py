"""Image uploads: inspection, cleaning and renditions.

Everything a newsroom image passes through before a reader sees it: the upload is checked by its content
(not its name), decompression bombs and oversize files are refused, EXIF (GPS included) is dropped after
the orientation has been applied to the pixels, and renditions are made once and stored.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.module_loading import import_string
from PIL import Image as PILImage
from PIL import ImageOps, features

# Pillow names of the formats we accept, and the file extension each is stored under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
if features.check("avif"):
    ACCEPTED_FORMATS["AVIF"] = "avif"

RENDITION_FORMATS = ("webp", "jpeg")
_PIL_SAVE = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


@dataclass(frozen=True)
class InspectedImage:
    format: str
    width: int
    height: int


def inspect_upload(upload) -> InspectedImage:
    """Check an uploaded file is an image we accept, by reading it; raise ValidationError saying why not."""
    size = getattr(upload, "size", None)
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            f"This file is {size / 1_048_576:.1f} MB; images may be at most {limit / 1_048_576:.0f} MB.",
            code="too_large",
        )
    accepted = ", ".join(sorted(ACCEPTED_FORMATS))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; we refuse those too.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            PILImage.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
            with PILImage.open(upload) as img:
                fmt = img.format
                if fmt not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        f"{fmt or 'This'} files are not accepted. Upload a {accepted} image.", code="format"
                    )
                width, height = img.size
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise ValidationError("This image has too many pixels to process safely.", code="bomb")
                img.load()  # decodes every pixel: truncated or corrupt files fail here
                run_upload_checks(img)
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            "This image is too large in pixels to process safely (a possible decompression bomb).", code="bomb"
        ) from None
    except PILImage.UnidentifiedImageError:
        raise ValidationError(
            f"This file is not an image we can read. Upload a {accepted} image.", code="not_image"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(f"This image is damaged or incomplete ({error}).", code="corrupt") from None
    finally:
        upload.seek(0)
    return InspectedImage(format=fmt, width=width, height=height)


def run_upload_checks(picture: PILImage.Image) -> None:
    """Run the project's own checks (settings.IMAGE_UPLOAD_CHECKS, dotted paths) on a decoded upload; each
    raises ValidationError to refuse it. Named in a setting so that the copyright desk can refuse a picture it
    took down without this app importing `editorial`."""
    for path in getattr(settings, "IMAGE_UPLOAD_CHECKS", ()):
        import_string(path)(picture)


def clean_upload(upload, *, name: str) -> tuple[ContentFile, InspectedImage]:
    """Return a re-encoded copy with orientation applied to the pixels and no metadata (EXIF, GPS, XMP)."""
    inspected = inspect_upload(upload)
    upload.seek(0)
    with PILImage.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        out = io.BytesIO()
        fmt = inspected.format
        params: dict = {}
        if fmt == "JPEG":
            img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
            params = {"quality": 92, "optimize": True}
        elif fmt == "WEBP":
            params = {"quality": 90}
        # Saving without exif=/icc_profile= drops the metadata: Pillow writes only what it is given.
        img.save(out, format=fmt, **params)
        width, height = img.size
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "image"
    cleaned = ContentFile(out.getvalue(), name=f"{stem}.{ACCEPTED_FORMATS[fmt]}")
    return cleaned, InspectedImage(format=fmt, width=width, height=height)


def render_rendition(source, *, width: int, fmt: str) -> tuple[ContentFile, int, int]:
    """Resize an (already cleaned) image file to `width` pixels wide in `fmt` ("webp" or "jpeg")."""
    pil_format, params = _PIL_SAVE[fmt]
    source.seek(0)
    with PILImage.open(source) as img:
        img.load()
        if img.width > width:
            height = round(img.height * width / img.width)
            img = img.resize((width, height), PILImage.Resampling.LANCZOS)
        if pil_format == "JPEG" and img.mode not in ("RGB", "L"):
            background = PILImage.new("RGB", img.size, (255, 255, 255))
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.split()[-1])
            img = background
        out = io.BytesIO()
        img.save(out, format=pil_format, **params)
        return ContentFile(out.getvalue()), img.width, img.height
