"""What the officers' complaint screen shows: the read-only inlines, the queue's filters, the preview of each
item, and which moves the state table offers now. `admin.py` wires these to the screen."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article
from editorial.models import Complaint, ComplaintItem, ComplaintReply, Evidence, Measure
from editorial.readonly_admin import ReadOnlyAdminMixin

from .states import OFFICER, TRANSITIONS


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class ComplaintItemInline(ReadOnlyInline):
    model = ComplaintItem
    fields = ["position", "kind", "url", "article", "image", "passage", "outcome"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["download", "content_type", "size", "added_by", "uploaded_at", "sha256"]
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, obj: Evidence):
        url = reverse("admin:editorial_complaint_evidence", args=[obj.complaint_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class ComplaintReplyInline(ReadOnlyInline):
    model = ComplaintReply
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


def officers_queryset():
    """Active staff who may work complaints (copyright officers, and superusers)."""
    from django.contrib.auth import get_user_model

    may_decide = Q(groups__permissions__codename="decide_complaint") | Q(user_permissions__codename="decide_complaint")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(may_decide | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        people = [(str(user.pk), user.get_full_name() or user.get_username()) for user in officers_queryset()]
        return [("me", "Assigned to me"), ("none", "Unassigned"), *people]

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case "me":
                return queryset.filter(assignee=request.user)
            case "none":
                return queryset.filter(assignee__isnull=True)
            case value if value.isdigit():
                return queryset.filter(assignee_id=int(value))
        return queryset.none()


class QueueFilter(admin.SimpleListFilter):
    """By default the officers' queue: complaints someone still has to act on."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("all", "Everything (closed and unconfirmed too)")]

    def choices(self, changelist):
        for lookup, title in [(None, "To work on"), *self.lookup_choices]:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup} if lookup else {}, [self.parameter_name]
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        queryset = queryset.in_queue()
        if self.value() == "overdue":
            return queryset.filter(overdue=True)
        return queryset


# The admin actions on one complaint: URL name -> (label, what it does). Each calls a named move.


class InvalidForm(Exception):
    """A moderation form was filled in wrongly; the message says what to fix."""


def possible_moves(complaint: Complaint) -> set[str]:
    """The officers' moves the state table allows from the complaint's state now."""
    return {move.action for move in TRANSITIONS.get(complaint.status, {}).values() if OFFICER in move.by}


@dataclass
class ItemPreview:
    """What an officer sees of one item: the content as it is now, and the two dates to compare."""

    item: ComplaintItem
    measure: Measure | None
    title: str
    detail: str
    link: str
    thumbnail: str
    ours: object
    ours_label: str
    claimed: object
    ours_earlier: bool


def item_preview(item: ComplaintItem, complaint: Complaint, measure: Measure | None) -> ItemPreview:
    """The live content an item names, and our first publication beside the date the notifier claims.

    A copy backdated to look older than our article is a known scam: when ours is the earlier one, say so.
    """
    claimed = complaint.original_published_on
    if item.article is not None:
        article = item.article
        ours, ours_label = article.first_published_at, "First published here"
        link = (
            article.get_absolute_url()
            if article.status in Article.LIVE_STATUSES or article.status == Article.Status.WITHHELD
            else reverse("admin:articles_article_change", args=[article.pk])
        )
        title, detail, thumbnail = article.title, article.dek, ""
    elif item.image is not None:
        image = item.image
        ours, ours_label = image.created_at, "Added to our library"
        title, detail = str(image), image.credit
        small = next((r for r in image.renditions.all() if r.format == "jpeg"), None)
        thumbnail = "" if image.is_removed else (small.file.url if small else image.file.url)
        link = reverse("admin:articles_image_change", args=[image.pk])
    else:
        return ItemPreview(item, measure, "The content no longer exists.", "", "", "", None, "", claimed, False)
    ours_earlier = bool(ours and claimed and timezone.localtime(ours).date() < claimed)
    return ItemPreview(item, measure, title, detail, link, thumbnail, ours, ours_label, claimed, ours_earlier)
