from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0005_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlerevision",
            name="state",
            field=models.CharField(
                choices=[
                    ("saved", "saved"),
                    ("pending", "pending review"),
                    ("accepted", "accepted (published)"),
                    ("discarded", "discarded"),
                    ("superseded", "replaced by a later proposal"),
                ],
                default="saved",
                help_text="Saved: the article was like this. Pending: a proposed change to a live article, not public yet.",
                max_length=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="articlerevision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "pending")), fields=("article",), name="one_pending_revision_per_article"
            ),
        ),
    ]
