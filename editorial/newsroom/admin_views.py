"""The article admin's own screens: workflow buttons, the change waiting on a live article, preview links,
the scheduled list, history, compare and restore. Each calls the newsroom's named functions; none holds a rule."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import AuditEvent

from . import desk, editing, permissions, preview, revisions, workflow
from .admin_forms import parse_site_time, site_time


def revision_number(raw: str) -> int:
    """A revision number from a query string; ValueError for anything else (including absurdly long ones)."""
    if not raw.isdigit() or len(raw) > 9:
        raise ValueError(raw)
    return int(raw)


class ArticleScreens:
    """Mixed into ArticleAdmin (admin.py); `self` is that ModelAdmin."""

    def missing_article(self, request, object_id):
        """Back to the article list, saying so, when an address names no article (or one that was deleted)."""
        messages.warning(request, f"There is no article with the id “{str(object_id)[:40]}”. Perhaps it was deleted.")
        return redirect(reverse("admin:articles_article_changelist"))

    def _workflow_context(self, request, article: Article) -> dict:
        available = workflow.available_transitions(article, request.user)
        last_request = (
            AuditEvent.objects.for_object(article).filter(action="article.request_changes").first()
            if article.status == Article.Status.CHANGES_REQUESTED
            else None
        )
        default_at = article.published_at if article.published_at and article.published_at > timezone.now() else None
        withheld = desk.withholding(article)
        if withheld and withheld.get("complaint_id") and request.user.has_perm("editorial.view_complaint"):
            withheld["complaint_url"] = reverse("admin:editorial_complaint_change", args=[withheld["complaint_id"]])
        return {
            "transitions": available,
            "status_label": desk.status_label(article),
            "withheld": withheld,
            "needs_time": any(t.name in ("schedule", "override_publish") for t in available),
            "default_at": (
                f"{timezone.localtime(default_at, ZoneInfo(settings.TIME_ZONE)):%Y-%m-%dT%H:%M}" if default_at else ""
            ),
            "time_zone": settings.TIME_ZONE,
            "scheduled_for": site_time(article.published_at) if article.status == Article.Status.SCHEDULED else "",
            "is_live": article.is_live,
            "last_request": last_request,
            "preview_url": preview.preview_url(article),
            "can_share": request.user.has_perm("articles.change_article") and not article.is_live,
            "durations": [(h, f"{h // 24} day{'s' if h > 24 else ''}") for h in preview.DURATIONS_HOURS],
            "default_hours": preview.DEFAULT_HOURS,
            "audit_url": reverse("admin:editorial_auditevent_changelist") + f"?article={article.pk}",
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "transition_table": workflow.TRANSITIONS,
            "pending": self._pending_context(request, article),
        }

    # --- nothing typed is lost (editing.autosave and who is editing) ---------------------------------------

    def _autosave_to_load(self, request, article: Article | None):
        """The signed-in editor's unsaved autosave named by `?autosave=`, if the article has not moved on since."""
        if article is None or request.method != "GET" or "autosave" not in request.GET:
            return None
        revision = editing.unsaved_autosave(article, by=request.user)
        if revision is None or str(revision.number) != request.GET["autosave"]:
            return None
        return revision if revision.data.get("version") == article.version else None

    def _editing_context(self, request, article: Article) -> dict:
        if request.method == "GET":
            editing.mark_editing(article, by=request.user)
        autosaved = editing.unsaved_autosave(article, by=request.user)
        loaded = self._autosave_to_load(request, article)
        return {
            "url": reverse("admin:articles_article_editing", args=[article.pk]),
            "interval": getattr(settings, "ARTICLE_AUTOSAVE_SECONDS", editing.AUTOSAVE_SECONDS),
            "others": self._others_editing(request, article),
            "autosaved": autosaved if loaded is None else None,
            "autosaved_current": autosaved is not None and autosaved.data.get("version") == article.version,
            "loaded": loaded,
            "load_url": f"{self._change_url(article)}?autosave={autosaved.number}" if autosaved else "",
            "compare_url": (
                reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={autosaved.number}&b=current"
                if autosaved
                else ""
            ),
        }

    def editing_view(self, request, object_id):
        """The form's page speaks every few seconds: who is editing, and (`autosave=1`) what has been typed.

        Answers JSON: when it was kept and who else has the form open; a refusal with its reason and a 4xx.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return JsonResponse({"error": "This article no longer exists."}, status=404)
        if not self.has_change_permission(request, article):
            return JsonResponse({"error": "You may not edit this article."}, status=403)
        editing.mark_editing(article, by=request.user)
        answer = {}
        if request.POST.get("autosave") == "1":
            try:
                revision = editing.autosave(article, by=request.user, data=request.POST)
            except workflow.WorkflowError as refused:
                return JsonResponse({"error": str(refused)}, status=400)
            answer = {"revision": revision.number, "saved_at": f"{timezone.localtime(revision.created_at):%H:%M:%S}"}
        answer["others"] = self._others_editing(request, article)
        return JsonResponse(answer)

    def _others_editing(self, request, article: Article) -> list[dict]:
        zone = ZoneInfo(settings.TIME_ZONE)
        return [
            {"name": other["name"], "since": f"{timezone.localtime(other['since'], zone):%H:%M}"}
            for other in editing.others_editing(article, by=request.user)
        ]

    def _pending_context(self, request, article: Article) -> dict | None:
        pending = editing.pending_change(article)
        if pending is None:
            return None
        may_publish = request.user.has_perm("articles.publish_article")
        live = revisions.snapshot(article)
        return {
            "revision": pending,
            "diffs": revisions.compare(live, {**pending.data, "status": live["status"]}),
            "can_publish": may_publish and not permissions.wrote_this_version(request.user, article),
            "can_discard": may_publish or pending.author_id == request.user.pk,
            "author_label": (pending.author.get_full_name() or pending.author.get_username())
            if pending.author
            else "someone",
        }

    def pending_change_view(self, request, object_id):
        """Publish or discard the change waiting on a live article (editorial/newsroom/editing.py decides who may)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        number = request.POST.get("number", "")
        action = request.POST.get("action", "")
        if not number.isdigit() or len(number) > 9 or action not in ("publish", "discard"):
            messages.error(request, "The page was incomplete; reload it and try again.")
            return redirect(self._change_url(article))
        try:
            if action == "publish":
                editing.approve_change(article, by=request.user, number=int(number), note=request.POST.get("note", ""))
                messages.success(request, f"The change is live: “{article.title}” now reads as revision {number}.")
            else:
                editing.discard_change(article, by=request.user, number=int(number), note=request.POST.get("note", ""))
                messages.success(request, "The change was discarded; the live article is unchanged.")
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
        return redirect(self._change_url(article))

    def workflow_view(self, request, object_id):
        """One workflow button was pressed: make the transition or say clearly why not."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        name = request.POST.get("transition", "")
        transition = workflow.TRANSITIONS.get(name)
        if transition is None or name == "return_to_review":
            messages.error(request, "That workflow action does not exist.")
            return redirect(self._change_url(article))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, "The page was incomplete; reload it and try again.")
            return redirect(self._change_url(article))
        note = request.POST.get("note", "")
        common = {"by": request.user, "note": note}
        try:
            match name:
                case "schedule":
                    result = workflow.schedule(
                        article, at=parse_site_time(request.POST.get("publish_at")), expected_version=version, **common
                    )
                case "override_publish":
                    raw_at = request.POST.get("publish_at", "").strip()
                    at = parse_site_time(raw_at) if raw_at and request.POST.get("override_when") == "at" else None
                    result = workflow.override_publish(article, at=at, expected_version=version, **common)
                case "withhold" | "restore":
                    result = getattr(workflow, name)(article, details={"via": "article admin"}, **common)
                case _:
                    result = getattr(workflow, name)(article, expected_version=version, **common)
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
        else:
            message = f"“{result.title}” is now {result.get_status_display().lower()}."
            if result.status == Article.Status.SCHEDULED:
                message += f" It goes live at {site_time(result.published_at)}."
            if name == "override_publish":
                message += " Recorded as a chief editor's override."
            messages.success(request, message)
        return redirect(self._change_url(article))

    def preview_link_view(self, request, object_id):
        """Make a signed, expiring preview link for someone without an account."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        if not request.user.has_perm("articles.change_article"):
            raise PermissionDenied
        if article.is_live:
            messages.error(request, "This article is live: share its public address instead of a preview link.")
            return redirect(self._change_url(article))
        try:
            hours = int(request.POST.get("hours", preview.DEFAULT_HOURS))
            link, expires = preview.make_link(article, by=request.user, hours=hours)
        except ValueError:
            messages.error(request, "Choose how long the link should work.")
            return redirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Preview link: {article.title}",
            "link": request.build_absolute_uri(link),
            "expires": site_time(expires),
            "change_url": self._change_url(article),
        }
        response = TemplateResponse(request, "admin/articles/article/preview_link.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def scheduled_view(self, request):
        """What is scheduled, soonest first, in the site's time zone."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        now = timezone.now()
        articles = list(
            Article.objects.filter(desk.queue_q("scheduled", editor=None, now=now))
            .select_related("editor", "responsible_editor", "section")
            .order_by("published_at", "pk")
        )
        for article in articles:
            article.site_time = site_time(article.published_at)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Scheduled articles",
            "articles": articles,
            "time_zone": settings.TIME_ZONE,
            "now": site_time(now),
        }
        return TemplateResponse(request, "admin/articles/article/scheduled.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """Every revision of the article, with who saved it and why, and its workflow trail."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        # One more than is shown, so the oldest shown revision can say what it changed.
        revision_list = list(article.revisions.select_related("author").order_by("-number")[:501])
        changes = revisions.changes_between(revision_list)
        revision_list = revision_list[:500]
        for revision in revision_list:
            revision.changed_labels = changes.get(revision.number)
        events = list(AuditEvent.objects.for_object(article).select_related("actor")[:200])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "object": article,
            "title": f"History: {article.title}",
            "revisions": revision_list,
            "events": events,
            "can_restore": self.has_change_permission(request, article),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            "change_url": self._change_url(article),
            "time_zone": settings.TIME_ZONE,
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, object_id):
        """A readable diff between any two revisions (`?a=` older, `?b=` newer; `b` may be `current`)."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        try:
            a = revision_number(request.GET.get("a", ""))
            b_raw = request.GET.get("b", "")
            b = None if b_raw == "current" else revision_number(b_raw)
        except ValueError:
            messages.error(request, "Choose two revisions to compare.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        if b is not None and b < a:
            a, b = b, a
        found = {r.number: r for r in article.revisions.select_related("author").filter(number__in=[a, b or a])}
        if a not in found or (b is not None and b not in found):
            messages.error(request, "One of those revisions does not exist.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        old = found[a]
        new_data = found[b].data if b is not None else revisions.snapshot(article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Changes to “{article.title}”",
            "old": old,
            "new": found.get(b),
            "diffs": revisions.compare(old.data, new_data),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "change_url": self._change_url(article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, number):
        """Confirm (GET) and restore (POST) an earlier revision; restoring makes a new revision."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self.missing_article(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = article.revisions.filter(number=number).first() if number < 2**31 else None
        if revision is None:
            messages.error(request, f"Revision {number} does not exist.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        if request.method == "POST":
            try:
                version = int(request.POST.get("version", ""))
            except ValueError:
                version = -1
            try:
                new, held = editing.restore(article, revision, by=request.user, expected_version=version)
            except (revisions.RestoreError, workflow.WorkflowError) as refused:
                messages.error(request, str(refused))
                return redirect(reverse("admin:articles_article_history", args=[article.pk]))
            if held:
                messages.info(
                    request,
                    f"The article is live, so restoring revision {number} is held for review as revision "
                    f"{new.number}: a responsible editor who did not propose it must publish it.",
                )
                return redirect(self._change_url(article))
            if Article.objects.filter(pk=article.pk, status=Article.Status.IN_REVIEW).exists() and article.status in (
                Article.Status.APPROVED,
                Article.Status.SCHEDULED,
            ):
                messages.warning(request, "Restoring changed approved copy, so it has gone back to review.")
            messages.success(request, f"Revision {number} restored, as new revision {new.number}.")
            return redirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Restore revision {number} of “{article.title}”?",
            "revision": revision,
            "diffs": revisions.compare(revisions.snapshot(article), revision.data),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)
