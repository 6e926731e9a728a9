"""The only module that calls the Stripe SDK: customers, Checkout, Customer Portal, subscriptions."""

import logging

import stripe
from django.conf import settings
from djstripe.enums import SessionMode
from djstripe.settings import djstripe_settings

log = logging.getLogger(__name__)


class GatewayError(Exception):
    """Stripe could not do what was asked (network, API or configuration error)."""


def _client() -> stripe.StripeClient:
    api_key = djstripe_settings.STRIPE_SECRET_KEY
    if not api_key:
        raise GatewayError("Stripe is not configured.")
    # Share stripe.default_http_client with dj-stripe when one is set (connection reuse; tests install theirs).
    return stripe.StripeClient(
        api_key,
        stripe_version=djstripe_settings.STRIPE_API_VERSION,
        http_client=stripe.default_http_client,
        max_network_retries=2,
        base_addresses={"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {},
    )


def _call(action: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except stripe.StripeError as error:
        log.warning("stripe call failed action=%s error=%s code=%s", action, type(error).__name__, error.code)
        raise GatewayError(f"Stripe failed to {action}.") from error


def customer_create(*, email: str, user_id: int, idempotency_key: str) -> stripe.Customer:
    """Create the person's Stripe customer (once: the idempotency key makes retries return the same one)."""
    client = _client()
    return _call(
        "create the customer",
        client.v1.customers.create,
        params={"email": email, "metadata": {"djstripe_subscriber": str(user_id)}},
        options={"idempotency_key": idempotency_key},
    )


def customer_delete(*, customer_id: str) -> None:
    """Delete a customer on Stripe (this also ends its subscriptions); an already deleted one is fine."""
    client = _client()
    try:
        client.v1.customers.delete(customer_id)
    except stripe.InvalidRequestError as error:
        if error.code == "resource_missing":
            return
        log.warning("stripe call failed action=delete_customer error=%s", type(error).__name__)
        raise GatewayError("Stripe failed to delete the customer.") from error
    except stripe.StripeError as error:
        log.warning("stripe call failed action=delete_customer error=%s", type(error).__name__)
        raise GatewayError("Stripe failed to delete the customer.") from error


def checkout_session_create(
    *, customer_id: str, price_id: str, user_id: int, success_url: str, cancel_url: str
) -> stripe.checkout.Session:
    """A Checkout session in subscription mode for an existing customer."""
    client = _client()
    return _call(
        "start Checkout",
        client.v1.checkout.sessions.create,
        params={
            "mode": SessionMode.subscription,
            "customer": customer_id,
            "client_reference_id": str(user_id),
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
    )


def portal_session_create(*, customer_id: str, return_url: str) -> stripe.billing_portal.Session:
    """A Customer Portal session (card changes, invoices)."""
    client = _client()
    return _call(
        "open the billing portal",
        client.v1.billing_portal.sessions.create,
        params={"customer": customer_id, "return_url": return_url},
    )


def subscription_retrieve(*, subscription_id: str) -> stripe.Subscription:
    """The subscription as Stripe has it now."""
    client = _client()
    return _call("read the subscription", client.v1.subscriptions.retrieve, subscription_id)


def subscription_set_cancel_at_period_end(*, subscription_id: str, cancel: bool) -> stripe.Subscription:
    """Cancel at the end of the current period (True) or undo that (False)."""
    client = _client()
    return _call(
        "cancel the subscription" if cancel else "reactivate the subscription",
        client.v1.subscriptions.update,
        subscription_id,
        params={"cancel_at_period_end": cancel},
    )


def customer_retrieve(*, customer_id: str) -> stripe.Customer:
    """The customer as Stripe has it now (a deleted one comes back with `deleted` set)."""
    client = _client()
    return _call("read the customer", client.v1.customers.retrieve, customer_id)
