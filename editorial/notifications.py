"""Telling people what happened (issue 15, point 4), for both desks: one function, `notify`, that every move
calls, and the table of who hears about which move.

`notify` waits for the surrounding transaction to commit (`transaction.on_commit`): a move that is refused or
rolled back tells nobody. Then each recipient gets what they chose for that kind of event
(`NotificationPreference`; no row means both): a notice on their desk, an email through the outbox, or both.
The person who acted is never told about their own act, and a person without an email address gets the notice
on the desk only.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import outbox
from editorial.models import AuditEvent, Complaint, Notification, NotificationKind, NotificationPreference

logger = logging.getLogger(__name__)
Kind = NotificationKind

# How many notices the desk lists; older ones stay in the table.
DESK_LIMIT = 10


def notify(*, kind: str, recipients: Iterable, subject: str, body: str, link: str = "", actor=None) -> None:
    """Tell `recipients` (users; None entries are skipped) about an event of `kind`, once the transaction
    commits: each by email, on the desk, or both, as they chose. `actor`, the person who acted, is left out.
    `link` is a path on this site (the notice opens it)."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    actor_pk = getattr(actor, "pk", None)
    ids = sorted({user.pk for user in recipients if user is not None and user.pk != actor_pk})
    if not ids:
        return
    transaction.on_commit(
        lambda: deliver(kind=kind, user_ids=ids, subject=subject[:250], body=body, link=link), robust=True
    )


