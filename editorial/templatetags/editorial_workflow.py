"""The editor's dashboard on the admin's front page (templates/admin/index.html)."""

from django import template
from django.urls import reverse

from .. import workflow

register = template.Library()


@register.simple_tag(takes_context=True)
def editor_dashboard(context) -> list[dict]:
    """Each queue of the signed-in person with its count and the filtered list it links to (one query)."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return []
    counts = workflow.queue_counts(user)
    changelist = reverse("admin:articles_article_changelist")
    queues = []
    for key, label in workflow.QUEUES.items():
        url = reverse("admin:articles_article_scheduled") if key == "scheduled" else f"{changelist}?queue={key}"
        queues.append({"key": key, "label": label, "count": counts[key], "url": url})
    return queues
