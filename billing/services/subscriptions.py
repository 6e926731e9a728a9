"""Writes of Stripe subscriptions: the customer, Checkout, the portal, cancel/reactivate, and syncing a subscription."""

import logging
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djstripe.models import Customer, Subscription
from djstripe.settings import djstripe_settings
from djstripe.utils import get_id_from_stripe_data

from billing import stripe_gateway
from billing.exceptions import BillingError
from billing.models import Membership
from billing.plans import PREMIUM_PLANS, offer_for_plan, plan_for_price
from billing.selectors import (
    SUBSCRIPTION_ENDED_STATUSES,
    SUBSCRIPTION_LIVE_STATUSES,
    billing_enabled,
    subscription_period_end,
    subscription_price,
)
from billing.services.memberships import membership_fresh, membership_locked
from billing.stripe_gateway import GatewayError

log = logging.getLogger(__name__)


def customer_ensure(*, user) -> str:
    """The person's Stripe customer id, creating the customer on Stripe the first time only."""
    with transaction.atomic():
        membership = membership_locked(user=user)
        if membership.stripe_customer_id:
            return membership.stripe_customer_id
        key = f"sl-customer-{user.pk}-{int(membership.updated_at.timestamp() * 1000)}"
        data = stripe_gateway.customer_create(email=user.email, user_id=user.pk, idempotency_key=key)
        customer = Customer.sync_from_stripe_data(data, api_key=djstripe_settings.STRIPE_SECRET_KEY)
        Customer.objects.filter(pk=customer.pk).update(subscriber=user)
        membership.stripe_customer_id = customer.id
        membership.save(update_fields=["stripe_customer_id", "updated_at"])
    log.info("stripe customer created user_id=%s customer_id=%s", user.pk, customer.id)
    return customer.id


