"""Writes of `import_legacy` (accounts/legacy): plans, promo codes and Stripe ids as the 2019 version had them."""

import logging
from datetime import datetime

from django.utils import timezone
from djstripe.models import Customer
from djstripe.settings import djstripe_settings

from billing import stripe_gateway
from billing.models import Membership, Plan, PromoRedemption
from billing.plans import PREMIUM_PLANS
from billing.services.subscriptions import membership_refresh_subscription
from billing.stripe_gateway import GatewayError

log = logging.getLogger(__name__)
PROMO_CODE_MAX_LENGTH = PromoRedemption._meta.get_field("code").max_length


def membership_import(
    *, user, plan: Plan, expires_at: datetime | None, stripe_customer_id: str = "", stripe_subscription_id: str = ""
) -> Membership:
    """Set the person's plan as 2019 had it: a trial keeps its end date, Stripe ids are kept; no mail."""
    values = {
        "plan": plan,
        "expires_at": expires_at,
        "stripe_customer_id": stripe_customer_id or "",
        "stripe_subscription_id": stripe_subscription_id or "",
    }
    updated = Membership.objects.filter(user=user).update(**values, updated_at=timezone.now())
    membership = Membership.objects.get(user=user) if updated else Membership.objects.create(user=user, **values)
    log.debug("membership imported user_id=%s plan=%s expires_at=%s", user.pk, plan, expires_at)
    return membership


def promo_redemptions_import(*, user, codes) -> int:
    """Record the promo codes the person already used in 2019, so each still works only once; returns how many were new."""
    normalized = {code.strip().upper() for code in codes if code and code.strip()}
    normalized = {code for code in normalized if len(code) <= PROMO_CODE_MAX_LENGTH}
    if not normalized:
        return 0
    known = set(PromoRedemption.objects.filter(user=user, code__in=normalized).values_list("code", flat=True))
    PromoRedemption.objects.bulk_create(
        [PromoRedemption(user=user, code=code) for code in sorted(normalized - known)], ignore_conflicts=True
    )
    return len(normalized - known)


def membership_import_stripe(*, user) -> Membership:
    """Re-read the person's 2019 Stripe customer and subscription into dj-stripe and set the plan from Stripe; GatewayError if Stripe fails."""
    import stripe

    membership = Membership.objects.get(user=user)
    try:
        if membership.stripe_customer_id:
            data = stripe_gateway.customer_retrieve(customer_id=membership.stripe_customer_id)
            if data.get("deleted"):
                membership.stripe_customer_id = membership.stripe_subscription_id = ""
                if membership.plan in PREMIUM_PLANS and membership.expires_at is None:
                    membership.expires_at = timezone.now()  # no customer, no subscription: expire_plans downgrades
                membership.save()
                log.info("imported stripe customer is deleted user_id=%s", user.pk)
                return membership
            customer = Customer.sync_from_stripe_data(data, api_key=djstripe_settings.STRIPE_SECRET_KEY)
            Customer.objects.filter(pk=customer.pk).update(subscriber=user)
        if membership.stripe_subscription_id:
            membership = (
                membership_refresh_subscription(subscription_id=membership.stripe_subscription_id, user=user)
                or membership
            )
    except stripe.StripeError as error:
        raise GatewayError("Stripe failed to read the 2019 customer or subscription.") from error
    return membership
