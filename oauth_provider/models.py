"""Client apps registered by developers (the swapped django-oauth-toolkit Application model)."""

import hashlib
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from oauth2_provider.models import AbstractApplication, AbstractGrant

LOOPBACK_HOSTS = ("127.0.0.1", "::1")


def redirect_uri_problem(uri: str) -> str | None:
    """Why a redirect URI may not be registered, or None (RFC 9700 2.1, RFC 8252 7.3)."""
    parts = urlsplit(uri)
    if "#" in uri:
        return "A redirect URI cannot contain a fragment (#)."
    if "*" in uri:
        return "Wildcards are not allowed in redirect URIs."
    if "@" in parts.netloc:
        return "A redirect URI cannot contain credentials."
    if not parts.hostname:
        return "A redirect URI must be an absolute URL."
    if uri.startswith(settings.URL.rstrip("/") + "/"):
        return None  # this site itself (the developer playground), whatever its scheme
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return None
    return "Use https, or http://127.0.0.1 / http://[::1] for apps running on the person's computer."


def redirect_uri_problems(uris) -> list[tuple[str, str]]:
    """(uri, problem) for each URI that may not be registered."""
    return [(uri, problem) for uri in uris if (problem := redirect_uri_problem(uri))]


def client_icon_upload_to(instance, filename):
    """Store client icons under a per-client folder."""
    return f"client-icons/{instance.client_id}/{filename}"


class Client(AbstractApplication):
    """An app that offers "Sign in with SimpleLogin"; `user` (from DOT) is its owner."""

    icon = models.ImageField(upload_to=client_icon_upload_to, blank=True, null=True)
    home_url = models.URLField(max_length=1024, blank=True)
    policy_uri = models.URLField(max_length=1024, blank=True, help_text="The app's privacy policy (shown on consent).")
    tos_uri = models.URLField(max_length=1024, blank=True, help_text="The app's terms of service (shown on consent).")
    algorithm = models.CharField(
        max_length=5,
        choices=[(AbstractApplication.RS256_ALGORITHM, "RSA with SHA-2 256")],
        default=AbstractApplication.RS256_ALGORITHM,
        help_text="Every client's id_tokens are signed RS256 with the site's current key (oauth_provider/keys.py).",
    )
    accepts_query_access_token = models.BooleanField(
        default=False,
        help_text="This app sends the access token in the query string (older libraries such as "
        "python-social-auth); RFC 6750 2.3 allows it, RFC 9700 advises against it.",
    )
    refresh_without_offline_access = models.BooleanField(
        default=False,
        help_text="Refresh tokens even when the person did not grant offline_access: apps registered before "
        "SimpleLogin offered offline_access, and 2019 imports. Other apps get one only with it (OIDC Core 11).",
    )
    published = models.BooleanField(default=False)
    allow_code_flow = models.BooleanField(default=True)
    allow_implicit_flow = models.BooleanField(default=False)
    allow_hybrid_flow = models.BooleanField(default=False)
    # Dynamic client registration (RFC 7591) and request objects (OIDC Core 6.1).
    logo_uri = models.URLField(
        max_length=1024,
        blank=True,
        help_text="Registered logo_uri (RFC 7591): stored and returned, never fetched or shown; the console icon is.",
    )
    contacts = models.JSONField(default=list, blank=True, help_text="Registered contact emails (RFC 7591).")
    token_endpoint_auth_method = models.CharField(
        max_length=32,
        blank=True,
        help_text="Registered token_endpoint_auth_method (RFC 7591); empty: console client.",
    )
    jwks_uri = models.URLField(
        max_length=1024,
        blank=True,
        help_text="Where the app publishes the keys that sign its request objects.",
    )
    jwks = models.JSONField(null=True, blank=True, help_text="The app's public keys by value (instead of jwks_uri).")
    request_uris = models.JSONField(
        default=list,
        blank=True,
        help_text="URLs that may hold the app's request objects (OIDC Core 6.2).",
    )
    registration_token = models.ForeignKey(
        "oauth_provider.RegistrationToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clients",
        help_text="The initial access token that registered this client (RFC 7591 3).",
    )
    registration_access_token_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the RFC 7592 registration access token.",
    )

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    def __str__(self):
        return self.name or self.client_id

    def allows_grant_type(self, *grant_types):
        """One client may use the code, implicit and hybrid flows together (the flags), never others."""
        allowed = set()
        if self.allow_code_flow:
            allowed.add(self.GRANT_AUTHORIZATION_CODE)
        if self.allow_implicit_flow:
            allowed.add(self.GRANT_IMPLICIT)
        if self.allow_hybrid_flow:
            allowed.add(self.GRANT_OPENID_HYBRID)
        return bool(allowed.intersection(grant_types))

    @property
    def jwk_key(self):
        """Every client's id_tokens are signed with the site's current RS256 key."""
        from oauth_provider.keys import signing_key

        return signing_key()

    def clean(self):
        """DOT's checks plus ours: https or loopback http, no fragments, no wildcards."""
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
            errors.pop("algorithm", None)  # DOT wants OIDC_RSA_PRIVATE_KEY; our keys come from oauth_provider/keys.py
        uris = self.redirect_uris.split() + self.post_logout_redirect_uris.split()
        problems = [problem for _uri, problem in redirect_uri_problems(uris)]
        if problems:
            errors.setdefault("redirect_uris", []).extend(sorted(set(problems)))
        if errors:
            raise ValidationError(errors)


