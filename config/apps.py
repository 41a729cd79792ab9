from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MastheadConfig(AppConfig):
    """The project itself, as an app only so it can carry management commands (the db_worker override)."""

    default = True
    name = "config"
    verbose_name = "Masthead"


class MastheadAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site class: same admin, plus the optional second factor."""

    default = False
    default_site = "config.auth.MastheadAdminSite"
