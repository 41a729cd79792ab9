"""Give the Copyright officer and Chief editor roles their complaint permissions (editorial/newsroom/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.newsroom.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0003_complaints"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
