"""The people a measure affects, and their counter-notices (filed by `moves.complaint_receive_counter_notice`)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q

from editorial.copyright.identity import hash_token, new_token


class AffectedParty(models.Model):
    """Someone whose content a complaint targets and who may answer it through a private link."""

    class Role(models.TextChoices):
        RESPONSIBLE_EDITOR = "responsible_editor", "The article's responsible editor"
        SOURCE = "source", "The original source or author"

    complaint = models.ForeignKey("editorial.Complaint", on_delete=models.CASCADE, related_name="affected_parties")
    role = models.CharField(max_length=20, choices=Role)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    items = models.ManyToManyField(
        "editorial.ComplaintItem", related_name="affected_parties", blank=True, help_text="What of theirs is concerned."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint", "pk"]
        verbose_name_plural = "affected parties"
        constraints = [models.UniqueConstraint(fields=["complaint", "email"], name="one_affected_party_per_email")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def token_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.token_hash, hash_token(token))

    def new_link_token(self) -> str:
        """A fresh private link for this party (the previous one stops working). Saved by the caller."""
        token = new_token()
        self.token_hash = hash_token(token)
        return token

    def answer_url(self, token: str) -> str:
        from django.urls import reverse

        path = reverse("editorial:complaint_answer", kwargs={"reference": self.complaint.reference})
        return f"{settings.SITE_URL}{path}?token={token}"


class CounterNotice(models.Model):
    """The affected party's answer to an upheld complaint, with the elements the regime requires."""

    complaint = models.ForeignKey("editorial.Complaint", on_delete=models.CASCADE, related_name="counter_notices")
    affected_party = models.ForeignKey(AffectedParty, on_delete=models.PROTECT, related_name="counter_notices")
    items = models.ManyToManyField("editorial.ComplaintItem", related_name="counter_notices")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField(max_length=1000)
    phone = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(max_length=20000)
    statement_mistake = models.BooleanField(
        default=False, help_text="Under penalty of perjury: removed by mistake or misidentification."
    )
    statement_jurisdiction = models.BooleanField(
        default=False, help_text="Consents to the court's jurisdiction and accepts service of process (US)."
    )
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
