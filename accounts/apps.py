"""App config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their profile and their aliases."""

    name = "accounts"