def token_digest(token: str) -> str:
    """SHA-256 hex digest of a long random token (initial and registration access tokens)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class RegistrationToken(models.Model):
    """An initial access token (RFC 7591 3): its holder may register clients owned by `owner`; only its digest is kept."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_tokens")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token (shown once, never stored).")
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: valid until deleted.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.label or f"registration token {self.pk}"


class AuthorizationCode(AbstractGrant):
    """DOT's Grant (swapped) that remembers its use, so a replayed code revokes what it issued (RFC 9700 4.2.4)."""

    auth_time = models.DateTimeField(null=True, blank=True)
    amr = models.CharField(max_length=64, blank=True, default="", help_text="RFC 8176 values, space-separated.")
    acr = models.CharField(max_length=64, blank=True, default="", help_text="oauth_provider.constants.Acr")
    used_at = models.DateTimeField(null=True, blank=True)
    access_token_id = models.BigIntegerField(null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, db_index=True)  # refreshes find their code's amr/acr

    class Meta(AbstractGrant.Meta):
        swappable = "OAUTH2_PROVIDER_GRANT_MODEL"


def subject_generate() -> str:
    """A random pairwise subject identifier (OIDC Core 8.1)."""
    return secrets.token_hex(16)


class Authorization(models.Model):
    """A person's consent to a client (2019 `ClientUser`): the identity that client receives."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorizations")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="authorizations")
    alias = models.ForeignKey(
        "accounts.Alias",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorizations",
        help_text="The alias shared with the client; empty means the real email was shared.",
    )
    name = models.CharField(max_length=128, blank=True, help_text="The name shown to the client.")
    share_avatar = models.BooleanField(default=False)
    scope = models.TextField(blank=True, default="", help_text="Scopes the person granted, space-separated.")
    sub = models.CharField(max_length=255, default=subject_generate, help_text="Pairwise subject identifier.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="authorization_user_client_unique"),
            models.UniqueConstraint(fields=["client", "sub"], name="authorization_client_sub_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.client}"

    def covers(self, scopes) -> bool:
        """Whether the person already granted every one of these scopes."""
        return set(scopes) <= set(self.scope.split())


class SigningKey(models.Model):
    """An RSA key that signs id_tokens, kept in the database when KEY_ENCRYPTION_KEY is set (oauth_provider.keys).

    Every instance publishes every row; the one with the latest `signs_from` in the past signs.
    """

    kid = models.CharField(max_length=64, unique=True, help_text="RFC 7638 SHA-256 thumbprint.")
    private_key_encrypted = models.TextField(help_text="PKCS#8 PEM encrypted with KEY_ENCRYPTION_KEY (Fernet).")
    created_at = models.DateTimeField(auto_now_add=True)
    signs_from = models.DateTimeField(help_text="When it starts signing: after every instance has published it.")
    retired_at = models.DateTimeField(null=True, blank=True, help_text="When a newer key took over signing.")

    class Meta:
        ordering = ["signs_from"]

    def __str__(self):
        return self.kid
