"""Applications to the partner programme (2019 `partner` table)."""

from django.conf import settings
from django.db import models


class PartnerApplication(models.Model):
    """Someone asking to become a developer; an admin approves it (which makes its person a developer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="partner_applications",
        help_text="Who was signed in when applying (empty when applied signed out).",
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=128)
    website = models.URLField(max_length=1024, blank=True)
    additional_information = models.TextField(max_length=5000, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"], name="partner_app_created_idx")]

    def __str__(self):
        return f"{self.name} <{self.email}>"