def checkout_start(*, user, plan: str, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout session (subscription mode) for a premium plan; returns its URL."""
    offer = offer_for_plan(plan)
    if not billing_enabled():
        raise BillingError(_("Payments are not available on this server."))
    if offer is None:
        raise BillingError(_("Choose the monthly or the yearly plan."))
    membership = membership_fresh(user=user)
    if (
        membership
        and membership.stripe_subscription_id
        and membership.plan in PREMIUM_PLANS
        and membership.expires_at is None
    ):
        raise BillingError(_("You already have a subscription: manage it from Settings."))
    try:
        customer_id = customer_ensure(user=user)
        session = stripe_gateway.checkout_session_create(
            customer_id=customer_id,
            price_id=offer.price_id,
            user_id=user.pk,
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except GatewayError as error:
        raise BillingError(
            _("%(error)s Nothing was charged; please try again in a minute.") % {"error": error}
        ) from error
    log.info("checkout started user_id=%s plan=%s", user.pk, offer.plan)
    return session.url


def portal_start(*, user, return_url: str) -> str:
    """Open a Stripe Customer Portal session (card, invoices); returns its URL."""
    membership = membership_fresh(user=user)
    if not billing_enabled() or not membership or not membership.stripe_customer_id:
        raise BillingError(_("There is no billing account to manage yet."))
    try:
        return stripe_gateway.portal_session_create(
            customer_id=membership.stripe_customer_id, return_url=return_url
        ).url
    except GatewayError as error:
        raise BillingError(_("%(error)s Please try again in a minute.") % {"error": error}) from error


def subscription_sync(*, subscription_id: str) -> Subscription:
    """Read the subscription from Stripe now and store it in dj-stripe."""
    data = stripe_gateway.subscription_retrieve(subscription_id=subscription_id)
    return Subscription.sync_from_stripe_data(data, api_key=djstripe_settings.STRIPE_SECRET_KEY)


def membership_refresh_subscription(*, subscription_id: str, user=None) -> Membership | None:
    """Re-read a subscription from Stripe (into dj-stripe) and set the person's Membership from it."""
    return membership_apply_subscription(subscription=subscription_sync(subscription_id=subscription_id), user=user)


def _subscription_set_cancel(*, user, cancel: bool) -> Membership:
    membership = membership_fresh(user=user)
    if not billing_enabled() or not membership or not membership.stripe_subscription_id:
        raise BillingError(_("You have no subscription to change."))
    try:
        data = stripe_gateway.subscription_set_cancel_at_period_end(
            subscription_id=membership.stripe_subscription_id, cancel=cancel
        )
    except GatewayError as error:
        raise BillingError(
            _("%(error)s Your plan is unchanged; please try again in a minute.") % {"error": error}
        ) from error
    try:
        subscription = Subscription.sync_from_stripe_data(data, api_key=djstripe_settings.STRIPE_SECRET_KEY)
    except Exception as error:  # Stripe has the change; its webhook brings it here, so no error page now
        log.warning("subscription sync deferred to webhook user_id=%s error=%s", user.pk, type(error).__name__)
        return membership
    return membership_apply_subscription(subscription=subscription) or membership


def subscription_cancel(*, user) -> Membership:
    """Cancel at period end (Stripe `cancel_at_period_end=True`): premium lasts until the period ends."""
    return _subscription_set_cancel(user=user, cancel=True)


def subscription_reactivate(*, user) -> Membership:
    """Undo a cancellation before the period ends (`cancel_at_period_end=False`)."""
    return _subscription_set_cancel(user=user, cancel=False)


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def membership_apply_locked(*, membership: Membership, subscription: Subscription, now: datetime) -> Membership:
    """Set a (locked) membership from the subscription: live → premium by its price, ended → it ends."""
    status = subscription.status
    customer_id = get_id_from_stripe_data(subscription.stripe_data.get("customer")) or ""
    current = membership.stripe_subscription_id
    if current and current != subscription.id and status not in SUBSCRIPTION_LIVE_STATUSES:
        log.info(
            "subscription ignored user_id=%s subscription_id=%s status=%s", membership.user_id, subscription.id, status
        )
        return membership
    was_premium_until = membership.expires_at if membership.plan in PREMIUM_PLANS else None
    if status in SUBSCRIPTION_LIVE_STATUSES:
        price_id, interval = subscription_price(subscription=subscription)
        membership.plan = plan_for_price(price_id=price_id, interval=interval)
        cancel_at = _timestamp(subscription.stripe_data.get("cancel_at"))
        if subscription.cancel_at_period_end:
            end = subscription_period_end(subscription=subscription) or cancel_at or now
        else:
            end = cancel_at
        membership.expires_at = max(end, was_premium_until) if end and was_premium_until else end
        membership.stripe_subscription_id = subscription.id
        membership.stripe_customer_id = customer_id or membership.stripe_customer_id
    elif status in SUBSCRIPTION_ENDED_STATUSES:
        ended = _timestamp(subscription.stripe_data.get("ended_at")) or now
        if membership.plan in PREMIUM_PLANS and not (was_premium_until and was_premium_until > ended):
            membership.expires_at = ended
    else:
        log.info(
            "subscription not usable yet user_id=%s subscription_id=%s status=%s",
            membership.user_id,
            subscription.id,
            status,
        )
        return membership
    membership.save()
    log.info(
        "membership synced user_id=%s plan=%s expires_at=%s subscription_id=%s status=%s",
        membership.user_id,
        membership.plan,
        membership.expires_at,
        subscription.id,
        status,
    )
    return membership


def membership_apply_subscription(
    *, subscription: Subscription, user=None, now: datetime | None = None
) -> Membership | None:
    """Set the Membership from a dj-stripe subscription: live → premium (end date if cancelled), ended → expires."""
    now = now or timezone.now()
    with transaction.atomic():
        if user is not None:
            membership = membership_locked(user=user)
        else:
            customer_id = get_id_from_stripe_data(subscription.stripe_data.get("customer"))
            membership = Membership.objects.select_for_update().filter(stripe_customer_id=customer_id).first()
        if membership is None:
            log.warning("subscription of unknown customer subscription_id=%s", subscription.id)
            return None
        return membership_apply_locked(membership=membership, subscription=subscription, now=now)
