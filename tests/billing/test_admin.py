"""Membership admin: Stripe links, "grant premium until…" and "downgrade now"."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from billing.models import Membership, Plan
from tests.factories import UserFactory

CHANGELIST = "admin:billing_membership_changelist"


@pytest.fixture
def admin_client_signed_in(client, db):
    """A client signed in as a superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_list_links_memberships_to_stripe(admin_client_signed_in, user):
    Membership.objects.filter(user=user).update(stripe_customer_id="cus_Link123", stripe_subscription_id="sub_Link456")
    page = admin_client_signed_in.get(reverse(CHANGELIST)).content.decode()
    assert 'href="https://dashboard.stripe.com/test/customers/cus_Link123"' in page
    assert 'href="https://dashboard.stripe.com/test/subscriptions/sub_Link456"' in page


def test_grant_premium_until_a_date(admin_client_signed_in, user):
    membership = Membership.objects.get(user=user)
    action = {"action": "grant_premium", "_selected_action": [membership.pk]}

    form = admin_client_signed_in.post(reverse(CHANGELIST), action)
    assert form.status_code == 200 and "Premium until" in form.content.decode()

    done = admin_client_signed_in.post(
        reverse(CHANGELIST), {**action, "apply": "1", "until": "2031-07-01T00:00"}, follow=True
    )

    assert "Premium granted until 2031-07-01" in done.content.decode()
    membership.refresh_from_db()
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, datetime(2031, 7, 1, tzinfo=UTC))


def test_downgrade_now_deletes_the_stripe_customer(admin_client_signed_in, user, fake_stripe, signed_in, subscribe):
    subscribe("yearly")
    membership = Membership.objects.get(user=user)
    customer_id = membership.stripe_customer_id
    admin_client_signed_in.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = admin_client_signed_in.post(
        reverse(CHANGELIST), {"action": "downgrade_now", "_selected_action": [membership.pk]}, follow=True
    )

    assert "1 membership(s) downgraded to free." in response.content.decode()
    membership.refresh_from_db()
    assert (membership.plan, membership.stripe_customer_id) == (Plan.FREE, "")
    assert fake_stripe.objects[customer_id]["deleted"] is True
