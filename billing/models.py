"""A person's plan."""

from django.conf import settings
from django.db import models


class Plan(models.TextChoices):
    """The plans SimpleLogin sells (2019 names)."""

    FREE = "free", "Free"
    TRIAL = "trial", "Trial"
    MONTHLY = "monthly", "Premium monthly"
    YEARLY = "yearly", "Premium yearly"


class Membership(models.Model):
    """One per person: their plan and when it ends (None = renews / never ends)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="membership_expires_idx")]

    def __str__(self):
        return f"{self.user} ({self.plan})"
