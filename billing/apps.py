"""App config for billing."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans, memberships and the Stripe boundary."""

    name = "billing"
