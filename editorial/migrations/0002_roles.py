"""Create the four newsroom roles as groups with their permissions (editorial/newsroom/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from editorial.newsroom.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
