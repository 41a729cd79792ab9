"""Copyright complaints (DESIGN.md section 5): the notice, what it names, its evidence and everything after.

The whole life of a complaint is the table `editorial.complaints.TRANSITIONS`: every state, the states it
may move to, and who may make each move. Each move is a named method on `Complaint` that locks the row,
checks the table, changes the state, writes an `AuditEvent` and queues its mail after commit. Nobody
assigns `status` by hand.

Part 1 (issue 5) implements the intake moves: verify, expire, withdraw, request information and the
notifier's reply. The decision, measure, counter-notice and appeal models are here too so that part 2 adds
transitions and screens, not tables.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import private_storage
from editorial.complaints import (
    AFFECTED_PARTY,
    NOTIFIER,
    OFFICER,
    PUBLIC_EVENTS,
    PUBLIC_STATUS,
    SYSTEM,
    TERMINAL_STATES,
    UNDECIDED_STATES,
    Actor,
    ComplaintError,
    ComplaintStateError,
    ComplaintStatus,
    DuplicateComplaintError,
    Move,
    VerificationExpiredError,
    allowed_move,
    business_days_after,
    hash_token,
    new_token,
)
from editorial.complaints import ComplaintStatus as S

from .audit import AuditEvent

# --- the complaint --------------------------------------------------------------------------------------------


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> ComplaintQuerySet:
        return self.exclude(status__in=TERMINAL_STATES)

    def in_queue(self) -> ComplaintQuerySet:
        """Complaints the officers work: confirmed and not finished."""
        return self.exclude(status__in=TERMINAL_STATES | {S.UNVERIFIED})

    def unverified_past_expiry(self, now=None) -> ComplaintQuerySet:
        """Unverified complaints older than COMPLAINT_UNVERIFIED_EXPIRY_HOURS."""
        now = now or timezone.now()
        hours = getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72)
        return self.filter(status=S.UNVERIFIED, created_at__lte=now - timedelta(hours=hours))

    def expire_unverified(self) -> int:
        """Mark every unverified complaint past its expiry as expired (kept, never deleted). Returns how many."""
        expired = 0
        for complaint in self.unverified_past_expiry().only("pk"):
            try:
                complaint.expire()
            except ComplaintStateError:
                continue  # confirmed meanwhile
            expired += 1
        return expired


class ComplaintReferenceCounter(models.Model):
    """The last reference number given out in a year, so references count up with no gaps and no races."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        """`CN-<year>-<six digits>`, the next in the year. Call inside a transaction."""
        try:
            with transaction.atomic():
                cls.objects.get_or_create(year=year)
        except IntegrityError:
            pass  # made by a concurrent first complaint of the year
        counter = cls.objects.select_for_update().get(year=year)
        counter.last_number = F("last_number") + 1
        counter.save(update_fields=["last_number"])
        counter.refresh_from_db(fields=["last_number"])
        return f"CN-{year}-{counter.last_number:06d}"


class Complaint(models.Model):
    """A copyright complaint (a notice) from a rights holder or their agent about content on this site."""

    Status = ComplaintStatus

    class Regime(models.TextChoices):
        GENERAL = "general", "Not sure / general (we apply our own policy)"
        US = "us", "United States (DMCA, 17 U.S.C. § 512)"
        PRC = "prc", "People's Republic of China (Regulations on the Right of Communication through Networks)"
        EU = "eu", "European Union (Digital Services Act)"

    class Capacity(models.TextChoices):
        RIGHTS_HOLDER = "rights_holder", "I own the rights in the work"
        AGENT = "agent", "I am authorised to act for the rights holder"

    class Remedy(models.TextChoices):
        CREDIT = "credit", "Credit the source correctly"
        CORRECT = "correct", "Correct the content (for example remove a passage)"
        REMOVE = "remove", "Remove the content"

    reference = models.CharField(
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Given when the notifier confirms their email, e.g. CN-2026-000042.",
    )
    status = models.CharField(
        max_length=20, choices=ComplaintStatus, default=ComplaintStatus.UNVERIFIED, editable=False, db_index=True
    )
    regime = models.CharField(
        max_length=10,
        choices=Regime,
        default=Regime.GENERAL,
        help_text="The law the notifier relies on; it sets the deadlines. Officers may correct it.",
    )

    # The notifier
    notifier_name = models.CharField("full name", max_length=200)
    notifier_organisation = models.CharField("organisation", max_length=200, blank=True)
    notifier_email = models.EmailField(
        "email", max_length=254, db_index=True, help_text="Stored in lower case; confirmed by a link."
    )
    notifier_phone = models.CharField("phone", max_length=40, blank=True)
    notifier_address = models.TextField("postal address", max_length=1000)
    notifier_country = models.CharField("country", max_length=100)
    capacity = models.CharField(max_length=20, choices=Capacity)
    on_behalf_of = models.CharField(
        max_length=200, blank=True, help_text="The rights holder an agent acts for. Required for agents."
    )

    # The work
    work_description = models.TextField(max_length=5000, help_text="What the original work is.")
    original_location = models.TextField(max_length=2000, help_text="Where the original can be seen.")
    original_published_on = models.DateField(
        help_text="When the notifier says the original was first published. Compare it with our own date."
    )
    first_publication_proof = models.TextField(max_length=5000, help_text="How first publication can be checked.")
    explanation = models.TextField(max_length=20000, help_text="Why the notifier thinks our use infringes.")
    remedy = models.CharField(max_length=10, choices=Remedy)

    # Sworn statements and signature
    statement_good_faith = models.BooleanField(default=False)
    statement_accuracy = models.BooleanField(default=False)
    statement_fair_use = models.BooleanField(default=False)
    signature = models.CharField(max_length=200, help_text="The notifier's typed full name, as a signature.")

    # Private links: only the SHA-256 of each token is kept.
    verification_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    tracking_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Dates
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    received_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When the email was confirmed.")
    decision_due_at = models.DateTimeField(null=True, blank=True, help_text="When the first decision is due.")
    reply_due_at = models.DateTimeField(
        null=True, blank=True, help_text="While information is requested: the notifier's reply deadline."
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    restore_due_at = models.DateTimeField(
        null=True, blank=True, help_text="After a valid counter-notice: when the content comes back."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Handling (the officers' side, used by the moderation workflow)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        help_text="The officer working on it.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    decision_reasons = models.TextField(blank=True, help_text="The reasons given to the notifier and affected party.")

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="complaint_status_known"),
            models.CheckConstraint(
                condition=Q(statement_good_faith=True, statement_accuracy=True, statement_fair_use=True)
                & ~Q(signature=""),
                name="complaint_statements_and_signature",
                violation_error_message="All three statements and a typed signature are required.",
            ),
            models.CheckConstraint(
                condition=~Q(capacity="agent") | ~Q(on_behalf_of=""),
                name="complaint_agent_names_principal",
            ),
            # A reference exactly when the email has been confirmed.
            models.CheckConstraint(
                condition=(Q(status__in=["unverified", "expired"]) & Q(reference__isnull=True))
                | (~Q(status__in=["unverified", "expired"]) & Q(reference__isnull=False)),
                name="complaint_reference_once_verified",
            ),
        ]
        permissions = [
            ("decide_complaint", "Can work complaints: ask for information, decide, apply and reverse measures"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Unconfirmed complaint #{self.pk}"

    def get_absolute_url(self) -> str:
        """The tracking page. It answers 404 without the token, so this is safe to show anywhere."""
        if not self.reference:
            return ""
        return reverse("editorial:complaint_tracking", kwargs={"reference": self.reference})

    def save(self, *args, **kwargs):
        self.notifier_email = self.notifier_email.strip().lower()
        super().save(*args, **kwargs)

    # -- reading ------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATES

    @property
    def accepts_information(self) -> bool:
        return self.status in UNDECIDED_STATES

    @property
    def may_withdraw(self) -> bool:
        return self.status in UNDECIDED_STATES

    @property
    def appeal_deadline(self):
        if self.decided_at is None:
            return None
        return self.decided_at + timedelta(days=getattr(settings, "COMPLAINT_APPEAL_WINDOW_DAYS", 183))

    @property
    def expires_at(self):
        """For an unverified complaint: when its confirmation link stops working."""
        if self.status != S.UNVERIFIED or self.created_at is None:
            return None
        return self.created_at + timedelta(hours=getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72))

    def public_status(self) -> str:
        return PUBLIC_STATUS.get(self.status, self.get_status_display())

    def public_history(self) -> list[tuple]:
        """(when, what) lines of the audit trail meant for the notifier, oldest first. One query."""
        events = (
            AuditEvent.objects.for_object(self)
            .filter(action__in=list(PUBLIC_EVENTS))
            .order_by("created_at", "pk")
            .only("created_at", "action", "details")
        )
        return [
            (event.created_at, PUBLIC_EVENTS[event.action], event.details.get("public_note", "")) for event in events
        ]

    def tracking_token_matches(self, token: str | None) -> bool:
        import hmac

        if not token or not self.tracking_token_hash:
            return False
        return hmac.compare_digest(self.tracking_token_hash, hash_token(token))

    def tracking_url(self, token: str) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}?token={token}"

    # -- filing (not a move: it creates the complaint in its first state) ----------------------------------

    @classmethod
    def file(cls, *, complaint: Complaint, targets: list, evidence: list | None = None) -> Complaint:
        """Store a new complaint as unverified with its items and evidence, and email the confirmation link.

        `complaint` is an unsaved instance with the notifier's answers; `targets` are resolved URLs
        (`editorial.complaints.ResolvedURL`); `evidence` are checked uploads (`editorial.forms.CheckedFile`).
        All or nothing: a duplicate of an open complaint raises DuplicateComplaintError and stores nothing,
        files included.
        """
        from editorial import outbox

        token = new_token()
        complaint.status = S.UNVERIFIED
        complaint.verification_token_hash = hash_token(token)
        stored_files: list[str] = []
        try:
            with transaction.atomic():
                complaint.save()
                items = [
                    ComplaintItem(
                        complaint=complaint,
                        position=position,
                        url=target.url,
                        kind=target.kind,
                        article=target.article,
                        image=target.image,
                        passage=target.passage,
                        target_key=target.key,
                        notifier_email=complaint.notifier_email,
                    )
                    for position, target in enumerate(targets, start=1)
                ]
                try:
                    with transaction.atomic():
                        ComplaintItem.objects.bulk_create(items, batch_size=500)
                except IntegrityError:
                    # Lost a race with the same notifier filing the same address: the constraint decides.
                    raise DuplicateComplaintError(
                        "You already have an open complaint about one of these addresses."
                    ) from None
                for upload in evidence or []:
                    record = Evidence.store(complaint=complaint, upload=upload, added_by=NOTIFIER)
                    stored_files.append(record.file.name)
                AuditEvent.record(
                    actor=None,
                    subject=complaint,
                    action="complaint.filed",
                    to_state=S.UNVERIFIED,
                    details={"by": NOTIFIER, "items": len(items), "evidence": len(stored_files)},
                )
                outbox.queue_message(
                    to=complaint.notifier_email,
                    kind="complaint_verification",
                    template="editorial/email/complaint_verification.txt",
                    context={
                        "complaint": complaint,
                        "items": items,
                        "confirm_url": settings.SITE_URL
                        + reverse("editorial:complaint_verify", kwargs={"token": token}),
                    },
                    related=complaint,
                )
        except BaseException:
            storage = private_storage()
            for name in stored_files:
                storage.delete(name)
            raise
        return complaint

    def resend_verification(self) -> bool:
        """Email a fresh confirmation link for an unverified complaint; the old link stops working.

        Returns False (and sends nothing) when the complaint is no longer unverified.
        """
        from editorial import outbox

        token = new_token()
        with transaction.atomic():
            locked = self._locked()
            if locked.status != S.UNVERIFIED:
                return False
            locked.verification_token_hash = hash_token(token)
            locked.save(update_fields=["verification_token_hash", "updated_at"])
            AuditEvent.record(
                actor=None, subject=locked, action="complaint.verification_resent", details={"by": NOTIFIER}
            )
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_verification",
                template="editorial/email/complaint_verification.txt",
                context={
                    "complaint": locked,
                    "items": list(locked.items.all()),
                    "confirm_url": settings.SITE_URL + reverse("editorial:complaint_verify", kwargs={"token": token}),
                },
                related=locked,
            )
        self._reload_from(locked)
        return True

    # -- moves ----------------------------------------------------------------------------------------------

    def _locked(self) -> Complaint:
        return type(self).objects.select_for_update().get(pk=self.pk)

    def _apply(self, target: str, *, by: str, actor=None, note: str = "", details: dict | None = None) -> Move:
        """On a locked row: check the table, change the state, keep items' open flag in step, audit."""
        move_ = allowed_move(self.status, target, by)
        source = self.status
        self.status = target
        if target in TERMINAL_STATES and self.closed_at is None:
            self.closed_at = timezone.now()
        self.save()
        if (source in TERMINAL_STATES) != (target in TERMINAL_STATES):
            self.items.update(is_open=target not in TERMINAL_STATES)
        AuditEvent.record(
            actor=actor,
            subject=self,
            action=f"complaint.{move_.action}",
            from_state=source,
            to_state=target,
            note=note,
            details={"by": by, **(details or {})},
        )
        return move_

    def _reload_from(self, locked: Complaint) -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    def verify(self) -> str:
        """unverified -> received: the notifier opened the link. Gives the reference and the tracking token.

        Returns the tracking token (the only time it exists in clear). Raises VerificationExpiredError, and
        marks the complaint expired, when the link is opened after the expiry time.
        """
        from editorial import outbox

        with transaction.atomic():
            locked = self._locked()
            if locked.status == S.UNVERIFIED and locked.expires_at <= timezone.now():
                locked._apply(S.EXPIRED, by=SYSTEM, note="The confirmation link was opened after it expired.")
                expired = True
            else:
                expired = False
                now = timezone.now()
                locked.status_check(S.RECEIVED, by=NOTIFIER)
                locked.reference = ComplaintReferenceCounter.next_reference(timezone.localdate(now).year)
                token = new_token()
                locked.tracking_token_hash = hash_token(token)
                locked.received_at = now
                locked.decision_due_at = business_days_after(
                    now, getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS", 1)
                )
                locked._apply(S.RECEIVED, by=NOTIFIER, details={"reference": locked.reference})
                outbox.queue_message(
                    to=locked.notifier_email,
                    kind="complaint_acknowledgement",
                    template="editorial/email/complaint_acknowledgement.txt",
                    context={"complaint": locked, "tracking_url": locked.tracking_url(token)},
                    related=locked,
                )
        self._reload_from(locked)
        if expired:
            raise VerificationExpiredError(
                "This confirmation link has expired. The complaint was kept but not sent to our officers; "
                "please file it again."
            )
        return token

    def status_check(self, target: str, *, by: str) -> Move:
        """Raise ComplaintStateError now, before any work, if the move isn't allowed."""
        return allowed_move(self.status, target, by)

    def expire(self) -> None:
        """unverified -> expired: never confirmed in time. Kept, not deleted; its items stop blocking new ones."""
        with transaction.atomic():
            locked = self._locked()
            locked._apply(S.EXPIRED, by=SYSTEM)
        self._reload_from(locked)

    def withdraw(self, *, reason: str = "") -> None:
        """received / needs info / in review -> withdrawn, by the notifier, before any decision."""
        from editorial import outbox

        with transaction.atomic():
            locked = self._locked()
            locked._apply(S.WITHDRAWN, by=NOTIFIER, note=reason, details={"public_note": ""})
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_withdrawn",
                template="editorial/email/complaint_withdrawn.txt",
                context={"complaint": locked},
                related=locked,
            )
        self._reload_from(locked)

    def request_information(self, *, actor, question: str, reply_days: int | None = None) -> None:
        """received / in review -> needs info, by an officer: the question is emailed and shown to the notifier."""
        from editorial import outbox

        if not question.strip():
            raise ComplaintError("Write the question the notifier should answer.")
        days = reply_days or getattr(settings, "COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS", 5)
        with transaction.atomic():
            locked = self._locked()
            locked.reply_due_at = business_days_after(timezone.now(), days)
            locked._apply(S.NEEDS_INFO, by=OFFICER, actor=actor, note=question, details={"public_note": question})
            ComplaintReply.objects.create(complaint=locked, author=OFFICER, text=question)
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_information_request",
                template="editorial/email/complaint_information_request.txt",
                context={"complaint": locked, "question": question},
                related=locked,
            )
        self._reload_from(locked)

    def add_information(self, *, text: str, evidence: list | None = None) -> ComplaintReply:
        """The notifier adds information. While information is requested this is the reply: needs info -> received."""
        if not text.strip() and not evidence:
            raise ComplaintError("Write something or attach a file.")
        stored_files: list[str] = []
        try:
            with transaction.atomic():
                locked = self._locked()
                if locked.status not in UNDECIDED_STATES:
                    raise ComplaintStateError(
                        f"Information can't be added to a complaint that is “{locked.public_status()}”."
                    )
                reply = ComplaintReply.objects.create(complaint=locked, author=NOTIFIER, text=text)
                for upload in evidence or []:
                    record = Evidence.store(complaint=locked, upload=upload, added_by=NOTIFIER, reply=reply)
                    stored_files.append(record.file.name)
                details = {"by": NOTIFIER, "reply": reply.pk, "evidence": len(stored_files)}
                if locked.status == S.NEEDS_INFO:
                    locked.reply_due_at = None
                    locked._apply(S.RECEIVED, by=NOTIFIER, details=details)
                else:
                    AuditEvent.record(actor=None, subject=locked, action="complaint.information_added", details=details)
        except BaseException:
            storage = private_storage()
            for name in stored_files:
                storage.delete(name)
            raise
        self._reload_from(locked)
        return reply