def deliver(*, kind: str, user_ids: list[int], subject: str, body: str, link: str) -> None:
    """Store the desk notices and queue the emails now (`notify` calls this after commit)."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).select_related("editor")
    chosen = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)}
    url = settings.SITE_URL + link if link.startswith("/") else link
    preferences_url = settings.SITE_URL + reverse("editorial:notification_preferences")
    with transaction.atomic():
        notices = []
        for user in users:
            preference = chosen.get(user.pk) or NotificationPreference(user=user, kind=kind)
            if preference.in_app:
                notices.append(Notification(recipient=user, kind=kind, subject=subject, body=body, link=link))
            address = email_address(user)
            if preference.email and address:
                outbox.queue_message(
                    to=address,
                    kind=f"notification_{kind}",
                    template="editorial/email/notification.txt",
                    context={
                        "subject": subject,
                        "body": body,
                        "url": url,
                        "name": user.get_full_name() or user.get_username(),
                        "preferences_url": preferences_url,
                    },
                    related=user,
                )
        Notification.objects.bulk_create(notices)


def email_address(user) -> str:
    """Where a person's notices go: their newsroom work address, or else their account's address."""
    editor = getattr(user, "editor", None)
    return (editor.email if editor is not None and editor.email else user.email or "").strip()


def users_with_perm(perm: str):
    """Active accounts granted `perm` ("app_label.codename") by a group or directly (superusers are not
    included: a superuser is an administrator, not a member of the desk)."""
    app_label, codename = perm.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True)
        .distinct()
    )


def officers():
    from editorial.copyright.states import DECIDE_PERMISSION

    return users_with_perm(DECIDE_PERMISSION)


def chief_editors():
    return users_with_perm("articles.override_review")


def account(editor) -> object | None:
    """The account of a credited Editor, if it has one."""
    return editor.user if editor is not None and editor.user_id else None


def admin_link(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def person(user) -> str:
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


# --- the newsroom: who hears about which move (editorial/newsroom/workflow.py calls `article_moved`) ---------


def _editor(article: Article) -> list:
    return [account(article.editor)]


def _responsible(article: Article) -> list:
    return [account(article.responsible_editor)]


def _both(article: Article) -> list:
    return _editor(article) + _responsible(article)


# move name -> (kind, who is told, what the subject says happened)
WORKFLOW_NOTICES = {
    "submit": (Kind.SUBMITTED, _responsible, "submitted for your review"),
    "request_changes": (Kind.CHANGES_REQUESTED, _editor, "sent back with changes requested"),
    "approve": (Kind.APPROVED, _editor, "approved"),
    "publish": (Kind.PUBLISHED, _both, "published"),
    "schedule": (Kind.SCHEDULED, _both, "scheduled"),
    "override_publish": (Kind.PUBLISHED, _both, "published by a chief editor's override"),
}


def article_moved(article: Article, name: str, *, by, note: str = "") -> None:
    """Tell the people WORKFLOW_NOTICES names that `article` made move `name` (other moves tell nobody;
    withholding and restoring are told by the copyright desk, with the complaint)."""
    if name not in WORKFLOW_NOTICES:
        return
    kind, who, what = WORKFLOW_NOTICES[name]
    if name == "override_publish" and article.status == Article.Status.SCHEDULED:
        kind, what = Kind.SCHEDULED, "scheduled by a chief editor's override"
    lines = [f"{person(by)}: “{article.title}” was {what}."]
    if kind == Kind.SCHEDULED and article.published_at:
        lines.append(f"It goes live on {timezone.localtime(article.published_at):%d %B %Y at %H:%M}.")
    if note:
        lines.append(f"Note: {note}")
    notify(
        kind=kind,
        recipients=who(article),
        subject=f"“{article.title}” was {what}",
        body="\n\n".join(lines),
        link=admin_link(article),
        actor=by,
    )


def change_proposed(article: Article, *, by, fields: list[str]) -> None:
    """A change to a live article is held for review: its responsible editor is asked to look."""
    changed = ", ".join(fields) or "no field"
    notify(
        kind=Kind.CHANGE_PENDING,
        recipients=_responsible(article),
        subject=f"A change to “{article.title}” waits for your review",
        body=f"{person(by)} changed the live article “{article.title}” ({changed}). Readers see the live text "
        "until a responsible editor who did not write the change publishes it.",
        link=admin_link(article),
        actor=by,
    )


# --- the copyright desk -------------------------------------------------------------------------------------

MEASURE_WORDS = {Kind.WITHHELD: "withheld", Kind.CORRECTED: "corrected", Kind.RESTORED: "restored"}


def article_measure(
    *, article: Article, kind: str, complaint: Complaint, reasons: str, counter_notice_url: str = "", by=None
) -> None:
    """An article was withheld, corrected or restored after complaint `complaint`: its editor, its responsible
    editor and every chief editor are told, with the reference, the reasons and where to answer."""
    what = MEASURE_WORDS[kind]
    lines = [f"“{article.title}” was {what} after copyright complaint {complaint.reference}.", f"Reasons: {reasons}"]
    if kind != Kind.RESTORED:
        answer = counter_notice_url or "write to the copyright officers quoting the reference"
        lines.append(f"If the complaint is mistaken, answer it with a counter-notice: {answer}")
    notify(
        kind=kind,
        recipients=[*_both(article), *chief_editors()],
        subject=f"“{article.title}” was {what} (copyright complaint {complaint.reference})",
        body="\n\n".join(lines),
        link=admin_link(article),
        actor=by,
    )


def complaint_measures_told(*, complaint: Complaint, since, reasons: str, answer_links: dict, by=None) -> None:
    """Tell the newsroom about each article a measure of `complaint` withheld, corrected or gave back since
    `since` (the decision's time). `answer_links` maps an address to its private counter-notice link."""
    from editorial.models import Measure

    changed = (
        Measure.objects.filter(item__complaint=complaint, item__article__isnull=False)
        .filter(Q(applied_at__gte=since, reversed_at=None) | Q(reversed_at__gte=since))
        .select_related("item__article__editor__user", "item__article__responsible_editor__user")
        .order_by("pk")
    )
    for measure in changed:
        article = measure.item.article
        if measure.reversed_at is not None:
            if article.status == Article.Status.WITHHELD and measure.kind == measure.Kind.WITHHOLD_ARTICLE:
                continue  # another complaint's measure still keeps it down: nothing came back
            kind = Kind.RESTORED
        else:
            kind = Kind.WITHHELD if measure.kind == measure.Kind.WITHHOLD_ARTICLE else Kind.CORRECTED
        responsible = article.responsible_editor
        article_measure(
            article=article,
            kind=kind,
            complaint=complaint,
            reasons=measure.item.reasons or reasons,
            counter_notice_url=answer_links.get((responsible.email or "").strip().lower(), ""),
            by=by,
        )


def complaint_link(complaint: Complaint) -> str:
    return reverse("admin:editorial_complaint_change", args=[complaint.pk])


def complaint_received(complaint: Complaint) -> None:
    """A confirmed complaint enters the queue: every copyright officer is told."""
    notify(
        kind=Kind.NEW_COMPLAINT,
        recipients=officers(),
        subject=f"New copyright complaint {complaint.reference}",
        body=f"Copyright complaint {complaint.reference} was confirmed by its sender and waits in the queue."
        + (
            f" It must be decided by {timezone.localtime(complaint.decision_due_at):%d %B %Y, %H:%M}."
            if complaint.decision_due_at
            else ""
        ),
        link=complaint_link(complaint),
    )


def appeal_filed(complaint: Complaint, *, decided_by_id: int | None) -> None:
    """An appeal: the officers other than the one whose decision is appealed (who may not decide it)."""
    notify(
        kind=Kind.APPEAL_FILED,
        recipients=officers().exclude(pk=decided_by_id) if decided_by_id else officers(),
        subject=f"Appeal filed on copyright complaint {complaint.reference}",
        body=f"The decision on copyright complaint {complaint.reference} is appealed. Another officer than the "
        "one who decided must decide the appeal.",
        link=complaint_link(complaint),
    )


DEADLINE_WARNING = "complaint.deadline_warning"


def complaint_deadlines_warn(now=None) -> int:
    """Every complaint whose decision (or appeal decision) is due within 24 hours: the officers are told once
    per deadline (the warning is recorded in the audit trail, which keeps it from being sent twice). Returns
    how many complaints were warned about. Run by the complaint timers."""
    now = now or timezone.now()
    from editorial.copyright.states import ComplaintStatus

    soon = Complaint.objects.filter(
        status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_REVIEW, ComplaintStatus.APPEALED],
        decision_due_at__gt=now,
        decision_due_at__lte=now + datetime.timedelta(hours=24),
    )
    warned = 0
    for complaint in soon:
        stamp = complaint.decision_due_at.isoformat()
        if AuditEvent.objects.for_object(complaint).filter(action=DEADLINE_WARNING, note=stamp).exists():
            continue
        with transaction.atomic():
            AuditEvent.record(actor=None, subject=complaint, action=DEADLINE_WARNING, note=stamp)
            notify(
                kind=Kind.COMPLAINT_DEADLINE,
                recipients=officers(),
                subject=f"Copyright complaint {complaint.reference}: deadline in less than 24 hours",
                body=f"Copyright complaint {complaint.reference} ({complaint.get_status_display()}) must be acted "
                f"on by {timezone.localtime(complaint.decision_due_at):%d %B %Y, %H:%M}.",
                link=complaint_link(complaint),
            )
        warned += 1
    return warned


# --- the desk -----------------------------------------------------------------------------------------------


def desk_notices(user) -> dict:
    """The signed-in person's latest notices, unread first, and how many are unread (two queries)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"notices": [], "unread": 0}
    mine = Notification.objects.for_user(user)
    return {"notices": list(mine.desk_order()[:DESK_LIMIT]), "unread": mine.unread().count()}


def mark_read(user, *, pk: int | None = None) -> int:
    """Mark one of `user`'s notices (or all of them) read. Returns how many changed."""
    mine = Notification.objects.for_user(user).unread()
    if pk is not None:
        mine = mine.filter(pk=pk)
    return mine.update(read_at=timezone.now())


def preferences_of(user) -> dict[str, NotificationPreference]:
    """Every kind with `user`'s choice (unsaved defaults where they never chose)."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return {kind: saved.get(kind) or NotificationPreference(user=user, kind=kind) for kind in Kind.values}


def preferences_save(user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Keep `user`'s choice of (email, in_app) for each kind in `choices`."""
    with transaction.atomic():
        for kind, (email, in_app) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=Kind(kind), defaults={"email": email, "in_app": in_app}
            )
