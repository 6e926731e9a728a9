"""The developer side of SimpleLogin: console, playground, discover, partner programme and "apps I use"."""

from django.apps import AppConfig


class DeveloperConfig(AppConfig):
    """Pages for the people on both sides of a sign-in."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "developer"
    verbose_name = "Developers"
