"""Reads about a person's plan (the 2019 rules) and their billing state."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from djstripe.enums import SubscriptionStatus
from djstripe.settings import djstripe_settings

from billing.models import Membership, Plan
from billing.plans import OFFERS, PREMIUM_PLANS

SUBSCRIPTION_LIVE_STATUSES = (SubscriptionStatus.active, SubscriptionStatus.trialing, SubscriptionStatus.past_due)
SUBSCRIPTION_ENDED_STATUSES = (
    SubscriptionStatus.canceled,
    SubscriptionStatus.unpaid,
    SubscriptionStatus.incomplete_expired,
)


def membership_get(*, user) -> Membership | None:
    """The person's membership, or None for a user created outside sign-up."""
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def user_is_premium(*, user, now: datetime | None = None) -> bool:
    """Premium = a monthly/yearly plan, or a trial that has not expired yet."""
    membership = membership_get(user=user)
    if membership is None:
        return False
    now = now or timezone.now()
    if membership.plan in (Plan.MONTHLY, Plan.YEARLY):
        return membership.expires_at is None or membership.expires_at > now
    if membership.plan == Plan.TRIAL:
        return membership.expires_at is not None and membership.expires_at > now
    return False


def user_in_trial(*, user, now: datetime | None = None) -> bool:
    """True while an unexpired trial runs."""
    membership = membership_get(user=user)
    now = now or timezone.now()
    return bool(membership and membership.plan == Plan.TRIAL and membership.expires_at and membership.expires_at > now)


def trial_days_left(*, user, now: datetime | None = None) -> int | None:
    """Whole days (rounded up) until the person's running trial ends; None when no trial runs."""
    now = now or timezone.now()
    if not user_in_trial(user=user, now=now):
        return None
    return math.ceil((user.membership.expires_at - now).total_seconds() / 86400)


def user_can_create_custom_alias(*, user, now: datetime | None = None) -> bool:
    """Custom aliases are a premium (or unexpired trial) feature."""
    return user_is_premium(user=user, now=now)


def user_alias_quota(*, user, now: datetime | None = None) -> int | None:
    """How many aliases the person may own in all; None means no limit."""
    if user_is_premium(user=user, now=now):
        return None
    return settings.MAX_ALIASES_FREE_PLAN


def billing_enabled() -> bool:
    """Stripe billing is on when a secret key and both price ids are configured."""
    return bool(djstripe_settings.STRIPE_SECRET_KEY) and all(offer.price_id for offer in OFFERS)


def promo_codes_exist() -> bool:
    """Whether the operator set any promo code (PROMO_CODES): without one, nobody is asked for a code."""
    return bool(settings.PROMO_CODES)


def membership_for_customer(*, customer_id: str) -> Membership | None:
    """The membership holding this Stripe customer id, if any."""
    if not customer_id:
        return None
    return Membership.objects.filter(stripe_customer_id=customer_id).select_related("user").first()


def subscription_period_end(*, subscription) -> datetime | None:
    """End of the current period, read from the subscription items (the subscription's own field is gone)."""
    items = (subscription.stripe_data.get("items") or {}).get("data") or []
    ends = [item["current_period_end"] for item in items if item.get("current_period_end")]
    if not ends:
        ends = [subscription.stripe_data.get("cancel_at") or subscription.stripe_data.get("current_period_end")]
    end = max((value for value in ends if value), default=None)
    return datetime.fromtimestamp(end, tz=UTC) if end else None


def subscription_price(*, subscription) -> tuple[str, str | None]:
    """The (price id, billing interval) of the subscription's first item."""
    items = (subscription.stripe_data.get("items") or {}).get("data") or []
    if not items:
        return "", None
    price = items[0].get("price") or {}
    return price.get("id", ""), (price.get("recurring") or {}).get("interval")


@dataclass(frozen=True)
class BillingOverview:
    """What the settings page shows about the person's plan."""

    membership: Membership | None
    is_premium: bool
    renews_at: datetime | None
    ends_at: datetime | None
    can_cancel: bool
    can_reactivate: bool
    can_manage: bool
    can_upgrade: bool
    billing_enabled: bool
    promo_codes_exist: bool


def billing_overview(*, user, now: datetime | None = None) -> BillingOverview:
    """The person's plan, when it renews or ends, and which billing buttons apply."""
    from djstripe.models import Subscription

    now = now or timezone.now()
    membership = membership_get(user=user)
    enabled = billing_enabled()
    subscription = None
    if membership and membership.stripe_subscription_id:
        subscription = Subscription.objects.filter(id=membership.stripe_subscription_id).first()
    live = bool(subscription and subscription.status in SUBSCRIPTION_LIVE_STATUSES)
    renewing = bool(live and membership.plan in PREMIUM_PLANS and membership.expires_at is None)
    ending = bool(live and membership.plan in PREMIUM_PLANS and membership.expires_at and membership.expires_at > now)
    return BillingOverview(
        membership=membership,
        is_premium=user_is_premium(user=user, now=now),
        renews_at=subscription_period_end(subscription=subscription) if renewing else None,
        ends_at=membership.expires_at if membership else None,
        can_cancel=enabled and renewing,
        can_reactivate=enabled and ending,
        can_manage=enabled and bool(membership and membership.stripe_customer_id),
        can_upgrade=enabled and not live,
        billing_enabled=enabled,
        promo_codes_exist=promo_codes_exist(),
    )
