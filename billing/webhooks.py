"""Stripe webhook handlers, one per event: each re-reads the object dj-stripe synced and calls one service.

dj-stripe verifies the signature, drops duplicate events and re-retrieves the object from Stripe before these
run (its receivers are connected first), so the state read here is Stripe's current one even when events
arrive out of order.
"""

import logging

from django.contrib.auth import get_user_model
from djstripe.enums import SessionMode
from djstripe.event_handlers import djstripe_receiver
from djstripe.models import Invoice, Session, Subscription
from djstripe.utils import get_id_from_stripe_data

from billing import services

log = logging.getLogger(__name__)


def _object_id(event) -> str:
    return event.data["object"]["id"]


def _invoice_subscription_id(invoice: Invoice) -> str | None:
    parent = invoice.stripe_data.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return get_id_from_stripe_data(details.get("subscription") or invoice.stripe_data.get("subscription"))


@djstripe_receiver("checkout.session.completed")
def checkout_session_completed(sender, event, **kwargs):
    """Checkout finished: attach its subscription to the person who opened the session."""
    session = Session.objects.filter(id=_object_id(event)).first()
    subscription_id = get_id_from_stripe_data(session.stripe_data.get("subscription")) if session else None
    if not subscription_id or session.mode != SessionMode.subscription:
        return
    reference = str(session.client_reference_id or "")
    user = get_user_model().objects.filter(pk=int(reference)).first() if reference.isdigit() else None
    services.membership_refresh_subscription(subscription_id=subscription_id, user=user)


def _subscription_changed(event) -> None:
    subscription = Subscription.objects.filter(id=_object_id(event)).first()
    if subscription is None:  # gone from Stripe before dj-stripe could re-read it
        log.warning("subscription event skipped event_id=%s", event.id)
        return
    services.membership_apply_subscription(subscription=subscription)


@djstripe_receiver("customer.subscription.created")
def customer_subscription_created(sender, event, **kwargs):
    """A subscription started: premium by its price."""
    _subscription_changed(event)


@djstripe_receiver("customer.subscription.updated")
def customer_subscription_updated(sender, event, **kwargs):
    """Cancelled at period end, reactivated, renewed, plan changed, or payment state changed."""
    _subscription_changed(event)


@djstripe_receiver("customer.subscription.deleted")
def customer_subscription_deleted(sender, event, **kwargs):
    """The subscription ended: the plan ends now (or at its later paid end); `expire_plans` downgrades."""
    _subscription_changed(event)


def _invoice_changed(event) -> None:
    invoice = Invoice.objects.filter(id=_object_id(event)).first()
    subscription_id = _invoice_subscription_id(invoice) if invoice else None
    if subscription_id:
        services.membership_refresh_subscription(subscription_id=subscription_id)


@djstripe_receiver("invoice.paid")
def invoice_paid(sender, event, **kwargs):
    """A renewal was paid: the subscription's new period and status apply."""
    _invoice_changed(event)


@djstripe_receiver("invoice.payment_failed")
def invoice_payment_failed(sender, event, **kwargs):
    """A payment failed: past_due keeps premium while Stripe retries; unpaid or cancelled ends it."""
    _invoice_changed(event)
