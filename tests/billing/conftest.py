"""Billing fixtures: Stripe configured against the in-memory fake, a dj-stripe webhook endpoint, signed posts."""

import json

import pytest
import stripe
from djstripe.models import WebhookEndpoint

from tests.billing.fake_stripe import PRICE_MONTHLY, PRICE_YEARLY, FakeStripe, signature_header

WEBHOOK_SECRET = "whsec_test_secret_for_signatures"


@pytest.fixture
def fake_stripe(settings):
    """Billing on (test keys, price ids, promo codes) with the SDK's HTTP client replaced by FakeStripe."""
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_FakeKeyForTheTestSuite0123456789"
    settings.STRIPE_PRICE_MONTHLY = PRICE_MONTHLY
    settings.STRIPE_PRICE_YEARLY = PRICE_YEARLY
    settings.PROMO_CODES = ["SPRING2019", "FRIENDS"]
    fake = FakeStripe()
    previous = stripe.default_http_client
    stripe.default_http_client = fake
    yield fake
    stripe.default_http_client = previous


@pytest.fixture
def webhook_endpoint(db):
    """dj-stripe's endpoint row: its uuid is in the webhook URL, its secret signs the events."""
    return WebhookEndpoint.objects.create(
        id="we_fake_endpoint",
        url="http://testserver/stripe/webhook/",
        secret=WEBHOOK_SECRET,
        enabled_events=["*"],
        status="enabled",
        livemode=False,
        api_version="",
    )


@pytest.fixture
def post_event(client, webhook_endpoint):
    """Post an event dict to the webhook URL with a real Stripe-Signature (or a given one)."""

    def post(event: dict, *, secret: str = WEBHOOK_SECRET, signature: str | None = None):
        payload = json.dumps(event)
        return client.post(
            f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": signature or signature_header(payload, secret)},
        )

    return post


DAY = 86400


@pytest.fixture
def subscribe(signed_in, fake_stripe, post_event):
    """Run Checkout for the signed-in person and deliver Stripe's events; returns (session, subscription)."""

    def run(plan: str = "yearly", *, period_days: int = 365):
        from tests.billing.fake_stripe import PRICE_MONTHLY, PRICE_YEARLY

        response = signed_in.post("/billing/checkout", {"plan": plan})
        assert response.status_code == 302 and response.headers["Location"].startswith("https://checkout.stripe.com/")
        session_id = response.headers["Location"].rsplit("/", 1)[1]
        price = PRICE_YEARLY if plan == "yearly" else PRICE_MONTHLY
        session, sub = fake_stripe.checkout_complete(
            session_id, price=price, period_end=fake_stripe.now + period_days * DAY
        )
        assert post_event(fake_stripe.event("customer.subscription.created", sub)).status_code == 200
        assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
        assert post_event(fake_stripe.event("invoice.paid", fake_stripe.invoice_for(sub))).status_code == 200
        return session, sub

    return run
