"""Image uploads: only real JPEG/PNG/WebP(/AVIF), no bombs, no metadata, renditions made once."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import features

from articles.forms import ImageForm
from articles.images import inspect_upload
from articles.models import Image, Rendition
from tests.factories import ImageFactory, image_bytes, image_upload

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


def form_for(upload, **fields):
    data = {"alt_text": "Harbour cranes at dusk", "credit": "Photo: Desk", "licence": "own", **fields}
    return ImageForm(data=data, files={"file": upload})


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"] + (["AVIF"] if features.check("avif") else []))
def test_accepted_formats_are_stored_with_their_size(fmt):
    form = form_for(SimpleUploadedFile(f"pic.{fmt.lower()}", image_bytes(fmt, size=(640, 480))))
    assert form.is_valid(), form.errors
    image = form.save()
    assert (image.width, image.height) == (640, 480)
    with image.file.open("rb") as f, PILImage.open(f) as stored:
        assert stored.format == fmt


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.jpg", b"Just some text pretending to be a photo\n" * 20, "not an image"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not an image"),
        ("anim.gif", None, "GIF files are not accepted"),
        ("broken.jpg", "truncated", "damaged or incomplete"),
    ],
)
def test_refused_files_get_a_clear_error(name, content, message):
    if content is None:
        out = io.BytesIO()
        PILImage.new("RGB", (10, 10)).save(out, format="GIF")
        content = out.getvalue()
    elif content == "truncated":
        content = image_bytes("JPEG", size=(800, 600))[:-2000]
    form = form_for(SimpleUploadedFile(name, content))
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])
    assert Image.objects.count() == 0


def test_decompression_bomb_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    form = form_for(SimpleUploadedFile("huge.png", image_bytes("PNG", size=(400, 400))))
    assert not form.is_valid()
    assert "too large in pixels" in " ".join(form.errors["file"]) or "too many pixels" in " ".join(form.errors["file"])


def test_real_decompression_bomb_png_is_refused():
    # A 20000x20000 1-bit PNG compresses to a few kB but would decode to 400 megapixels.
    out = io.BytesIO()
    PILImage.new("1", (20000, 20000)).save(out, format="PNG", optimize=True)
    assert out.tell() < 200_000
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("bomb.png", out.getvalue()))
    assert error.value.code == "bomb"


def test_files_over_the_size_limit_are_refused_before_decoding(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10_000
    form = form_for(image_upload(size=(1600, 1200)))
    assert not form.is_valid()
    assert "images may be at most" in " ".join(form.errors["file"])


def test_exif_gps_is_stripped_and_orientation_applied_to_pixels():
    exif = PILImage.Exif()
    exif[ORIENTATION_TAG] = 6  # rotate 90° clockwise on display
    exif[GPS_TAG] = {1: "N", 2: (39.0, 54.0, 0.0)}
    exif[0x010F] = "CameraMaker"
    upload = SimpleUploadedFile("gps.jpg", image_bytes("JPEG", size=(600, 400), exif=exif.tobytes()))
    with PILImage.open(io.BytesIO(upload.read())) as original:
        assert GPS_TAG in original.getexif()
    upload.seek(0)
    form = form_for(upload)
    assert form.is_valid(), form.errors
    image = form.save()
    with image.file.open("rb") as f, PILImage.open(f) as stored:
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info
        # Orientation 6 means the picture is shown rotated: its pixels are now portrait.
        assert stored.size == (400, 600)
    assert (image.width, image.height) == (400, 600)


def test_alt_text_is_required():
    form = form_for(image_upload(), alt_text="")
    assert not form.is_valid()
    assert "alt_text" in form.errors


def test_renditions_are_made_once_and_reused():
    image = ImageFactory(file=image_upload(size=(2000, 1000)))
    made = image.make_renditions()
    assert len(made) == 6  # three widths, WebP and JPEG
    assert {(r.width, r.format) for r in made} == {(w, f) for w in (480, 960, 1600) for f in ("webp", "jpeg")}
    for rendition in made:
        with rendition.file.open("rb") as f, PILImage.open(f) as pic:
            assert pic.width == rendition.actual_width <= rendition.width
            assert pic.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
    paths = sorted(r.file.name for r in Rendition.objects.all())
    assert image.make_renditions() == []
    assert sorted(r.file.name for r in Rendition.objects.all()) == paths


def test_small_images_are_not_upscaled():
    image = ImageFactory(file=image_upload(size=(300, 200)))
    image.make_renditions()
    assert {r.actual_width for r in image.renditions.all()} == {300}


def test_admin_upload_makes_renditions_after_commit(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/articles/image/add/",
            {"file": image_upload(size=(1000, 700)), "alt_text": "A river", "credit": "Photo: Desk", "licence": "own"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert image.renditions.count() == 6


def test_admin_refuses_a_renamed_text_file_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/articles/image/add/",
        {"file": SimpleUploadedFile("x.jpg", b"hello"), "alt_text": "x", "credit": "y", "licence": "own"},
    )
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    assert Image.objects.count() == 0
