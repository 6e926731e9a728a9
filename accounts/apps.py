"""App config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their profile and their aliases."""

    name = "accounts"

    def ready(self):
        from simplelogin import checks  # noqa: F401  (registers the site's deployment checks)
        from simplelogin.api import schema  # noqa: F401  (registers the OpenAPI description of personal API keys)
