"""Previews of unpublished articles: for editors in the back office, and by signed link for outsiders.

A shared link carries the article's id, when it was made and when it expires, signed with the site's secret
(`TimestampSigner`). It opens that one article and nothing else, and stops working when it expires, when the
article is live, once the article has gone live at any moment since the link was made (published, or its
scheduled time passed), or when it is withheld. It needs no table: revoking every link at once is rotating
SECRET_KEY (docs/decisions.md, "the editorial workflow").
"""

from __future__ import annotations

import datetime
import time

from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article
from editorial.models import AuditEvent

SALT = "masthead.editorial.preview"  # unchanged by the move (issue 14): links already sent keep working
# How long a shared link may live, in hours; the admin offers these, and nothing longer is accepted.
DURATIONS_HOURS = (24, 72, 168)
DEFAULT_HOURS = 72
MAX_HOURS = max(DURATIONS_HOURS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_link(article: Article, *, by, hours: int = DEFAULT_HOURS) -> tuple[str, datetime.datetime]:
    """A signed preview path for `article`, valid `hours` hours, and its expiry. Recorded in the audit trail."""
    if hours not in DURATIONS_HOURS:
        raise ValueError(f"hours must be one of {DURATIONS_HOURS}")
    now = timezone.now()
    expires = now + datetime.timedelta(hours=hours)
    token = _signer().sign_object(
        {"a": article.pk, "t": int(now.timestamp()), "e": int(expires.timestamp())}, compress=True
    )
    AuditEvent.record(
        actor=by,
        subject=article,
        action="article.preview_link",
        from_state=article.status,
        to_state=article.status,
        note=f"Preview link valid for {hours} hours",
        details={"expires_at": expires.isoformat()},
    )
    return reverse("preview:shared", kwargs={"token": token}), expires


class PreviewUnavailable(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def article_for_token(token: str) -> Article:
    """The article a shared link opens, or PreviewUnavailable saying why not (and with which 4xx)."""
    if len(token) > 500:
        raise PreviewUnavailable("This preview link is not valid.", 404)
    try:
        payload = _signer().unsign_object(token, max_age=datetime.timedelta(hours=MAX_HOURS))
    except signing.SignatureExpired:
        raise PreviewUnavailable("This preview link has expired. Ask the newsroom for a new one.", 410) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise PreviewUnavailable("This preview link is not valid.", 404) from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("a", "t", "e")):
        raise PreviewUnavailable("This preview link is not valid.", 404)
    if time.time() > payload["e"]:
        raise PreviewUnavailable("This preview link has expired. Ask the newsroom for a new one.", 410)
    article = _detail_queryset().filter(pk=payload["a"]).first()
    if article is None:
        raise PreviewUnavailable("This preview link is not valid.", 404)
    if article.is_live or _went_live_since(article, payload["t"]):
        raise PreviewUnavailable("This article has been published, so its preview link no longer works.", 410)
    if article.status == Article.Status.WITHHELD:
        raise PreviewUnavailable("This preview is no longer available.", 410)
    return article


def _went_live_since(article: Article, issued: int) -> bool:
    """Whether the article was live at any moment after the link was made (it may be down again now)."""
    since = datetime.datetime.fromtimestamp(issued, tz=datetime.UTC)
    if article.published_at is not None and since < article.published_at <= timezone.now():
        return True  # published, or its scheduled time came
    return (
        AuditEvent.objects.for_object(article).filter(to_state=Article.Status.PUBLISHED, created_at__gte=since).exists()
    )


def _detail_queryset():
    # What the reader's article page loads (articles.views.ArticleQuerysetMixin), without the visibility
    # rule: a preview shows what is not live. The reader view's context then fetches the renditions.
    return Article.objects.select_related("section", "editor", "responsible_editor", "hero_image").prefetch_related(
        "initiatives", "tags", "corrections", "inline_images"
    )


def _reader_context(request: HttpRequest, article: Article) -> dict:
    """The context the reader's article page builds, so a preview shows the article as readers will see it."""
    from articles.models.reading import page_for
    from articles.views import ArticleDetailView

    view = ArticleDetailView()
    view.setup(request, slug=article.slug)
    view.object, view.page = article, page_for(article)
    return view.get_context_data(object=article)


def _render_preview(request: HttpRequest, article: Article, *, shared: bool, expires=None) -> HttpResponse:
    context = _reader_context(request, article)
    context.update({"preview": {"shared": shared, "expires": expires, "status": article.get_status_display()}})
    response = render(request, "editorial/workflow/preview.html", context)
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    # Never indexed, never cached by a proxy, and the token never leaks to other sites through Referer.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """The draft behind a signed link, for a reader without an account (a lawyer, a source)."""
    try:
        article = article_for_token(token)
    except PreviewUnavailable as unavailable:
        response = render(
            request,
            "editorial/workflow/preview_unavailable.html",
            {"message": str(unavailable)},
            status=unavailable.status,
        )
        return _private(response)
    return _render_preview(request, article, shared=True)


@require_safe
@staff_member_required
def staff_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Any article as readers will see it, for someone in the newsroom who may view articles."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    article = get_object_or_404(_detail_queryset(), pk=pk)
    return _render_preview(request, article, shared=False)


def preview_url(article: Article) -> str:
    return reverse("preview:article", kwargs={"pk": article.pk})
