"""App config for the OpenID Connect provider."""

from django.apps import AppConfig


class OAuthProviderConfig(AppConfig):
    """Client apps, consent and the OpenID Connect endpoints."""

    name = "oauth_provider"
    verbose_name = "OpenID Connect provider"
