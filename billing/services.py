"""Writes to a person's plan: trial, Stripe subscriptions, promo codes, admin grants and expiry."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from djstripe.models import Customer, Subscription
from djstripe.settings import djstripe_settings
from djstripe.utils import get_id_from_stripe_data

from billing import emails, stripe_gateway
from billing.models import Membership, Plan, PromoRedemption, StripeCustomerToDelete
from billing.plans import PREMIUM_PLANS, PROMO_DURATION_DAYS, offer_for_plan, plan_for_price
from billing.selectors import (
    SUBSCRIPTION_ENDED_STATUSES,
    SUBSCRIPTION_LIVE_STATUSES,
    billing_enabled,
    subscription_period_end,
    subscription_price,
)
from billing.stripe_gateway import GatewayError

log = logging.getLogger(__name__)


class BillingError(Exception):
    """A billing action that cannot be done; the message is meant for the person."""


def membership_start_trial(*, user, now: datetime | None = None) -> Membership:
    """Give a new person their membership: a trial of TRIAL_DAYS (2019: 15 days)."""
    now = now or timezone.now()
    membership, _ = Membership.objects.get_or_create(
        user=user, defaults={"plan": Plan.TRIAL, "expires_at": now + timedelta(days=settings.TRIAL_DAYS)}
    )
    return membership


def _membership_fresh(*, user) -> Membership | None:
    return Membership.objects.filter(user=user).first()


def _membership_locked(*, user) -> Membership:
    membership, _ = Membership.objects.select_for_update().get_or_create(user=user, defaults={"plan": Plan.FREE})
    return membership


def customer_ensure(*, user) -> str:
    """The person's Stripe customer id, creating the customer on Stripe the first time only."""
    with transaction.atomic():
        membership = _membership_locked(user=user)
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
        raise BillingError("Payments are not available on this server.")
    if offer is None:
        raise BillingError("Choose the monthly or the yearly plan.")
    membership = _membership_fresh(user=user)
    if membership and membership.stripe_subscription_id and membership.plan in PREMIUM_PLANS and membership.expires_at is None:
        raise BillingError("You already have a subscription: manage it from Settings.")
    try:
        customer_id = customer_ensure(user=user)
        session = stripe_gateway.checkout_session_create(
            customer_id=customer_id, price_id=offer.price_id, user_id=user.pk, success_url=success_url, cancel_url=cancel_url
        )
    except GatewayError as error:
        raise BillingError(f"{error} Nothing was charged; please try again in a minute.") from error
    log.info("checkout started user_id=%s plan=%s", user.pk, offer.plan)
    return session.url


def portal_start(*, user, return_url: str) -> str:
    """Open a Stripe Customer Portal session (card, invoices); returns its URL."""
    membership = _membership_fresh(user=user)
    if not billing_enabled() or not membership or not membership.stripe_customer_id:
        raise BillingError("There is no billing account to manage yet.")
    try:
        return stripe_gateway.portal_session_create(customer_id=membership.stripe_customer_id, return_url=return_url).url
    except GatewayError as error:
        raise BillingError(f"{error} Please try again in a minute.") from error


def subscription_sync(*, subscription_id: str) -> Subscription:
    """Read the subscription from Stripe now and store it in dj-stripe."""
    data = stripe_gateway.subscription_retrieve(subscription_id=subscription_id)
    return Subscription.sync_from_stripe_data(data, api_key=djstripe_settings.STRIPE_SECRET_KEY)


def membership_refresh_subscription(*, subscription_id: str, user=None) -> Membership | None:
    """Re-read a subscription from Stripe (into dj-stripe) and set the person's Membership from it."""
    return membership_apply_subscription(subscription=subscription_sync(subscription_id=subscription_id), user=user)


def _subscription_set_cancel(*, user, cancel: bool) -> Membership:
    membership = _membership_fresh(user=user)
    if not billing_enabled() or not membership or not membership.stripe_subscription_id:
        raise BillingError("You have no subscription to change.")
    try:
        data = stripe_gateway.subscription_set_cancel_at_period_end(
            subscription_id=membership.stripe_subscription_id, cancel=cancel
        )
    except GatewayError as error:
        raise BillingError(f"{error} Your plan is unchanged; please try again in a minute.") from error
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
    return datetime.fromtimestamp(value, tz=dt_timezone.utc) if value else None


def _apply(*, membership: Membership, subscription: Subscription, now: datetime) -> Membership:
    status = subscription.status
    customer_id = get_id_from_stripe_data(subscription.stripe_data.get("customer")) or ""
    current = membership.stripe_subscription_id
    if current and current != subscription.id and status not in SUBSCRIPTION_LIVE_STATUSES:
        log.info("subscription ignored user_id=%s subscription_id=%s status=%s", membership.user_id, subscription.id, status)
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
        log.info("subscription not usable yet user_id=%s subscription_id=%s status=%s", membership.user_id, subscription.id, status)
        return membership
    membership.save()
    log.info(
        "membership synced user_id=%s plan=%s expires_at=%s subscription_id=%s status=%s",
        membership.user_id, membership.plan, membership.expires_at, subscription.id, status,
    )
    return membership


def membership_apply_subscription(*, subscription: Subscription, user=None, now: datetime | None = None) -> Membership | None:
    """Set the Membership from a dj-stripe subscription: live → premium (end date if cancelled), ended → expires."""
    now = now or timezone.now()
    with transaction.atomic():
        if user is not None:
            membership = _membership_locked(user=user)
        else:
            customer_id = get_id_from_stripe_data(subscription.stripe_data.get("customer"))
            membership = Membership.objects.select_for_update().filter(stripe_customer_id=customer_id).first()
        if membership is None:
            log.warning("subscription of unknown customer subscription_id=%s", subscription.id)
            return None
        return _apply(membership=membership, subscription=subscription, now=now)


