"""The copyright desk's public pages: the policy, the complaint form and its confirmation, the notifier's
tracking page and follow-ups, the affected party's answer page, and the contact form. Each action calls a
named move (`editorial.copyright.moves`); a view only reads the form and turns errors into 4xx pages."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.auth import client_ip
from editorial.models import AffectedParty, Complaint, Measure

from . import moves
from .deadlines import deadlines
from .evidence import EvidenceLimitError, evidence_limits, megabytes, upload_refused
from .forms import (
    AddInformationForm,
    AppealForm,
    ComplaintForm,
    ContactForm,
    CounterNoticeForm,
    CourtActionForm,
    WithdrawForm,
)
from .identity import hash_token
from .intake import complaint_file
from .rate_limits import over_limit, rate_window, too_many
from .states import (
    AFFECTED_PARTY,
    NOTIFIER,
    RESTORING_STATES,
    ComplaintError,
    DuplicateComplaintError,
    VerificationExpiredError,
)
from .states import ComplaintStatus as S

# --- abuse defences -----------------------------------------------------------------------------------------


def files_refused_message(*, confirmed: bool) -> str:
    """What the notifier reads when the files of one request passed COMPLAINT_UPLOAD_MAX_REQUEST_BYTES and
    were skipped unread (editorial.copyright.evidence)."""
    limits = evidence_limits()
    hint = "" if confirmed else f" (up to {megabytes(limits.unconfirmed_bytes)} until you confirm your email)"
    return (
        f"Your files come to more than {megabytes(limits.request_bytes)}, more than we take at once, so none of "
        f"them was received. Choose fewer or smaller files{hint} and send them again."
    )


def _notice(request: HttpRequest, *, title: str, text: str, status: int) -> HttpResponse:
    """A short page in the complaint pages' layout for an outcome no template has yet."""
    # An inline template, so this works while templates/ is being restyled; move it to a file then.
    template = engines["django"].from_string(
        '{% extends "editorial/_complaint_base.html" %}{% block title %}{{ title }} — {{ SITE_NAME }}{% endblock %}'
        "{% block robots %}noindex, nofollow{% endblock %}"
        "{% block page %}<h1>{{ title }}</h1><p>{{ text }}</p>{% endblock %}"
    )
    return _private(HttpResponse(template.render({"title": title, "text": text}, request), status=status))


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with personal data or a token in the address: not cached, not indexed, and the address never
    sent to another site. ("same-origin", not "no-referrer": with no referrer at all, browsers send
    `Origin: null` on the page's own forms and CSRF protection rightly refuses them.)"""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- public pages -------------------------------------------------------------------------------------------


@require_GET
def copyright_policy(request: HttpRequest) -> HttpResponse:
    context = {
        "expiry_hours": getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72),
        "decision_days": getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS", 1),
        "reply_days": getattr(settings, "COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS", 5),
        "appeal_months": 6,
        "contact_email": getattr(settings, "COPYRIGHT_CONTACT_EMAIL", ""),
        "us_restore_days": deadlines("us").restore_days,
        "restore_days": deadlines("general").restore_days,
        "misuse_warning_after": getattr(settings, "COMPLAINT_MISUSE_WARNING_THRESHOLD", 2),
        "misuse_suspension_after": getattr(settings, "COMPLAINT_MISUSE_SUSPENSION_THRESHOLD", 3),
        "misuse_window_days": getattr(settings, "COMPLAINT_MISUSE_WINDOW_DAYS", 365),
        "suspension_days": getattr(settings, "COMPLAINT_SUSPENSION_DAYS", 90),
    }
    return render(request, "editorial/copyright_policy.html", context)


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The complaint form. A valid complaint is stored unverified and a confirmation link is emailed."""
    if request.method == "POST":
        if over_limit("complaint-ip", client_ip(request) or "", getattr(settings, "COMPLAINT_RATE_LIMIT_PER_IP", 20)):
            return too_many(request, "complaints from your network")
        if request.POST.get("website"):
            # The honeypot was filled: answer as if all went well and store nothing.
            return redirect("editorial:complaint_filed")
        if upload_refused(request):
            form = ComplaintForm(request.POST)  # what was typed, without the files that were never read
            form.is_valid()
            form.add_error("evidence", files_refused_message(confirmed=False))
            return _private(render(request, "editorial/complaint_form.html", {"form": form}, status=413))
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            if Complaint.objects.email_limit_reached(form.cleaned_data["notifier_email"]):
                return too_many(request, "confirmed complaints from this email address")
            try:
                complaint_file(
                    complaint=form.save(commit=False),
                    targets=form.cleaned_data["urls"],
                    evidence=form.cleaned_data["evidence"],
                )
            except DuplicateComplaintError as error:
                form.add_error("urls", str(error))
            except EvidenceLimitError as error:
                form.add_error("evidence", str(error))
            else:
                return redirect("editorial:complaint_filed")
        elif form.existing_items:
            _resend_for_duplicates(request, form)
    else:
        form = ComplaintForm(initial={"urls": str(request.GET.get("url", ""))[:2000]})
    return _private(render(request, "editorial/complaint_form.html", {"form": form}))


def _resend_for_duplicates(request: HttpRequest, form: ComplaintForm) -> None:
    """A notifier refiling while their earlier complaint awaits confirmation gets the link again (rate-limited)."""
    waiting = {item.complaint_id: item.complaint for item in form.existing_items if item.complaint.reference is None}
    for complaint in waiting.values():
        # Counted apart from complaints (which count only once confirmed): this caps mail to an inbox.
        limit = getattr(settings, "COMPLAINT_RATE_LIMIT_PER_EMAIL", 5)
        if not over_limit("verification-resend", complaint.notifier_email, limit):
            moves.complaint_resend_verification(complaint=complaint)


@require_GET
def complaint_filed(request: HttpRequest) -> HttpResponse:
    context = {"expiry_hours": getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72)}
    return render(request, "editorial/complaint_filed.html", context)


@never_cache
@require_GET
def complaint_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email. Opening it sends the complaint to the officers' queue.

    A plain GET does it: the link proves the address receives our mail, whoever (or whatever scanner) opens it.
    """
    complaint = Complaint.objects.filter(verification_token_hash=hash_token(token)).first()
    if complaint is None:
        raise Http404
    if complaint.status == S.UNVERIFIED:
        if complaint.expires_at > timezone.now() and Complaint.objects.email_limit_reached(complaint.notifier_email):
            return _confirm_later(request, complaint)
        try:
            tracking_token = moves.complaint_verify(complaint=complaint)
        except VerificationExpiredError:
            return _private(render(request, "editorial/complaint_link_expired.html", status=410))
        except ComplaintError:
            pass  # confirmed by a concurrent click: show the page below
        else:
            return _private(redirect(f"{complaint.get_absolute_url()}?token={tracking_token}"))
    if complaint.status == S.EXPIRED:
        return _private(render(request, "editorial/complaint_link_expired.html", status=410))
    return _private(render(request, "editorial/complaint_already_confirmed.html", {"complaint": complaint}))


