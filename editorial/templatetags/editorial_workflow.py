"""Each role's own work on the admin's front page (templates/admin/index.html).

Django finds template libraries only in an installed app's `templatetags` package, so this stays here and
only calls the desks' functions: the newsroom's queues (editorial/newsroom/desk.py) and the copyright
officers' complaint queue (editorial/copyright/queue.py).
"""

from django import template

from editorial.copyright import queue
from editorial.newsroom import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def editor_dashboard(context) -> list[dict]:
    """Each queue of the signed-in person with its count and the filtered list it links to (one query)."""
    return desk.dashboard_queues(context["request"].user)


@register.simple_tag(takes_context=True)
def desk_notifications(context) -> dict:
    """The signed-in person's latest notices, unread first, and the unread count (two queries)."""
    from editorial import notifications

    return notifications.desk_notices(context["request"].user)


@register.simple_tag(takes_context=True)
def officer_queue(context) -> dict | None:
    """The complaints a copyright officer works, overdue first, with what each is about and its deadline."""
    return queue.officer_home(context["request"].user)
