"""Stripe unreachable (STRIPE_API_BASE names a loopback port where nothing listens): billing says so, the rest works."""

import pytest
from django.urls import reverse

from billing.models import Membership, Plan
from tests.billing.fake_stripe import PRICE_MONTHLY, PRICE_YEARLY
from tests.conftest import free_port


@pytest.fixture
def stripe_unreachable(settings):
    """Billing configured, and the real SDK's HTTP client pointed at a closed port."""
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_UnreachableKey0123456789"
    settings.STRIPE_PRICE_MONTHLY = PRICE_MONTHLY
    settings.STRIPE_PRICE_YEARLY = PRICE_YEARLY
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"


def test_checkout_says_stripe_failed_and_charges_nothing(stripe_unreachable, signed_in, user):
    response = signed_in.post(reverse("billing_checkout"), {"plan": "monthly"}, follow=True)
    assert response.status_code == 200
    assert "Stripe failed to create the customer. Nothing was charged" in response.content.decode()
    assert Membership.objects.get(user=user).plan == Plan.TRIAL


def test_pages_that_need_no_stripe_call_keep_working(stripe_unreachable, signed_in):
    for name in ("pricing", "dashboard", "settings"):
        assert signed_in.get(reverse(name)).status_code == 200
