"""Issue 12, points 3 and 8: notifiers compared on a normalised identity (stored, indexed keys filled for the
complaints and sanctions already there), and the time an expired complaint's evidence files were deleted."""

from django.db import migrations, models

from editorial.copyright.identity import notifier_identity


def fill_identity_keys(apps, schema_editor):
    Complaint = apps.get_model("editorial", "Complaint")
    NotifierSanction = apps.get_model("editorial", "NotifierSanction")
    for complaint in Complaint.objects.only("pk", "notifier_email", "notifier_organisation").iterator():
        identity = notifier_identity(email=complaint.notifier_email, organisation=complaint.notifier_organisation)
        Complaint.objects.filter(pk=complaint.pk).update(
            notifier_email_key=identity.email, notifier_organisation_key=identity.organisation
        )
    for sanction in NotifierSanction.objects.only("pk", "email", "organisation").iterator():
        identity = notifier_identity(email=sanction.email, organisation=sanction.organisation)
        NotifierSanction.objects.filter(pk=sanction.pk).update(
            email_key=identity.email, organisation_key=identity.organisation
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0008_takedown_fingerprints"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="notifier_email_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="complaint",
            name="notifier_organisation_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="evidence",
            name="purged_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the file was deleted because the complaint expired unconfirmed; the details stay.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="notifiersanction",
            name="email_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="notifiersanction",
            name="organisation_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_identity_keys, migrations.RunPython.noop),
    ]
