"""A person's plan, the promo codes they used, and Stripe customers left to delete."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.TextChoices):
    """The plans SimpleLogin sells (2019 names)."""

    FREE = "free", _("Free")
    TRIAL = "trial", _("Trial")
    MONTHLY = "monthly", _("Premium monthly")
    YEARLY = "yearly", _("Premium yearly")


class Membership(models.Model):
    """One per person: their plan and when it ends (None = renews / never ends)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, default="")
    trial_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="membership_expires_idx")]

    def __str__(self):
        return f"{self.user} ({self.plan})"


class PromoRedemption(models.Model):
    """A promo code a person has used (each code works once per person)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="promo_redemptions")
    code = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="promo_once_per_person")]

    def __str__(self):
        return f"{self.code} by {self.user_id}"


class StripeCustomerToDelete(models.Model):
    """A Stripe customer whose person is gone; `expire_plans` deletes it on Stripe."""

    customer_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.customer_id
