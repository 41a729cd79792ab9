"""Back-office screens for copyright complaints (imported by editorial/admin.py).

The officers' queue (overdue first, then by deadline) and each complaint's file: its items with the content
they name as it is now, our first-publication date beside the date the notifier claims, the notifier's
earlier complaints, the audit trail, and a form for each move the state table allows now. Those forms post
to `ComplaintAdmin.act`, which calls the named move (a `complaint_<move>` function of
`editorial.copyright.moves`); nothing here sets a status. Nothing in a complaint's file can be deleted from the admin.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from editorial.models import (
    Appeal,
    AuditEvent,
    Complaint,
    Evidence,
    Measure,
    NotifierSanction,
)

from . import moves
from .admin_forms import (
    AppealDecisionForm,
    CourtActionRecordForm,
    DecisionForm,
    NoteForm,
    ReasonsForm,
    RequestInformationForm,
)
from .admin_parts import (
    AssigneeFilter,
    ComplaintItemInline,
    ComplaintReplyInline,
    EvidenceInline,
    InvalidForm,
    QueueFilter,
    item_preview,
    officers_queryset,
    possible_moves,
)
from .deadlines import due_label
from .models.complaint import queue_ordering
from .queue import complaint_about, with_items
from .states import OFFICER, RESTORING_STATES, ComplaintError, is_officer
from .states import ComplaintStatus as S

MODERATION_ACTIONS = (
    "assign",
    "start_review",
    "return_to_queue",
    "request_information",
    "decide",
    "close_incomplete",
    "close",
    "close_as_misuse",
    "accept_counter_notice",
    "refuse_counter_notice",
    "court_action",
    "restore",
    "decide_appeal",
)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """The officers' queue and each complaint's file, with the moves an officer may make on it now."""

    change_form_template = "editorial/admin/complaint_change_form.html"
    list_display = [
        "__str__",
        "about",
        "status",
        "due",
        "regime",
        "notifier_name",
        "notifier_organisation",
        "item_count",
        "created_at",
        "assignee",
    ]
    list_filter = [QueueFilter, "status", "regime", AssigneeFilter, "remedy", "capacity"]
    search_fields = ["reference", "notifier_name", "notifier_email", "notifier_organisation", "items__url"]
    list_select_related = ["assignee"]
    date_hierarchy = "created_at"
    actions = ["assign_to_me"]
    inlines = [ComplaintItemInline, EvidenceInline, ComplaintReplyInline]
    # What an officer may set by hand; everything else changes only through transitions.
    editable_fields = ["regime", "assignee", "decision_due_at"]
    fieldsets = [
        ("Status", {"fields": ["reference", "status", "regime", "assignee", "decision_due_at", "reply_due_at"]}),
        (
            "Notifier",
            {
                "fields": [
                    "notifier_name",
                    "notifier_organisation",
                    "notifier_email",
                    "notifier_phone",
                    "notifier_address",
                    "notifier_country",
                    "capacity",
                    "on_behalf_of",
                ]
            },
        ),
        ("The notifier's earlier complaints", {"fields": ["notifier_history"]}),
        (
            "The work and the claim",
            {
                "fields": [
                    "work_description",
                    "original_location",
                    "original_published_on",
                    "first_publication_proof",
                    "explanation",
                    "remedy",
                ]
            },
        ),
        (
            "Statements",
            {"fields": ["statement_good_faith", "statement_accuracy", "statement_fair_use", "signature"]},
        ),
        (
            "Decision",
            {"fields": ["decided_at", "decided_by", "last_decided_at", "decision_reasons", "manifestly_unfounded"]},
        ),
        ("Dates", {"fields": ["created_at", "received_at", "restore_due_at", "closed_at"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]

    class Media:
        css = {"all": ["editorial/moderation.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = officers_queryset()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        every = [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]
        return [f for f in every if f not in self.editable_fields]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_deadline().annotate(items_count=Count("items"))
        return with_items(queryset)

    def get_ordering(self, request):
        return queue_ordering()

    @admin.display(description="Items", ordering="items_count")
    def item_count(self, obj: Complaint) -> int:
        return obj.items_count

    @admin.display(description="About")
    def about(self, obj: Complaint) -> str:
        return complaint_about(obj)

    @admin.display(description="Deadline", ordering="deadline")
    def due(self, obj: Complaint):
        deadline = getattr(obj, "deadline", None)
        if deadline is None:
            return "—"
        css = "due overdue" if deadline < timezone.now() else "due"
        when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
        return format_html('<span class="{}" title="{}">{}</span>', css, when, due_label(deadline))

    @admin.display(description="Earlier complaints by this email or organisation")
    def notifier_history(self, obj: Complaint):
        earlier = list(Complaint.objects.history_of(obj).annotate(items_count=Count("items"))[:50])
        sanctions = list(
            NotifierSanction.objects.matching(email=obj.notifier_email, organisation=obj.notifier_organisation)
        )
        if not earlier and not sanctions:
            return "None: this is their first complaint."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:editorial_complaint_change", args=[c.pk]),
                    c.reference,
                    timezone.localtime(c.created_at).strftime("%Y-%m-%d"),
                    c.notifier_email,
                    c.items_count,
                    c.get_status_display(),
                    "manifestly unfounded" if c.manifestly_unfounded else "",
                )
                for c in earlier
            ),
        )
        sanction_rows = format_html_join(
            "",
            "<li>{}: {} ({}{})</li>",
            (
                (
                    s.get_kind_display(),
                    s.reason,
                    timezone.localtime(s.starts_at).strftime("%Y-%m-%d"),
                    f" to {timezone.localtime(s.ends_at):%Y-%m-%d}" if s.ends_at else "",
                )
                for s in sanctions
            ),
        )
        table = format_html(
            '<table class="moderation-history"><thead><tr><th>Reference</th><th>Filed</th><th>Email</th>'
            "<th>Items</th><th>Outcome</th><th></th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )
        return format_html("{}{}", table, format_html("<ul>{}</ul>", sanction_rows) if sanctions else "")

    @admin.display(description="Audit trail")
    def audit_trail(self, obj: Complaint):
        events = AuditEvent.objects.for_object(obj).order_by("created_at", "pk")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    e.actor_label or e.details.get("by", "system"),
                    e.action,
                    e.from_state or "—",
                    e.to_state or "—",
                    e.note,
                )
                for e in events
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Assign to me", permissions=["decide"])
    def assign_to_me(self, request, queryset):
        assigned, refused = 0, []
        for complaint in queryset:
            try:
                moves.complaint_assign(complaint=complaint, actor=request.user)
            except ComplaintError as error:
                refused.append(f"{complaint}: {error}")
            else:
                assigned += 1
        if assigned:
            self.message_user(request, f"{assigned} complaint(s) assigned to you.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    def has_decide_permission(self, request) -> bool:
        return is_officer(request.user)

    # -- the complaint's page: its items, and the moves that are possible now -------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if complaint is not None:
            extra_context["moderation"] = self._moderation_context(request, complaint)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _moderation_context(self, request, complaint: Complaint) -> dict:
        items = list(complaint.items.select_related("article__section", "image").prefetch_related("image__renditions"))
        live = {
            m.item_id: m
            for m in Measure.objects.filter(item__complaint=complaint, reversed_at=None).select_related("item")
        }
        posted = request.session.pop(f"moderation:{complaint.pk}", None)
        data = None
        if posted:
            from django.http import QueryDict

            data = QueryDict(mutable=True)
            for key, values in posted.items():
                data.setlist(key, values)
        status = complaint.status
        officer = is_officer(request.user)
        context = {
            "complaint": complaint,
            "officer": officer,
            "deadline": getattr(complaint, "deadline", None),
            "due": due_label(getattr(complaint, "deadline", None)),
            "overdue": bool(getattr(complaint, "overdue", False)),
            "items": [item_preview(item, complaint, live.get(item.pk)) for item in items],
            "action_url": lambda name: reverse("admin:editorial_complaint_act", args=[complaint.pk, name]),
        }
        context["urls"] = {name: context["action_url"](name) for name in MODERATION_ACTIONS}
        if not officer:
            return context
        undecided = status in (S.RECEIVED, S.IN_REVIEW)
        if undecided:
            context["decision_form"] = DecisionForm(
                data if posted and posted.get("_form") == ["decide"] else None,
                items=items,
                live_measures=live,
                auto_id="decide_%s",
            )
            context["information_form"] = RequestInformationForm(auto_id="information_%s")
        if status in (S.RECEIVED, S.IN_REVIEW, S.NEEDS_INFO, S.REJECTED):
            context["misuse_form"] = ReasonsForm(auto_id="misuse_%s")
        if status in RESTORING_STATES or status == S.LITIGATION_HOLD:
            context["counter_notices"] = list(
                complaint.counter_notices.select_related("affected_party").prefetch_related("items")
            )
            context["court_form"] = CourtActionRecordForm(auto_id="court_%s")
            context["refuse_form"] = ReasonsForm(auto_id="refuse_%s")
        if status == S.APPEALED:
            appeal = complaint.appeals.filter(outcome=Appeal.Outcome.PENDING).select_related("original_decider").first()
            context["appeal"] = appeal
            context["appeal_form"] = AppealDecisionForm(
                data if posted and posted.get("_form") == ["decide_appeal"] else None,
                items=items,
                live_measures=live,
                auto_id="appeal_%s",
            )
            context["may_decide_appeal"] = appeal is not None and appeal.original_decider_id != request.user.pk
        context["possible"] = possible_moves(complaint)
        return context

    def get_urls(self):
        return [
            path(
                "<int:complaint_id>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_file),
                name="editorial_complaint_evidence",
            ),
            path(
                "<int:complaint_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.act),
                name="editorial_complaint_act",
            ),
            *super().get_urls(),
        ]

    def act(self, request, complaint_id: int, action: str):
        """Make one move on a complaint (POST from its page), then go back to the page with a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not is_officer(request.user):
            raise PermissionDenied
        if action not in MODERATION_ACTIONS:
            raise Http404("No such action.")
        complaint = get_object_or_404(Complaint, pk=complaint_id)
        page = reverse("admin:editorial_complaint_change", args=[complaint.pk])
        try:
            done = getattr(self, f"_act_{action}")(request, complaint)
        except (ComplaintError, InvalidForm) as error:
            if action in ("decide", "decide_appeal"):
                # Keep what the officer typed for the page to show again.
                request.session[f"moderation:{complaint.pk}"] = {"_form": [action], **dict(request.POST.lists())}
            self.message_user(request, str(error), messages.ERROR)
            return redirect(page)
        self.message_user(request, done, messages.SUCCESS)
        return redirect(page)

    @staticmethod
    def _form(form_class, request, **kwargs):
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            problems = [
                f"{form.fields[name].label if name in form.fields else 'Form'}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            raise InvalidForm("; ".join(problems))
        return form

    def _act_assign(self, request, complaint):
        moves.complaint_assign(complaint=complaint, actor=request.user)
        return f"{complaint} is assigned to you."

    def _act_start_review(self, request, complaint):
        moves.complaint_start_review(complaint=complaint, actor=request.user)
        return f"You are reviewing {complaint}."

    def _act_return_to_queue(self, request, complaint):
        moves.complaint_return_to_queue(
            complaint=complaint, actor=request.user, note=self._form(NoteForm, request).cleaned_data["note"]
        )
        return f"{complaint} is back in the queue."

    def _act_request_information(self, request, complaint):
        form = self._form(RequestInformationForm, request)
        moves.complaint_request_information(
            complaint=complaint,
            actor=request.user,
            question=form.cleaned_data["question"],
            reply_days=form.cleaned_data["reply_days"],
        )
        due = timezone.localtime(complaint.reply_due_at)
        return f"The question is sent; the notifier has until {due:%d %B %Y, %H:%M}."

    def _act_decide(self, request, complaint):
        items = list(complaint.items.all())
        form = self._form(DecisionForm, request, items=items)
        moves.complaint_decide(
            complaint=complaint,
            by=request.user,
            decisions=form.decisions() or [],
            reasons=form.cleaned_data["reasons"],
            manifestly_unfounded=form.cleaned_data["manifestly_unfounded"],
        )
        return f"{complaint} is decided: {complaint.get_status_display().lower()}. Both sides have been told."

    def _act_close_incomplete(self, request, complaint):
        moves.complaint_close_incomplete(complaint=complaint, actor=request.user)
        return f"{complaint} is closed as incomplete."

    def _act_close(self, request, complaint):
        moves.complaint_close(
            complaint=complaint, actor=request.user, note=self._form(NoteForm, request).cleaned_data["note"]
        )
        return f"{complaint} is closed."

    def _act_close_as_misuse(self, request, complaint):
        moves.complaint_close_as_misuse(
            complaint=complaint, actor=request.user, reasons=self._form(ReasonsForm, request).cleaned_data["reasons"]
        )
        return f"{complaint} is closed as a misuse of the procedure."

    def _act_accept_counter_notice(self, request, complaint):
        moves.complaint_accept_counter_notice(complaint=complaint, actor=request.user)
        due = timezone.localtime(complaint.restore_due_at)
        return f"The counter-notice is accepted; the content comes back on {due:%d %B %Y}."

    def _act_refuse_counter_notice(self, request, complaint):
        moves.complaint_refuse_counter_notice(
            complaint=complaint, actor=request.user, reasons=self._form(ReasonsForm, request).cleaned_data["reasons"]
        )
        return "The counter-notice is refused; its sender has been told why."

    def _act_court_action(self, request, complaint):
        details = self._form(CourtActionRecordForm, request).cleaned_data["details"]
        moves.complaint_report_court_action(complaint=complaint, by=OFFICER, actor=request.user, details=details)
        return f"{complaint} is on litigation hold."

    def _act_restore(self, request, complaint):
        moves.complaint_restore(
            complaint=complaint, by=request.user, note=self._form(NoteForm, request).cleaned_data["note"]
        )
        return f"The content of {complaint} is restored."

    def _act_decide_appeal(self, request, complaint):
        appeal = complaint.appeals.filter(outcome=Appeal.Outcome.PENDING).first()
        if appeal is None:
            raise ComplaintError("This complaint has no appeal waiting for a decision.")
        form = self._form(AppealDecisionForm, request, items=list(complaint.items.all()))
        outcome = form.cleaned_data["outcome"]
        moves.complaint_decide_appeal(
            appeal=appeal,
            by=request.user,
            outcome=outcome,
            reasons=form.cleaned_data["reasons"],
            decisions=form.decisions() if outcome != Appeal.Outcome.CONFIRMED else None,
        )
        return (
            f"The appeal on {complaint} is decided: {appeal.get_outcome_display().lower()}. Both sides have been told."
        )

    def evidence_file(self, request, complaint_id: int, evidence_id: int):
        """Serve an evidence file from private storage, to officers only, as a download (never rendered)."""
        if not request.user.has_perm("editorial.view_evidence"):
            raise PermissionDenied
        evidence = get_object_or_404(Evidence, pk=evidence_id, complaint_id=complaint_id)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from private storage.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
        )
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response


# The record screens (registered on import).
from . import admin_records  # noqa: E402, F401
