"""The one definition of what each plan allows and costs (the pricing page and the rules read it)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.models import Plan

PREMIUM_PLANS = (Plan.MONTHLY, Plan.YEARLY)
PROMO_DURATION_DAYS = 365


@dataclass(frozen=True)
class Offer:
    """A premium plan sold on Stripe: its label, displayed price and Stripe price id setting."""

    plan: Plan
    price_label: str
    period_label: str
    price_setting: str

    @property
    def price_id(self) -> str:
        """The Stripe price id from the environment ('' when not configured)."""
        return getattr(settings, self.price_setting, "")


OFFERS = (
    Offer(plan=Plan.MONTHLY, price_label="$2.99", period_label=_("per month"), price_setting="STRIPE_PRICE_MONTHLY"),
    Offer(plan=Plan.YEARLY, price_label="$29.99", period_label=_("per year"), price_setting="STRIPE_PRICE_YEARLY"),
)


def free_features() -> list[str]:
    """What the free plan allows."""
    return [
        _("Up to %(count)s aliases") % {"count": settings.MAX_ALIASES_FREE_PLAN},
        _("Random aliases only"),
        _("Sign in with SimpleLogin on every app"),
    ]


def premium_features() -> list[str]:
    """What a premium plan (or a running trial) allows."""
    return [
        _("Unlimited aliases"),
        _("Custom aliases (your own prefix)"),
        _("Sign in with SimpleLogin on every app"),
        _("Support the project"),
    ]


def offer_for_plan(plan: str) -> Offer | None:
    """The offer selling `plan`, or None."""
    return next((offer for offer in OFFERS if offer.plan == plan), None)


def plan_for_price(*, price_id: str, interval: str | None = None) -> Plan:
    """The plan a Stripe price stands for: by configured id first, then by billing interval."""
    for offer in OFFERS:
        if offer.price_id and offer.price_id == price_id:
            return offer.plan
    return Plan.YEARLY if interval == "year" else Plan.MONTHLY
