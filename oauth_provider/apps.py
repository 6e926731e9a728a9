"""App config for the OpenID Connect provider."""

from django.apps import AppConfig


class OAuthProviderConfig(AppConfig):
    """Client apps, consent and the OpenID Connect endpoints."""

    name = "oauth_provider"
    verbose_name = "OpenID Connect provider"

    def ready(self):
        """Record each session's log-in time for auth_time and max_age."""
        from django.contrib.auth.signals import user_logged_in

        from oauth_provider.sessions import session_auth_time_record

        user_logged_in.connect(session_auth_time_record, dispatch_uid="oauth_provider_auth_time")
