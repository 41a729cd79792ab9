"""The picture library the article editor's "Place a picture" button opens (issue 15, point 2).

Two admin views, wired by `ImageAdmin.get_urls`: the library itself (search, thumbnails, more pages, and an
upload form for a new picture with its credit, licence and alt text), answered as an HTML fragment the
editor shows in a dialog; and one picture's facts as JSON, which the editor uses to show a placed picture
as a picture. The editor places a picture by writing its `[[image:ID]]` marker, so everything that already
follows markers (the reader's figure, the inline-image index, copyright measures) applies unchanged.
"""

from __future__ import annotations

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from .forms import LibraryUploadForm
from .models import Image
from .tasks import make_renditions

PER_PAGE = 24
THUMBNAIL_WIDTH = 160


def schedule_renditions(image: Image) -> None:
    """Make a new or replaced picture's renditions once its row is committed (`ImageAdmin.save_model`, which
    the library's upload goes through too)."""
    transaction.on_commit(lambda: make_renditions.enqueue(image.pk))


def thumbnail_url(image: Image) -> str:
    """The smallest JPEG rendition from prefetched renditions, or the stored file while none is made yet."""
    jpegs = sorted((r for r in image.renditions.all() if r.format == "jpeg"), key=lambda r: r.actual_width)
    return jpegs[0].file.url if jpegs else image.file.url


def picture_facts(image: Image) -> dict:
    """What the editor shows of a placed picture."""
    return {
        "id": image.pk,
        "thumbnail": "" if image.is_removed else thumbnail_url(image),
        "alt": image.alt_text,
        "credit": image.credit,
        "caption": image.caption,
        "removed": image.is_removed,
        "change_url": reverse("admin:articles_image_change", args=[image.pk]),
    }


def library_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """GET: a page of the library, newest first, searched like the image list (`?q=`, `?page=`).
    POST: upload a new picture; 201 with the library showing it (the editor then places it), or 400 with
    the form and what is wrong."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    may_upload = model_admin.has_add_permission(request)
    form, uploaded, status = LibraryUploadForm(), None, 200
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        form = LibraryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            with transaction.atomic():  # saved and logged as the image admin's own add page does
                uploaded = form.save(commit=False)
                model_admin.save_model(request, uploaded, form, change=False)
                message = model_admin.construct_change_message(request, form, None, add=True)
                model_admin.log_addition(request, uploaded, message)
            form, status = LibraryUploadForm(), 201
        else:
            status = 400
    query = request.GET.get("q", "").strip()[:200]
    pictures = Image.objects.visible().prefetch_related("renditions")
    if query:
        pictures, _ = model_admin.get_search_results(request, pictures, query)
    page = Paginator(pictures.order_by("-created_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "pictures": [(image, thumbnail_url(image)) for image in page.object_list],
        "query": query,
        "form": form,
        "may_upload": may_upload,
        "uploaded": (uploaded, thumbnail_url(uploaded)) if uploaded else None,
        "library_url": reverse("admin:articles_image_library"),
        "thumbnail_width": THUMBNAIL_WIDTH,
    }
    return TemplateResponse(request, "admin/articles/image/library.html", context, status=status)


def picture_view(model_admin: ModelAdmin, request: HttpRequest, pk: int) -> JsonResponse:
    """One picture's facts, for the editor to show a placed `[[image:ID]]` as the picture it names."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    image = get_object_or_404(Image.objects.prefetch_related("renditions"), pk=pk)
    return JsonResponse(picture_facts(image))
