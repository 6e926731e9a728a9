"""App config for the JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/, personal API keys and the OpenAPI schema."""

    name = "api"

    def ready(self):
        from api import schema  # noqa: F401  (registers the drf-spectacular extension for API keys)
