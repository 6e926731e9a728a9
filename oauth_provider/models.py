"""Client apps registered by developers (the swapped django-oauth-toolkit Application model)."""

import secrets

from django.conf import settings
from django.db import models
from oauth2_provider.models import AbstractApplication


def client_icon_upload_to(instance, filename):
    """Store client icons under a per-client folder."""
    return f"client-icons/{instance.client_id}/{filename}"


class Client(AbstractApplication):
    """An app that offers "Sign in with SimpleLogin"; `user` (from DOT) is its owner."""

    icon = models.ImageField(upload_to=client_icon_upload_to, blank=True, null=True)
    home_url = models.URLField(max_length=1024, blank=True)
    published = models.BooleanField(default=False)
    allow_code_flow = models.BooleanField(default=True)
    allow_implicit_flow = models.BooleanField(default=False)
    allow_hybrid_flow = models.BooleanField(default=False)

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    def __str__(self):
        return self.name or self.client_id


def subject_generate() -> str:
    """A random pairwise subject identifier (OIDC Core 8.1)."""
    return secrets.token_hex(16)


class Authorization(models.Model):
    """A person's consent to a client (2019 `ClientUser`): the identity that client receives."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorizations")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="authorizations")
    alias = models.ForeignKey(
        "accounts.Alias", null=True, blank=True, on_delete=models.PROTECT, related_name="authorizations",
        help_text="The alias shared with the client; empty means the real email was shared.",
    )
    name = models.CharField(max_length=128, blank=True, help_text="The name shown to the client.")
    share_avatar = models.BooleanField(default=False)
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