class ComplaintItem(models.Model):
    """One thing a complaint names on this site: a whole article, one image, or a passage of an article."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "The whole article"
        IMAGE = "image", "An image"
        PASSAGE = "passage", "A passage of an article"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        UPHELD = "upheld", "Upheld"
        REJECTED = "rejected", "Rejected"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="Its line in the notifier's list, from 1.")
    url = models.CharField(max_length=2000, help_text="The address as the notifier gave it.")
    kind = models.CharField(max_length=10, choices=Kind)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaint_items",
        help_text="The article named (for a passage, the article it is in).",
    )
    image = models.ForeignKey(
        "articles.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="complaint_items"
    )
    passage = models.TextField(blank=True, max_length=5000, help_text="The quoted passage, for a passage.")
    # What the item names, e.g. "article:12", "image:7" or "passage:12:<hash>": one open complaint each
    # per notifier. The notifier's email and whether the complaint is open are copied here so that the
    # database itself can refuse a duplicate (a partial unique constraint sees only this table).
    target_key = models.CharField(max_length=100, editable=False)
    notifier_email = models.EmailField(max_length=254, editable=False)
    is_open = models.BooleanField(default=True, editable=False)

    # The decision on this item (moderation workflow)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING)
    reasons = models.TextField(blank=True, help_text="Why: shown to the notifier and the affected party.")
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["complaint", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["notifier_email", "target_key"],
                condition=Q(is_open=True),
                name="one_open_complaint_per_notifier_and_target",
                violation_error_message="This notifier already has an open complaint about this content.",
            ),
            models.UniqueConstraint(fields=["complaint", "position"], name="complaint_item_position_unique"),
            models.CheckConstraint(condition=~Q(kind="passage") | ~Q(passage=""), name="complaint_item_passage_quoted"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.url[:100]}"

    def get_absolute_url(self) -> str:
        return self.url


class PrivateStorage(Storage):
    """The "private" storage (no URL), looked up in STORAGES at each use rather than once at import.

    A FileField evaluates a storage callable once, when the model class is made; a proxy keeps evidence
    following the configured private storage (and each test's temporary folder)."""

    @staticmethod
    def _target() -> Storage:
        return private_storage()

    def open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._target().save(name, content, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self._target()._open(name, mode)

    def _save(self, name, content):
        return self._target()._save(name, content)

    def get_valid_name(self, name):
        return self._target().get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self._target().generate_filename(filename)

    def path(self, name):
        return self._target().path(name)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def listdir(self, path):
        return self._target().listdir(path)

    def size(self, name):
        return self._target().size(name)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL: private files must have no address at all.
        raise ValueError("Private files have no URL; officers download them through the admin.")

    def get_accessed_time(self, name):
        return self._target().get_accessed_time(name)

    def get_created_time(self, name):
        return self._target().get_created_time(name)

    def get_modified_time(self, name):
        return self._target().get_modified_time(name)


_evidence_storage = PrivateStorage()


def evidence_storage() -> Storage:
    return _evidence_storage


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{timezone.now():%Y/%m}/{filename}"


class ComplaintReply(models.Model):
    """A message in the complaint's file: an officer's question or information added by a party."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    author = models.CharField(max_length=20, choices=Actor)
    text = models.TextField(max_length=20000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        verbose_name_plural = "complaint replies"

    def __str__(self) -> str:
        return f"{self.get_author_display()} on {self.created_at:%Y-%m-%d %H:%M}"


class Evidence(models.Model):
    """A file sent with a complaint. Stored in private storage: it never has a public address."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"
        WEBP = "image/webp", "WebP image"
        TEXT = "text/plain", "Plain text"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    reply = models.ForeignKey(ComplaintReply, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    added_by = models.CharField(max_length=20, choices=Actor, default=Actor.NOTIFIER)
    file = models.FileField(upload_to=evidence_upload_to, storage=evidence_storage, max_length=255)
    original_name = models.CharField(max_length=255, help_text="The file's name on the sender's computer.")
    content_type = models.CharField(
        max_length=40, choices=ContentType, help_text="What the file is, read from its content (not its name)."
    )
    size = models.PositiveIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint", "uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, *, complaint: Complaint, upload, added_by: str, reply: ComplaintReply | None = None) -> Evidence:
        """Save a checked upload (`editorial.forms.CheckedFile`) to private storage under a random name."""
        import secrets

        from django.core.files.base import ContentFile

        ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(
            upload.content_type, "txt"
        )
        record = cls(
            complaint=complaint,
            reply=reply,
            added_by=added_by,
            original_name=upload.name[:255],
            content_type=upload.content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
        )
        record.file.save(f"{secrets.token_hex(16)}.{ext}", ContentFile(upload.content), save=False)
        record.save()
        return record


class Measure(models.Model):
    """What was done to one item after a decision, with what is needed to undo it exactly."""

    class Kind(models.TextChoices):
        WITHHOLD_ARTICLE = "withhold_article", "Withhold the article (HTTP 451)"
        REMOVE_IMAGE = "remove_image", "Remove the image everywhere"
        CORRECT = "correct", "Correct the article (credit or redact) with a public correction"

    item = models.ForeignKey(ComplaintItem, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=20, choices=Kind)
    applied_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What restoration needs: the article's previous status, the image's file names, the revision number
    # before a correction...
    snapshot = models.JSONField(default=dict, blank=True)
    correction = models.ForeignKey(
        "articles.Correction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | Q(reversed_at__gte=F("applied_at")),
                name="measure_reversed_after_applied",
            ),
            # One measure in force per item.
            models.UniqueConstraint(fields=["item"], condition=Q(reversed_at__isnull=True), name="one_live_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.item}"

    @property
    def in_force(self) -> bool:
        return self.reversed_at is None


class AffectedParty(models.Model):
    """Someone whose content a complaint targets and who may answer it through a private link."""

    class Role(models.TextChoices):
        RESPONSIBLE_EDITOR = "responsible_editor", "The article's responsible editor"
        SOURCE = "source", "The original source or author"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="affected_parties")
    role = models.CharField(max_length=20, choices=Role)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint", "pk"]
        verbose_name_plural = "affected parties"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def token_matches(self, token: str | None) -> bool:
        import hmac

        return bool(token) and hmac.compare_digest(self.token_hash, hash_token(token))


class CounterNotice(models.Model):
    """The affected party's answer to an upheld complaint, with the elements the regime requires."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="counter_notices")
    affected_party = models.ForeignKey(AffectedParty, on_delete=models.PROTECT, related_name="counter_notices")
    items = models.ManyToManyField(ComplaintItem, related_name="counter_notices")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField(max_length=1000)
    phone = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(max_length=20000)
    statement_mistake = models.BooleanField(
        default=False, help_text="Under penalty of perjury: removed by mistake or misidentification."
    )
    statement_jurisdiction = models.BooleanField(default=False, help_text="Consents to the court's jurisdiction (US).")
    signature = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    valid = models.BooleanField(null=True, blank=True, help_text="The officer's finding; empty until checked.")
    forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statement_mistake=True) & ~Q(signature=""), name="counter_notice_statement_and_signature"
            )
        ]

    def __str__(self) -> str:
        return f"Counter-notice to {self.complaint} by {self.name}"


class Appeal(models.Model):
    """An appeal of a decision by either side, decided by an officer other than the first one."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        CONFIRMED = "confirmed", "Decision confirmed"
        REVERSED = "reversed", "Decision reversed"
        VARIED = "varied", "Decision changed in part"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="appeals")
    by = models.CharField(
        max_length=20, choices=[(NOTIFIER, Actor.NOTIFIER.label), (AFFECTED_PARTY, Actor.AFFECTED_PARTY.label)]
    )
    reasons = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    original_decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(original_decider__isnull=True)
                | ~Q(decided_by=F("original_decider")),
                name="appeal_decided_by_another_officer",
                violation_error_message="An appeal must be decided by a different officer.",
            )
        ]

    def __str__(self) -> str:
        return f"Appeal of {self.complaint} by the {self.get_by_display().lower()}"


