"""Complaint items compare notifiers by their email key, not the address as typed, so `rights+2@` cannot
file a second open complaint about what `rights@` already complained of (editorial/copyright/identity.py).
Reversible: going back copies each complaint's address onto its items again."""

from django.db import migrations, models


def copy_keys(apps, schema_editor):
    """Each item gets its complaint's email key. Open items filed twice under two spellings before this
    check existed all stay open, for an officer to settle: the one filed under the key's own spelling (else
    the first) takes the key, and the others a key of their own (`address#item-id`), so the constraint holds."""
    from editorial.copyright.identity import notifier_identity

    ComplaintItem = apps.get_model("editorial", "ComplaintItem")
    items = list(ComplaintItem.objects.select_related("complaint").order_by("pk"))
    keys = {
        item.pk: item.complaint.notifier_email_key or notifier_identity(email=item.notifier_email).email
        for item in items
    }
    groups: dict[tuple[str, str], list] = {}
    for item in items:
        if item.is_open:
            groups.setdefault((keys[item.pk], item.target_key), []).append(item)
    for (key, _), group in groups.items():
        keeper = next((item for item in group if item.notifier_email.lower() == key), group[0])
        for item in group:
            if item is not keeper:
                keys[item.pk] = f"{item.notifier_email.lower()}#item-{item.pk}"[:254]
    for item in items:
        item.notifier_key = keys[item.pk]
        item.save(update_fields=["notifier_key"])


def copy_addresses_back(apps, schema_editor):
    ComplaintItem = apps.get_model("editorial", "ComplaintItem")
    for item in ComplaintItem.objects.select_related("complaint").order_by("pk"):
        item.notifier_email = item.complaint.notifier_email
        item.save(update_fields=["notifier_email"])


class Migration(migrations.Migration):
    dependencies = [("editorial", "0011_editing_presence")]

    operations = [
        migrations.RemoveConstraint(model_name="complaintitem", name="one_open_complaint_per_notifier_and_target"),
        # A default, so that going back can add the column again before the addresses are copied into it.
        migrations.AlterField(
            model_name="complaintitem",
            name="notifier_email",
            field=models.EmailField(default="", editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="complaintitem",
            name="notifier_key",
            field=models.CharField(default="", editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(copy_keys, copy_addresses_back),
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
