"""The officers' queue as the desk shows it: what each complaint is about and when it is due.

The complaint screen's "About" column and the copyright officer's admin home (templates/admin/index.html,
through editorial/templatetags/editorial_workflow.py) both read it from here.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from editorial.models import Complaint, ComplaintItem

from .deadlines import due_label

# How many complaints the officer's home lists before linking to the whole queue.
HOME_LIMIT = 15
_ABOUT_ITEMS = 2


def with_items(queryset: QuerySet) -> QuerySet:
    """`queryset` with each complaint's items and the article or picture each names (two more queries)."""
    items = ComplaintItem.objects.select_related("article", "image").order_by("position")
    return queryset.prefetch_related(Prefetch("items", queryset=items))


def item_about(item: ComplaintItem) -> str:
    """One item as an officer recognises it: the headline or picture it names, else the address given."""
    if item.kind == ComplaintItem.Kind.IMAGE and item.image is not None:
        return f"Picture “{item.image}”"
    if item.article is not None:
        what = "Passage of" if item.kind == ComplaintItem.Kind.PASSAGE else "Article"
        return f"{what} “{item.article.title}”"
    return f"{item.get_kind_display()}: {item.url[:80]}"


def complaint_about(complaint: Complaint) -> str:
    """What a complaint is about, in a line: the content it names and the work it claims (items prefetched)."""
    items = list(complaint.items.all())
    named = "; ".join(item_about(item) for item in items[:_ABOUT_ITEMS]) or "No item named"
    if len(items) > _ABOUT_ITEMS:
        named += f" and {len(items) - _ABOUT_ITEMS} more"
    work = " ".join(complaint.work_description.split())
    if work:
        named += f" (claimed work: {work[:80]}{'…' if len(work) > 80 else ''})"
    return named


def officer_home(user) -> dict | None:
    """The complaint queue on a copyright officer's admin home, overdue first; None for everyone else."""
    if not user.has_perm("editorial.decide_complaint"):
        return None
    queue = Complaint.objects.in_queue().queue_order()
    rows = [
        {
            "reference": str(complaint),
            "url": reverse("admin:editorial_complaint_change", args=[complaint.pk]),
            "status": complaint.get_status_display(),
            "about": complaint_about(complaint),
            "due": due_label(complaint.deadline) if complaint.deadline else "—",
            "due_at": f"{timezone.localtime(complaint.deadline):%Y-%m-%d %H:%M}" if complaint.deadline else "",
            "overdue": complaint.overdue,
            "mine": complaint.assignee_id == user.pk,
        }
        for complaint in with_items(queue.select_related("assignee"))[:HOME_LIMIT]
    ]
    return {"rows": rows, "count": queue.count(), "url": reverse("admin:editorial_complaint_changelist")}
