from functools import partial

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html

from . import library
from .forms import ImageForm
from .models import Correction, Image, Initiative, Milestone, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ["date", "place", "title", "summary", "article"]
    raw_id_fields = ["article"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "launched_on", "launched_at", "milestone_count", "order"]
    list_editable = ["order"]
    search_fields = ["name", "short_name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MilestoneInline]

    @admin.display(description="Milestones")
    def milestone_count(self, obj: Initiative) -> int:
        return obj.milestones.count()


def thumbnail_html(image: Image | None, size: int = 80):
    if image is None or not image.file:
        return "—"
    if image.is_removed:
        return format_html('<span title="{}">removed</span>', image.removal_note)
    url = library.thumbnail_url(image)
    # No style attribute: the CSP blocks inline styles, and an <img> with only a width keeps its proportions.
    return format_html('<img src="{}" alt="{}" width="{}">', url, image.alt_text, size)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "__str__", "credit", "licence", "dimensions", "created_at", "removed_at"]
    list_filter = ["licence", ("removed_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["alt_text", "caption", "credit", "copyright_holder", "source_url"]
    readonly_fields = ["preview", "width", "height", "sha256", "created_at", "removed_at", "removal_note"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_urls(self):
        # The picture library the article editor opens (articles/library.py).
        view = self.admin_site.admin_view
        return [
            path("library/", view(partial(library.library_view, self)), name="articles_image_library"),
            path("library/<int:pk>/", view(partial(library.picture_view, self)), name="articles_image_picture"),
            *super().get_urls(),
        ]

    @admin.display(description="Picture")
    def thumbnail(self, obj: Image):
        return thumbnail_html(obj)

    @admin.display(description="Preview")
    def preview(self, obj: Image):
        return thumbnail_html(obj, size=320)

    @admin.display(description="Size")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width}×{obj.height}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:  # Image.save() has discarded the old file's renditions
            library.schedule_renditions(obj)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind", "published_at"]
    search_fields = ["article__title", "text"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"