def _confirm_later(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """The mailbox has confirmed as many complaints as the per-email limit allows: this one waits."""
    minutes = max(1, rate_window() // 60)
    text = (
        f"This email address has confirmed as many complaints as we accept in {minutes} minutes. Your complaint "
        "is kept, waiting: open this link again later. It works until "
        f"{timezone.localtime(complaint.expires_at):%d %B %Y, %H:%M}."
    )
    response = _notice(request, title="Please confirm later", text=text, status=429)
    response["Retry-After"] = str(rate_window())
    return response


def _complaint_for_token(reference: str, token) -> Complaint:
    """The complaint, if `token` is its tracking token. Any failure is the same bare 404."""
    complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None or not complaint.tracking_token_matches(token if isinstance(token, str) else None):
        raise Http404
    return complaint


def _tracking_page(
    request,
    complaint: Complaint,
    token: str,
    *,
    information_form=None,
    withdraw_form=None,
    appeal_form=None,
    court_form=None,
    error="",
    status=200,
):
    items = complaint.items.select_related("article", "image").order_by("position")
    replies = complaint.replies.prefetch_related("evidence").order_by("created_at", "pk")
    decided = complaint.decided_at is not None
    context = {
        "complaint": complaint,
        "token": token,
        "items": items,
        "replies": replies,
        "first_evidence": complaint.evidence.filter(reply__isnull=True).order_by("pk"),
        "history": complaint.public_history(),
        "information_form": information_form or AddInformationForm(initial={"token": token}),
        "withdraw_form": withdraw_form or WithdrawForm(initial={"token": token}),
        "may_appeal": decided and complaint.may_appeal(NOTIFIER),
        "appeal_form": appeal_form or AppealForm(initial={"token": token}),
        "may_report_court_action": complaint.status in RESTORING_STATES,
        "court_form": court_form or CourtActionForm(initial={"token": token}),
        "error": error,
    }
    return _private(render(request, "editorial/complaint_tracking.html", context, status=status))


@require_GET
def complaint_tracking(request: HttpRequest, reference: str) -> HttpResponse:
    """The notifier's private page: status, their history, deadlines; add information, withdraw, appeal."""
    token = request.GET.get("token")
    complaint = _complaint_for_token(reference, token)
    return _tracking_page(request, complaint, token)


def _notifier_action(
    request: HttpRequest,
    reference: str,
    *,
    form: type,
    form_name: str,
    act,
    success: str,
    invalid_status: int = 200,
) -> HttpResponse:
    """One move the notifier makes from the tracking page: rate-limit, check the token, validate, act.

    `act(complaint, cleaned_data)` calls the complaint's named move; a move the state no longer allows
    shows the page again with the reason (409), and nothing changes.
    """
    if over_limit("tracking-ip", client_ip(request) or "", getattr(settings, "COMPLAINT_RATE_LIMIT_PER_IP", 20)):
        return too_many(request, "messages from your network")
    token = request.POST.get("token")
    complaint = _complaint_for_token(reference, token)
    if upload_refused(request):
        bound = form(request.POST)  # keeps the message typed; the files were never read
        error = files_refused_message(confirmed=True)
        return _tracking_page(request, complaint, token, error=error, status=413, **{form_name: bound})
    bound = form(request.POST, request.FILES)
    if not bound.is_valid():
        return _tracking_page(request, complaint, token, status=invalid_status, **{form_name: bound})
    try:
        act(complaint, bound.cleaned_data)
    except ComplaintError as error:
        complaint.refresh_from_db()
        return _tracking_page(request, complaint, token, error=str(error), status=409, **{form_name: bound})
    messages.success(request, success)
    return _private(redirect(f"{complaint.get_absolute_url()}?token={token}"))


@require_POST
def complaint_add_information(request: HttpRequest, reference: str) -> HttpResponse:
    return _notifier_action(
        request,
        reference,
        form=AddInformationForm,
        form_name="information_form",
        act=lambda complaint, data: moves.complaint_add_information(
            complaint=complaint, text=data["text"], evidence=data["evidence"]
        ),
        success="Thank you: we added your information to the complaint.",
    )


@require_POST
def complaint_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    return _notifier_action(
        request,
        reference,
        form=WithdrawForm,
        form_name="withdraw_form",
        act=lambda complaint, data: moves.complaint_withdraw(complaint=complaint, reason=data["reason"]),
        success="Your complaint is withdrawn. We have emailed you a confirmation.",
    )


@require_POST
def complaint_appeal(request: HttpRequest, reference: str) -> HttpResponse:
    """The notifier appeals the decision (within the appeal window, once)."""
    return _notifier_action(
        request,
        reference,
        form=AppealForm,
        form_name="appeal_form",
        act=lambda complaint, data: moves.complaint_lodge_appeal(
            complaint=complaint, by=NOTIFIER, reasons=data["reasons"]
        ),
        success="Your appeal is received. A different officer will review the decision.",
        invalid_status=400,
    )


@require_POST
def complaint_court_action(request: HttpRequest, reference: str) -> HttpResponse:
    """After a counter-notice, the notifier reports a court action: the content stays down (litigation hold)."""
    return _notifier_action(
        request,
        reference,
        form=CourtActionForm,
        form_name="court_form",
        act=lambda complaint, data: moves.complaint_report_court_action(
            complaint=complaint, by=NOTIFIER, details=data["details"]
        ),
        success="Thank you. The content stays down while the court action lasts.",
        invalid_status=400,
    )


# --- the affected party's private page ----------------------------------------------------------------------


def _party_for_token(reference: str, token) -> AffectedParty:
    """The affected party whose private link this is. Any failure is the same bare 404."""
    if not isinstance(token, str) or not token:
        raise Http404
    party = (
        AffectedParty.objects.select_related("complaint")
        .filter(complaint__reference=reference, token_hash=hash_token(token))
        .first()
    )
    if party is None or not party.token_matches(token):
        raise Http404
    return party


def _answer_page(
    request, party: AffectedParty, token: str, *, counter_form=None, appeal_form=None, error="", status=200
):
    complaint = party.complaint
    their_items = list(party.items.select_related("article", "image").order_by("position"))
    live = {
        measure.item_id: measure
        for measure in Measure.objects.filter(item__in=their_items, reversed_at=None).select_related(
            "item__article", "item__image"
        )
    }
    counter_items = [item for item in their_items if item.pk in live]
    may_counter = complaint.status in (S.UPHELD, S.PARTLY_UPHELD) and bool(counter_items)
    if counter_form is None:
        counter_form = CounterNoticeForm(
            items=counter_items,
            requirements=moves.counter_notice_requirements(complaint.regime),
            initial={"token": token, "name": party.name, "email": party.email, "items": [i.pk for i in counter_items]},
        )
    context = {
        "complaint": complaint,
        "party": party,
        "token": token,
        "items": [(item, live.get(item.pk)) for item in their_items],
        "may_counter": may_counter,
        "counter_form": counter_form,
        "counter_notices": list(party.counter_notices.order_by("created_at", "pk")),
        "may_appeal": complaint.may_appeal(AFFECTED_PARTY),
        "appeal_form": appeal_form or AppealForm(initial={"token": token}),
        "us": complaint.regime == Complaint.Regime.US,
        "restore_days": deadlines(complaint.regime).restore_days,
        "error": error,
    }
    return _private(render(request, "editorial/complaint_answer.html", context, status=status))


@require_GET
def complaint_answer(request: HttpRequest, reference: str) -> HttpResponse:
    """The affected party's page: what was done and why; send a counter-notice; appeal."""
    token = request.GET.get("token")
    return _answer_page(request, _party_for_token(reference, token), token)


@require_POST
def complaint_counter_notice(request: HttpRequest, reference: str) -> HttpResponse:
    if over_limit("tracking-ip", client_ip(request) or "", getattr(settings, "COMPLAINT_RATE_LIMIT_PER_IP", 20)):
        return too_many(request, "messages from your network")
    token = request.POST.get("token")
    party = _party_for_token(reference, token)
    complaint = party.complaint
    items = list(
        party.items.filter(measures__reversed_at__isnull=True, measures__isnull=False).distinct().order_by("position")
    )
    form = CounterNoticeForm(
        request.POST, items=items, requirements=moves.counter_notice_requirements(complaint.regime)
    )
    if not form.is_valid():
        return _answer_page(request, party, token, counter_form=form, status=400)
    data = form.cleaned_data
    answers = moves.CounterNoticeAnswers(
        items=data["items"],
        name=data["name"],
        email=data["email"],
        address=data["address"],
        phone=data["phone"],
        explanation=data["explanation"],
        statement_mistake=data["statement_mistake"],
        statement_jurisdiction=data["statement_jurisdiction"],
        signature=data["signature"],
    )
    try:
        moves.complaint_receive_counter_notice(complaint=complaint, party=party, answers=answers)
    except ComplaintError as error:
        complaint.refresh_from_db()
        return _answer_page(request, party, token, counter_form=form, error=str(error), status=409)
    messages.success(request, "Your counter-notice is received and was forwarded to the person who complained.")
    return _private(redirect(f"{reverse('editorial:complaint_answer', args=[reference])}?token={token}"))


@require_POST
def complaint_answer_appeal(request: HttpRequest, reference: str) -> HttpResponse:
    if over_limit("tracking-ip", client_ip(request) or "", getattr(settings, "COMPLAINT_RATE_LIMIT_PER_IP", 20)):
        return too_many(request, "messages from your network")
    token = request.POST.get("token")
    party = _party_for_token(reference, token)
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, party, token, appeal_form=form, status=400)
    try:
        moves.complaint_lodge_appeal(
            complaint=party.complaint, by=AFFECTED_PARTY, reasons=form.cleaned_data["reasons"], affected_party=party
        )
    except ComplaintError as error:
        party.complaint.refresh_from_db()
        return _answer_page(request, party, token, appeal_form=form, error=str(error), status=409)
    messages.success(request, "Your appeal is received. A different officer will review the decision.")
    return _private(redirect(f"{reverse('editorial:complaint_answer', args=[reference])}?token={token}"))


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """Copyright questions and website-cooperation proposals, stored for the newsroom in the admin."""
    if request.method == "POST":
        if over_limit("contact-ip", client_ip(request) or "", getattr(settings, "CONTACT_RATE_LIMIT_PER_IP", 10)):
            return too_many(request, "messages from your network")
        if request.POST.get("website"):
            return redirect("editorial:contact_sent")
        form = ContactForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("editorial:contact_sent")
    else:
        form = ContactForm(initial={"kind": request.GET.get("about")} if request.GET.get("about") else None)
    return render(request, "editorial/contact.html", {"form": form})


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "editorial/contact_sent.html")
