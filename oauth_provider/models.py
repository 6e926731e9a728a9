"""Client apps registered by developers (the swapped django-oauth-toolkit Application model)."""

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
