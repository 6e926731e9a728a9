"""Personal API keys that people create on the settings page for their scripts."""

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    """A personal API key; only the SHA-256 of the key is stored, the key itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=64, help_text="What the person uses the key for.")
    prefix = models.CharField(
        max_length=16, unique=True, help_text="The key's first characters (not secret), shown to tell keys apart."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 (hex) of the whole key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
