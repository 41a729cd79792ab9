"""What a complaint names and carries: its items (one address each), the replies, and the evidence files."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import private_storage
from editorial.copyright.identity import notifier_identity
from editorial.copyright.models.complaint import Complaint
from editorial.copyright.states import Actor


class ComplaintItemQuerySet(models.QuerySet):
    def barred_renotice(self, *, email: str, organisation: str, keys) -> ComplaintItemQuerySet:
        """Items of this notifier (by email or organisation) about these targets that a valid counter-notice
        restored under the PRC regulations: the same work may not be notified again."""
        notifier = Complaint.objects.by_notifier(notifier_identity(email=email, organisation=organisation))
        return self.filter(
            complaint__in=notifier.values("pk"),
            target_key__in=list(keys),
            complaint__regime=Complaint.Regime.PRC,
            measures__reversal_reason="counter_notice",
        ).distinct()


class ComplaintItem(models.Model):
    """One thing a complaint names on this site: a whole article, one image, or a passage of an article."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "The whole article"
        IMAGE = "image", "An image"
        PASSAGE = "passage", "A passage of an article"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Upheld in part (a lesser measure than asked for)"
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
    # per notifier. The notifier's email key (the mailbox, not how it was typed: `identity.email_key`, so
    # `rights+2@` is the same notifier as `rights@`) and whether the complaint is open are copied here so that
    # the database itself can refuse a duplicate (a partial unique constraint sees only this table).
    target_key = models.CharField(max_length=100, editable=False)
    notifier_key = models.CharField(max_length=254, editable=False)
    is_open = models.BooleanField(default=True, editable=False)

    objects = ComplaintItemQuerySet.as_manager()

    # The decision on this item (moderation workflow)
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.PENDING)
    reasons = models.TextField(blank=True, help_text="Why: shown to the notifier and the affected party.")
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["complaint", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["notifier_key", "target_key"],
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

    # Storage.open() and save() call these; both are delegated above, so these only say the same.
    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def _save(self, name, content):
        return self._target().save(name, content)

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


class EvidenceQuerySet(models.QuerySet):
    def purge(self) -> int:
        """Delete these evidence files from private storage and keep their rows, marked with when the file
        went. Each row is marked only once its file is gone, so a failure part-way is finished by the next
        run. Returns how many files were deleted."""
        storage = evidence_storage()
        purged = 0
        for evidence in self.filter(purged_at__isnull=True).only("pk", "file"):
            storage.delete(evidence.file.name)
            self.model.objects.filter(pk=evidence.pk).update(purged_at=timezone.now())
            purged += 1
        return purged


class Evidence(models.Model):
    """A file sent with a complaint. Stored in private storage: it never has a public address.

    The files of a complaint that expired unconfirmed are deleted (`purged_at`); the row stays as the record
    of what was sent: its name, type, size and SHA-256.
    """

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
    purged_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the file was deleted because the complaint expired unconfirmed; the details stay.",
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, *, complaint: Complaint, upload, added_by: str, reply: ComplaintReply | None = None) -> Evidence:
        """Save a checked upload (`editorial.copyright.evidence.CheckedFile`) to private storage under a random name.

        The storage copies the upload in chunks (or moves Django's temporary file): never read whole.
        """
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
            size=upload.size,
            sha256=upload.sha256,
        )
        content = ContentFile(upload.content) if isinstance(upload.content, bytes) else upload.content
        record.file.save(f"{secrets.token_hex(16)}.{ext}", content, save=False)
        record.save()
        return record
