"""What the desks tell people (issue 15, point 4): a notice on the desk, and each person's choice of how to
hear about each kind of event. Shared by both desks; the rules are in `editorial/notifications.py`."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "An article is submitted for your review"
    CHANGE_PENDING = "change_pending", "A change to a live article waits for review"
    CHANGES_REQUESTED = "changes_requested", "Changes are requested to your article"
    APPROVED = "approved", "Your article is approved"
    PUBLISHED = "published", "An article you are credited on is published"
    SCHEDULED = "scheduled", "An article you are credited on is scheduled"
    WITHHELD = "withheld", "An article is withheld after a copyright complaint"
    CORRECTED = "corrected", "An article is corrected after a copyright complaint"
    RESTORED = "restored", "An article is restored after a copyright complaint"
    NEW_COMPLAINT = "new_complaint", "A new copyright complaint arrives"
    COMPLAINT_DEADLINE = "complaint_deadline", "A complaint's deadline is less than 24 hours away"
    APPEAL_FILED = "appeal_filed", "An appeal is filed against a decision"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at=None)

    def desk_order(self) -> "NotificationQuerySet":
        """Unread first, then the newest."""
        return self.order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-pk")


class Notification(models.Model):
    """One notice on a person's desk (the admin's front page). Emails go through the outbox instead."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="The person this notice is for.",
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices, help_text="What happened.")
    subject = models.CharField(max_length=250, help_text="The one line shown on the desk.")
    body = models.TextField(blank=True, help_text="The full notice, as the email would say it.")
    link = models.CharField(
        max_length=500, blank=True, help_text="Where the notice leads: a page of this site (its path)."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was sent.")
    read_at = models.DateTimeField(null=True, blank=True, help_text="When its reader opened it or marked it read.")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_desk")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("editorial:notification_open", kwargs={"pk": self.pk})


class NotificationPreference(models.Model):
    """How one person wants to hear about one kind of event. No row means both: by email and on the desk."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        help_text="The person who chose.",
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices, help_text="The kind of event.")
    email = models.BooleanField(default=True, help_text="Send an email (if the person has an address).")
    in_app = models.BooleanField(default=True, help_text="Show it in the Notifications list on the desk.")

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("editorial:notification_preferences")
