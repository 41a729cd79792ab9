"""Every uploaded picture goes through the image pipeline, and none sits at a guessable address (issue 12, 5-6).

Portraits, logos and article images are checked, re-encoded without metadata and stored under a random
folder by the model field itself, so the rule holds for the admin, a script or a command alike; a replaced
file leaves the disk once the change commits, never before.
"""

import importlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Initiative, Rendition
from editorial.models import Editor
from tests.factories import ArticleFactory, EditorFactory, ImageFactory, InitiativeFactory, image_bytes

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825
HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"
RANDOM_FOLDER = r"[0-9a-f]{32}"


def camera_jpeg(name: str = "portrait.jpg", *, tail: bytes = b"") -> SimpleUploadedFile:
    """A JPEG as a phone makes it: GPS position and camera make in its EXIF, optionally something appended."""
    exif = PILImage.Exif()
    exif[GPS_TAG] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    exif[0x010F] = "CameraMaker"
    content = image_bytes("JPEG", size=(500, 500), exif=exif.tobytes()) + tail
    with PILImage.open(io.BytesIO(content)) as original:
        assert GPS_TAG in original.getexif()  # the test file really carries a position
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def portrait_pdf() -> SimpleUploadedFile:
    out = io.BytesIO()
    PILImage.new("RGB", (400, 400), (200, 30, 30)).save(out, format="PDF")
    assert out.getvalue().startswith(b"%PDF")
    return SimpleUploadedFile("portrait.pdf", out.getvalue(), content_type="application/pdf")


def stored_bytes(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()


def assert_cleaned(field_file) -> None:
    content = stored_bytes(field_file)
    assert HTML_TAIL not in content and b"<script" not in content
    assert b"CameraMaker" not in content
    with PILImage.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# -- point 5: without the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: EditorFactory(), "photo"),
        (lambda: InitiativeFactory(), "logo"),
        (lambda: ImageFactory(), "file"),
    ],
    ids=["editor portrait", "initiative logo", "article image"],
)
def test_a_picture_saved_on_the_model_is_cleaned_without_the_admin(make, field):
    obj = make()
    setattr(obj, field, camera_jpeg(tail=HTML_TAIL))
    obj.save()
    obj.refresh_from_db()
    assert_cleaned(getattr(obj, field))
    assert re.search(rf"/{RANDOM_FOLDER}/portrait\.jpg$", getattr(obj, field).name)


def test_field_save_in_a_script_is_cleaned_too():
    editor = EditorFactory()
    editor.photo.save("portrait.jpg", ContentFile(camera_jpeg(tail=HTML_TAIL).read()))
    editor.refresh_from_db()
    assert_cleaned(editor.photo)


@pytest.mark.parametrize("obj_factory, field", [(EditorFactory, "photo"), (InitiativeFactory, "logo")])
def test_a_pdf_is_refused_on_the_model_and_nothing_is_stored(obj_factory, field):
    obj = obj_factory()
    setattr(obj, field, portrait_pdf())
    with pytest.raises(ValidationError, match="not an image we can read"), transaction.atomic():
        obj.save()
    assert not getattr(type(obj).objects.get(pk=obj.pk), field)
    assert media_files() == set()


