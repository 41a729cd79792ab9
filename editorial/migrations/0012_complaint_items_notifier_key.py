"""Complaint items compare notifiers by their email key, not the address as typed, so `rights+2@` cannot
file a second open complaint about what `rights@` already complained of (editorial/copyright/identity.py)."""

from django.db import migrations, models


def copy_keys(apps, schema_editor):
    from editorial.copyright.identity import notifier_identity

    ComplaintItem = apps.get_model("editorial", "ComplaintItem")
    taken = set()
    for item in ComplaintItem.objects.select_related("complaint").order_by("pk").iterator():
        key = item.complaint.notifier_email_key or notifier_identity(email=item.notifier_email).email
        if item.is_open and (key, item.target_key) in taken:
            # Filed twice under two spellings before this check existed: both stay open for an officer to
            # settle, the later one keyed by its address as typed, as it was before.
            key = item.notifier_email
        if item.is_open:
            taken.add((key, item.target_key))
        item.notifier_key = key
        item.save(update_fields=["notifier_key"])


class Migration(migrations.Migration):
    dependencies = [("editorial", "0011_editing_presence")]

    operations = [
        migrations.RemoveConstraint(model_name="complaintitem", name="one_open_complaint_per_notifier_and_target"),
        migrations.AddField(
            model_name="complaintitem",
            name="notifier_key",
            field=models.CharField(default="", editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="complaintitem", name="notifier_email"),
        migrations.AddConstraint(
            model_name="complaintitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True)),
                fields=("notifier_key", "target_key"),
                name="one_open_complaint_per_notifier_and_target",
                violation_error_message="This notifier already has an open complaint about this content.",
            ),
        ),
    ]
