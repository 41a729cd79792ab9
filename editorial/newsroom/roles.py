"""The four newsroom roles as groups, and the permissions each is given (least privilege).

A data migration calls `sync_roles`; a later migration that adds models with permissions calls it again,
so the groups always hold exactly what this table says.
"""

ROLE_EDITOR = "Editor"
ROLE_RESPONSIBLE_EDITOR = "Responsible editor"
ROLE_COPYRIGHT_OFFICER = "Copyright officer"
ROLE_CHIEF_EDITOR = "Chief editor"

_EDITOR = {
    "articles": [
        "add_article",
        "change_article",
        "view_article",
        "add_image",
        "change_image",
        "view_image",
        "view_section",
        "view_initiative",
        "view_milestone",
        "view_correction",
    ],
    "taggit": ["add_tag", "view_tag"],
    "editorial": ["view_editor", "view_articlerevision"],
}

_RESPONSIBLE_EDITOR = {
    "articles": _EDITOR["articles"]
    + [
        "publish_article",
        "add_correction",
        "change_correction",
        "add_milestone",
        "change_milestone",
        "change_initiative",
    ],
    "taggit": ["add_tag", "change_tag", "view_tag"],
    "editorial": ["view_editor", "view_articlerevision", "view_auditevent"],
}

# Complaints: officers read everything in a complaint's file and change only what the workflow lets them
# (assignee, regime, deadlines); every decision goes through `decide_complaint` and a named transition.
# Nobody deletes a complaint or its evidence: the record must be complete.
_COMPLAINT_FILE_VIEW = [
    "view_complaint",
    "view_complaintitem",
    "view_complaintreply",
    "view_evidence",
    "view_measure",
    "view_affectedparty",
    "view_counternotice",
    "view_appeal",
    "view_notifiersanction",
    "view_takedownfingerprint",
    "view_contactinquiry",
    "change_contactinquiry",
]

_COPYRIGHT_OFFICER = {
    "articles": ["view_article", "view_image", "view_correction", "add_correction", "view_section"],
    "editorial": [
        "view_editor",
        "view_auditevent",
        "view_outboundmessage",
        "change_outboundmessage",
        "view_articlerevision",
        *_COMPLAINT_FILE_VIEW,
        "change_complaint",
        "decide_complaint",
        "add_notifiersanction",
        # Release a removed picture or passage (editorial.copyright.takedowns.takedown_release): officers only.
        "change_takedownfingerprint",
    ],
}

_CHIEF_EDITOR = {
    "articles": _RESPONSIBLE_EDITOR["articles"]
    + [
        "override_review",
        "delete_article",
        "delete_image",
        "add_section",
        "change_section",
        "add_initiative",
        "delete_milestone",
        "delete_correction",
    ],
    "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag"],
    "editorial": [
        "add_editor",
        "change_editor",
        "view_editor",
        "view_articlerevision",
        "view_auditevent",
        "view_outboundmessage",
        # Oversight of complaints (read-only) and the website-cooperation inquiries from the contact page.
        *_COMPLAINT_FILE_VIEW,
    ],
}

ROLES: dict[str, dict[str, list[str]]] = {
    ROLE_EDITOR: _EDITOR,
    ROLE_RESPONSIBLE_EDITOR: _RESPONSIBLE_EDITOR,
    ROLE_COPYRIGHT_OFFICER: _COPYRIGHT_OFFICER,
    ROLE_CHIEF_EDITOR: _CHIEF_EDITOR,
}


def extend_role(role: str, app_label: str, codenames: list[str]) -> None:
    """Let a later feature add its permissions to a role's table (used before `sync_roles`)."""
    ROLES[role].setdefault(app_label, [])
    ROLES[role][app_label] = sorted(set(ROLES[role][app_label]) | set(codenames))


def sync_roles(apps=None, schema_editor=None) -> None:
    """Create or update the role groups so each holds exactly the permissions in ROLES."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    # Permissions are normally made after all migrations (post_migrate); make them now so this works
    # on a fresh database too.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, table in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, codenames in table.items():
            perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
            wanted.extend(perms)
        group.permissions.set(wanted)
