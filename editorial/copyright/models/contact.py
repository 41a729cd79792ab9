"""Messages sent through the public contact form."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
