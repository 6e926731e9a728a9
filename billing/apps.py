"""App config for billing."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans, memberships and the Stripe boundary."""

    name = "billing"

    def ready(self):
        from billing import webhooks  # noqa: F401  (connects the Stripe event handlers after dj-stripe's)
