"""Writes to a person's plan: the trial, promo codes, admin grants, downgrades, and closing the billing account."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djstripe.models import Customer

from billing import stripe_gateway
from billing.exceptions import BillingError
from billing.models import Membership, Plan, PromoRedemption, StripeCustomerToDelete
from billing.plans import PREMIUM_PLANS, PROMO_DURATION_DAYS
from billing.stripe_gateway import GatewayError

log = logging.getLogger(__name__)


def membership_start_trial(*, user, now: datetime | None = None) -> Membership:
    """Give a new person their membership: a trial of TRIAL_DAYS (2019: 15 days)."""
    now = now or timezone.now()
    membership, _created = Membership.objects.get_or_create(
        user=user, defaults={"plan": Plan.TRIAL, "expires_at": now + timedelta(days=settings.TRIAL_DAYS)}
    )
    return membership


def membership_fresh(*, user) -> Membership | None:
    """The person's membership read now (not the cached relation), or None."""
    return Membership.objects.filter(user=user).first()


def membership_locked(*, user) -> Membership:
    """The person's membership locked for update (inside a transaction), created as free when missing."""
    membership, _created = Membership.objects.select_for_update().get_or_create(user=user, defaults={"plan": Plan.FREE})
    return membership


def promo_redeem(*, user, code: str, now: datetime | None = None) -> Membership:
    """Use a promo code: one year of premium from today or from the current end date, once per code and person."""
    now = now or timezone.now()
    normalized = code.strip().upper()
    if not normalized or normalized not in settings.PROMO_CODES:
        raise BillingError(_("This promo code is not valid."))
    with transaction.atomic():
        membership = membership_locked(user=user)
        if PromoRedemption.objects.filter(user=user, code=normalized).exists():
            raise BillingError(_("You have already used this promo code."))
        if membership.plan in PREMIUM_PLANS and membership.expires_at is None:
            raise BillingError(_("Your subscription renews by itself: cancel it first to use a promo code."))
        start = membership.expires_at if membership.plan != Plan.FREE and membership.expires_at else now
        membership.expires_at = max(start, now) + timedelta(days=PROMO_DURATION_DAYS)
        membership.plan = membership.plan if membership.plan in PREMIUM_PLANS else Plan.YEARLY
        try:
            with transaction.atomic():
                PromoRedemption.objects.create(user=user, code=normalized)
        except IntegrityError as error:
            raise BillingError(_("You have already used this promo code.")) from error
        membership.save()
    log.info("promo code used user_id=%s expires_at=%s", user.pk, membership.expires_at)
    return membership


def membership_grant(*, membership: Membership, until: datetime) -> Membership:
    """Admin: premium until a date (a renewing Stripe subscription is left alone)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.plan in PREMIUM_PLANS and membership.expires_at is None:
            raise BillingError(f"{membership.user} has a renewing subscription.")
        membership.plan = membership.plan if membership.plan in PREMIUM_PLANS else Plan.YEARLY
        membership.expires_at = until
        membership.save()
    log.info("premium granted user_id=%s expires_at=%s", membership.user_id, until)
    return membership


def membership_downgrade(*, membership: Membership, now: datetime | None = None) -> Membership:
    """Back to free now: delete the Stripe customer (ending its subscription) and clear the Stripe references."""
    now = now or timezone.now()
    if membership.stripe_customer_id:
        stripe_gateway.customer_delete(customer_id=membership.stripe_customer_id)
        Customer.objects.filter(id=membership.stripe_customer_id).update(subscriber=None, date_purged=now)
    membership.plan = Plan.FREE
    membership.expires_at = None
    membership.stripe_customer_id = ""
    membership.stripe_subscription_id = ""
    membership.save()
    log.info("membership downgraded user_id=%s", membership.user_id)
    return membership


def billing_account_close(*, user) -> None:
    """Before a person is deleted: delete their Stripe customer, or queue it for `expire_plans` if Stripe fails."""
    membership = membership_fresh(user=user)
    if not membership or not membership.stripe_customer_id:
        return
    customer_id = membership.stripe_customer_id
    try:
        stripe_gateway.customer_delete(customer_id=customer_id)
    except GatewayError:
        StripeCustomerToDelete.objects.get_or_create(customer_id=customer_id)
        log.warning("stripe customer queued for deletion user_id=%s customer_id=%s", user.pk, customer_id)
        return
    Customer.objects.filter(id=customer_id).update(subscriber=None, date_purged=timezone.now())
    log.info("stripe customer deleted user_id=%s customer_id=%s", user.pk, customer_id)