def promo_redeem(*, user, code: str, now: datetime | None = None) -> Membership:
    """Use a promo code: one year of premium from today or from the current end date, once per code and person."""
    now = now or timezone.now()
    normalized = code.strip().upper()
    if not normalized or normalized not in settings.PROMO_CODES:
        raise BillingError("This promo code is not valid.")
    with transaction.atomic():
        membership = _membership_locked(user=user)
        if PromoRedemption.objects.filter(user=user, code=normalized).exists():
            raise BillingError("You have already used this promo code.")
        if membership.plan in PREMIUM_PLANS and membership.expires_at is None:
            raise BillingError("Your subscription renews by itself: cancel it first to use a promo code.")
        start = membership.expires_at if membership.plan != Plan.FREE and membership.expires_at else now
        membership.expires_at = max(start, now) + timedelta(days=PROMO_DURATION_DAYS)
        membership.plan = membership.plan if membership.plan in PREMIUM_PLANS else Plan.YEARLY
        try:
            with transaction.atomic():
                PromoRedemption.objects.create(user=user, code=normalized)
        except IntegrityError as error:
            raise BillingError("You have already used this promo code.") from error
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
    membership = _membership_fresh(user=user)
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


@dataclass
class ExpiryReport:
    """What one `expire_plans` run did (or would do, with dry_run)."""

    downgraded: int = 0
    renewed: int = 0
    failed: int = 0
    reminded: int = 0
    customers_deleted: int = 0


Progress = Callable[[str, int, ExpiryReport], None]


def _in_batches(queryset, *, batch_size: int, handle: Callable, report: ExpiryReport, label: str, progress: Progress | None):
    skipped: list[int] = []
    batch_number = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.exclude(pk__in=skipped).select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch_size])
            if not batch:
                return
            for row in batch:
                try:
                    with transaction.atomic():
                        handle(row)
                except Exception as error:  # one person's failure must not stop the run; retried next run
                    report.failed += 1
                    skipped.append(row.pk)
                    log.warning("%s failed id=%s error=%s", label, row.pk, type(error).__name__)
        batch_number += 1
        if progress:
            progress(label, batch_number, report)


def plan_expire_due(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 100, progress: Progress | None = None
) -> ExpiryReport:
    """Downgrade every plan whose end passed (after re-reading its Stripe subscription), in locked batches."""
    now = now or timezone.now()
    report = ExpiryReport()
    due = Membership.objects.filter(plan__in=[Plan.TRIAL, *PREMIUM_PLANS], expires_at__lte=now)
    orphans = StripeCustomerToDelete.objects.all()
    if dry_run:
        report.downgraded, report.customers_deleted = due.count(), orphans.count()
        return report

    def expire(membership: Membership) -> None:
        if membership.stripe_subscription_id and billing_enabled():
            subscription = subscription_sync(subscription_id=membership.stripe_subscription_id)
            _apply(membership=membership, subscription=subscription, now=now)
            if membership.expires_at is None or membership.expires_at > now:
                report.renewed += 1
                return
        membership_downgrade(membership=membership, now=now)
        report.downgraded += 1

    def delete_orphan(row: StripeCustomerToDelete) -> None:
        stripe_gateway.customer_delete(customer_id=row.customer_id)
        row.delete()
        report.customers_deleted += 1

    _in_batches(due, batch_size=batch_size, handle=expire, report=report, label="expire", progress=progress)
    _in_batches(orphans, batch_size=batch_size, handle=delete_orphan, report=report, label="orphan customers", progress=progress)
    return report


def trial_reminders_send(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 100, report: ExpiryReport | None = None,
    progress: Progress | None = None,
) -> ExpiryReport:
    """Mail, once, each person whose trial ends within TRIAL_REMINDER_DAYS."""
    now = now or timezone.now()
    report = report or ExpiryReport()
    due = Membership.objects.filter(
        plan=Plan.TRIAL,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=settings.TRIAL_REMINDER_DAYS),
        trial_reminder_sent_at__isnull=True,
    ).select_related("user")
    if dry_run:
        report.reminded = due.count()
        return report

    def remind(membership: Membership) -> None:
        emails.send_trial_ending(user=membership.user, ends_at=membership.expires_at)
        membership.trial_reminder_sent_at = now
        membership.save(update_fields=["trial_reminder_sent_at", "updated_at"])
        report.reminded += 1

    _in_batches(due, batch_size=batch_size, handle=remind, report=report, label="trial reminders", progress=progress)
    return report


# --- import from the 2019 version (accounts/legacy) -----------------------------------------------------

PROMO_CODE_MAX_LENGTH = PromoRedemption._meta.get_field("code").max_length


def membership_import(
    *, user, plan: Plan, expires_at: datetime | None, stripe_customer_id: str = "", stripe_subscription_id: str = ""
) -> Membership:
    """Set the person's plan as 2019 had it: a trial keeps its end date, Stripe ids are kept; no mail."""
    values = {
        "plan": plan, "expires_at": expires_at,
        "stripe_customer_id": stripe_customer_id or "", "stripe_subscription_id": stripe_subscription_id or "",
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
            membership = membership_refresh_subscription(
                subscription_id=membership.stripe_subscription_id, user=user
            ) or membership
    except stripe.StripeError as error:
        raise GatewayError("Stripe failed to read the 2019 customer or subscription.") from error
    return membership