def test_replacing_a_portrait_deletes_the_old_file_after_commit(django_capture_on_commit_callbacks):
    editor = EditorFactory(photo=camera_jpeg("first.jpg"))
    old = Path(editor.photo.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        editor.photo = camera_jpeg("second.jpg")
        editor.save()
    assert old.is_file(), "deleted before the change committed"
    for callback in callbacks:
        callback()
    assert not old.exists()
    assert Path(editor.photo.path).is_file()
    assert media_files() == {editor.photo.name}


def test_a_rolled_back_replacement_keeps_the_old_file(django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(logo=camera_jpeg("logo.jpg"))
    old_name = initiative.logo.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        initiative.logo = camera_jpeg("new-logo.jpg")
        initiative.save()
        raise RuntimeError("the rest of the change failed")
    assert callbacks == []
    assert Initiative.objects.get(pk=initiative.pk).logo.name == old_name
    assert storages["default"].exists(old_name)


def test_clearing_a_logo_deletes_its_file(django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(logo=camera_jpeg("logo.jpg"))
    old = Path(initiative.logo.path)
    with django_capture_on_commit_callbacks(execute=True):
        initiative.logo = ""
        initiative.save()
    assert not old.exists()


def test_replacing_an_article_image_deletes_the_old_original_and_its_renditions(django_capture_on_commit_callbacks):
    image = ImageFactory()
    image.make_renditions()
    old = {image.file.name} | {r.file.name for r in image.renditions.all()}
    assert old <= media_files()
    with django_capture_on_commit_callbacks(execute=True):
        image.file = camera_jpeg("replacement.jpg")
        image.save()
    assert image.renditions.count() == 0
    assert media_files() == {image.file.name}
    assert image.sha256 and image.width == 500


# -- point 5: through the admin ------------------------------------------------------------------------------


def editor_form(**extra) -> dict:
    return {
        "display_name": "Li Wei",
        "slug": "li-wei",
        "title": "Editor",
        "bio": "",
        "email": "",
        "active": "on",
    } | extra


def initiative_form(**extra) -> dict:
    return {
        "name": "Green Silk Road",
        "slug": "green-silk-road",
        "summary": "Cleaner trade routes.",
        "order": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    } | extra


def test_admin_refuses_a_pdf_portrait_with_a_form_error(admin_client):
    response = admin_client.post("/admin/editorial/editor/add/", editor_form(photo=portrait_pdf()))
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    assert not Editor.objects.filter(slug="li-wei").exists()
    assert media_files() == set()


def test_admin_refuses_a_pdf_logo_with_a_form_error(admin_client):
    response = admin_client.post("/admin/articles/initiative/add/", initiative_form(logo=portrait_pdf()))
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    assert not Initiative.objects.exists()


def test_admin_portrait_loses_its_gps_and_its_html_tail(admin_client):
    response = admin_client.post("/admin/editorial/editor/add/", editor_form(photo=camera_jpeg(tail=HTML_TAIL)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_cleaned(Editor.objects.get(slug="li-wei").photo)


def test_admin_logo_loses_its_gps_and_its_html_tail(admin_client):
    response = admin_client.post("/admin/articles/initiative/add/", initiative_form(logo=camera_jpeg(tail=HTML_TAIL)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_cleaned(Initiative.objects.get().logo)


def test_admin_replacing_a_portrait_removes_the_old_file(admin_client, django_capture_on_commit_callbacks):
    editor = EditorFactory(slug="li-wei", display_name="Li Wei", photo=camera_jpeg("first.jpg"))
    old = Path(editor.photo.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/editorial/editor/{editor.pk}/change/", editor_form(photo=camera_jpeg("second.jpg"))
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    editor.refresh_from_db()
    assert not old.exists()
    assert media_files() == {editor.photo.name}


def test_admin_saving_without_a_new_portrait_keeps_the_file(admin_client, django_capture_on_commit_callbacks):
    editor = EditorFactory(slug="li-wei", display_name="Li Wei", photo=camera_jpeg("first.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/editorial/editor/{editor.pk}/change/", editor_form(title="Chief"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Editor.objects.get(pk=editor.pk).photo.name == editor.photo.name
    assert Path(editor.photo.path).is_file()


# -- point 6: no guessable addresses -------------------------------------------------------------------------


def test_stored_names_carry_no_ids_and_cannot_be_predicted():
    first, second = ImageFactory(), ImageFactory()
    first.make_renditions()
    second.make_renditions()
    originals = [first.file.name, second.file.name]
    renditions = list(Rendition.objects.all())
    for name in originals:
        assert re.fullmatch(rf"images/\d{{4}}/\d{{2}}/{RANDOM_FOLDER}/photo\.jpg", name), name
    for rendition in renditions:
        assert re.fullmatch(rf"renditions/{RANDOM_FOLDER}/(480|960|1600)\.(jpg|webp)", rendition.file.name)
    # Same upload name, same month: still nothing in common but the fixed parts.
    folders = [name.split("/")[-2] for name in originals + [r.file.name for r in renditions]]
    assert len(set(folders)) == len(folders)
    # The addresses that counting used to find hold nothing.
    media = media_files()
    for image in (first, second):
        for width in settings.IMAGE_RENDITION_WIDTHS:
            assert f"renditions/{image.pk}/{image.pk}-{width}.jpg" not in media


def test_an_embargoed_articles_hero_is_not_at_a_counted_address():
    hero = ImageFactory()
    hero.make_renditions()
    ArticleFactory(
        hero_image=hero,
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timezone.timedelta(days=2),
    )
    media = media_files()
    counted = {
        f"renditions/{pk}/{pk}-{w}.{ext}"
        for pk in range(1, hero.pk + 5)
        for w in (480, 960, 1600)
        for ext in ("jpg", "webp")
    }
    assert not counted & media
    assert {r.file.name for r in hero.renditions.all()} <= media


class Pictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "source"):
            if attrs.get("srcset"):
                self.urls += [part.strip().split(" ")[0] for part in attrs["srcset"].split(",")]
            if attrs.get("src"):
                self.urls.append(attrs["src"])


def test_a_published_page_shows_its_pictures_at_stable_addresses(client):
    hero = ImageFactory(file=SimpleUploadedFile("hero.jpg", image_bytes(size=(2000, 1200))))
    hero.make_renditions()
    article = ArticleFactory(hero_image=hero)
    first = client.get(article.get_absolute_url())
    assert first.status_code == 200
    parser = Pictures()
    parser.feed(first.content.decode())
    media = [url for url in parser.urls if url.startswith(settings.MEDIA_URL)]
    assert len(media) >= 6  # WebP and JPEG at three widths
    for url in media:
        assert storages["default"].exists(url.removeprefix(settings.MEDIA_URL)), url
        assert f"/{hero.pk}/" not in url and f"/{hero.pk}-" not in url
    # Renditions are made once: the page (and any cache holding it) keeps linking the same files.
    assert hero.make_renditions() == []
    again = Pictures()
    again.feed(client.get(article.get_absolute_url()).content.decode())
    assert [u for u in again.urls if u.startswith(settings.MEDIA_URL)] == media


def test_the_migration_moves_only_pictures_no_reader_has_seen(django_capture_on_commit_callbacks):
    storage = storages["default"]
    embargoed, live = ImageFactory(), ImageFactory()
    old_names = {}
    for image in (embargoed, live):
        # As stored before this change: a counted folder and file name.
        name = storage.save(f"renditions/{image.pk}/{image.pk}-480.jpg", ContentFile(image_bytes(size=(480, 320))))
        rendition = Rendition.objects.create(
            image=image, width=480, format="jpeg", file=name, actual_width=480, actual_height=320
        )
        old_names[image.pk] = (rendition, name)
    ArticleFactory(hero_image=live)
    ArticleFactory(
        hero_image=embargoed, status=Article.Status.SCHEDULED, published_at=timezone.now() + timezone.timedelta(days=1)
    )
    migration = importlib.import_module("articles.migrations.0006_picture_pipeline")
    with django_capture_on_commit_callbacks(execute=True):
        migration.move_unseen_pictures(apps, SimpleNamespace(connection=connection))

    rendition, old = old_names[embargoed.pk]
    rendition.refresh_from_db()
    assert re.fullmatch(rf"renditions/{RANDOM_FOLDER}/480\.jpg", rendition.file.name)
    assert storage.exists(rendition.file.name) and not storage.exists(old)
    rendition, old = old_names[live.pk]
    rendition.refresh_from_db()
    assert rendition.file.name == old and storage.exists(old)  # already public: links and caches keep working