class NotifierSanctionQuerySet(models.QuerySet):
    def in_force(self, now=None) -> NotifierSanctionQuerySet:
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)

    def suspension_for(self, *, email: str, organisation: str = "", now=None) -> NotifierSanction | None:
        """The suspension in force for this email, or for this organisation if one is named."""
        match = Q(email=email.strip().lower())
        if organisation.strip():
            match |= Q(organisation__iexact=organisation.strip())
        return self.in_force(now).filter(match, kind=NotifierSanction.Kind.SUSPENSION).order_by("-ends_at").first()


class NotifierSanction(models.Model):
    """A warning or a suspension of a notifier who filed repeated manifestly unfounded complaints."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        SUSPENSION = "suspension", "Suspension"

    kind = models.CharField(max_length=12, choices=Kind)
    email = models.EmailField(max_length=254, db_index=True)
    organisation = models.CharField(max_length=200, blank=True)
    reason = models.TextField(help_text="Which complaints, and why they were manifestly unfounded.")
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="For a suspension: when it ends.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NotifierSanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="warning") | (Q(ends_at__isnull=False) & Q(ends_at__gt=F("starts_at"))),
                name="suspension_has_an_end_after_its_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ContactInquiry(models.Model):
    """A message from the public contact form: a copyright question or a website-cooperation proposal."""

    class Kind(models.TextChoices):
        COPYRIGHT = "copyright", "A copyright question"
        COOPERATION = "cooperation", "Website cooperation"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without answer"

    kind = models.CharField("about", max_length=12, choices=Kind)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal_note = models.TextField(blank=True, help_text="For the newsroom only; never sent.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "contact inquiries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject[:80]}"
