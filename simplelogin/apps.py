"""App configs of the project package."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with SimpleLogin's admin site as admin.site."""

    default_site = "simplelogin.admin.SimpleLoginAdminSite"
