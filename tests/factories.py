"""Shared builders for the foundation's models. Feature-specific factories live beside their tests."""

import io
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.models import Article, Correction, Image, Initiative, Milestone, Section
from editorial.models import Editor


def image_bytes(fmt: str = "JPEG", size=(1200, 800), color=(30, 90, 160), exif=None) -> bytes:
    """A real image file made with Pillow."""
    out = io.BytesIO()
    img = PILImage.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def image_upload(name: str = "photo.jpg", fmt: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(fmt, "application/octet-stream")
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@newsroom.test")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class EditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Editor

    display_name = factory.Sequence(lambda n: f"Editor Number {n}")
    title = "Editor, World desk"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Section {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Initiative {n}")
    summary = "A programme of cooperation."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    date = factory.Faker("date_object")
    title = factory.Sequence(lambda n: f"Milestone {n}")
    place = "Geneva"


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: image_upload())
    alt_text = "A blue test picture"
    caption = "A caption"
    credit = "Photo: Test Desk"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    dek = "What happened, and why it matters."
    body = "<p>First paragraph.</p><p>Second paragraph.</p>"
    section = factory.SubFactory(SectionFactory)
    editor = factory.SubFactory(EditorFactory)
    responsible_editor = factory.SubFactory(EditorFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    first_published_at = factory.SelfAttribute("published_at")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def initiatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.initiatives.add(*extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version gave the wrong date."


# --- Reader site (issue 3) ---


class RenderedImageFactory(ImageFactory):
    """A library image whose renditions have been made, as after the background task has run.

    Small by default (renditions are not upscaled, so each format has one width): fast enough for tests
    that need twenty of them.
    """

    class Meta:
        skip_postgeneration_save = True

    file = factory.LazyFunction(lambda: image_upload(size=(240, 160)))
    alt_text = factory.Sequence(lambda n: f"Delegates gathered in a hall, picture {n}")
    caption = factory.Sequence(lambda n: f"Caption of picture {n}")
    credit = factory.Sequence(lambda n: f"Photo: Staff photographer {n}")

    @factory.post_generation
    def renditions(self, create, extracted, **kwargs):
        if create:
            self.make_renditions()


def tag_names(n: int = 3, prefix: str = "topic") -> list[str]:
    """`n` distinct tag names, e.g. tag_names(20)."""
    return [f"{prefix} {i}" for i in range(n)]


# --- Takedowns (issue 12, point 7) ---


def picture_bytes(seed: int = 1, fmt: str = "JPEG", size=(1200, 800), **save) -> bytes:
    """A real picture with detail (shapes over a gradient), a different one for each seed. For tests that
    must tell pictures apart: to a perceptual hash, every plain colour looks alike."""
    rnd = random.Random(seed)
    img = PILImage.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    width, height = size
    for _ in range(25):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(width // 40, width // 5)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    for _ in range(15):
        x, y = rnd.randrange(width), rnd.randrange(height)
        box = (x, y, x + rnd.randrange(width // 60, width // 4), y + rnd.randrange(height // 40, height // 3))
        draw.rectangle(box, fill=tuple(rnd.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, format=fmt, **save)
    return out.getvalue()
