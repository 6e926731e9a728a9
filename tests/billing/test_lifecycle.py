"""The 2019 life cycle: take yearly, cancel, renew, end at period end, downgrade by expire_plans, take premium again."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from billing import services
from billing.models import Membership, Plan
from tests.billing.conftest import DAY


def _settings_page(client) -> str:
    response = client.get(reverse("settings"))
    assert response.status_code == 200
    return response.content.decode()


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def test_checkout_opens_a_subscription_session_for_a_customer_created_once(signed_in, user, fake_stripe):
    first = signed_in.post(reverse("billing_checkout"), {"plan": "yearly"})
    second = signed_in.post(reverse("billing_checkout"), {"plan": "monthly"})

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].startswith("https://checkout.stripe.com/")
    assert len(fake_stripe.calls_to("POST", "/v1/customers")) == 1
    sessions = fake_stripe.calls_to("POST", "/v1/checkout/sessions")
    customer_id = Membership.objects.get(user=user).stripe_customer_id
    assert [s["mode"] for s in sessions] == ["subscription", "subscription"]
    assert [s["customer"] for s in sessions] == [customer_id, customer_id]
    assert [s["line_items"]["0"]["price"] for s in sessions] == ["price_yearly_test", "price_monthly_test"]
    assert sessions[0]["client_reference_id"] == str(user.pk)
    assert Membership.objects.get(user=user).plan == Plan.TRIAL  # nothing changes before Stripe confirms


def test_success_and_cancel_pages(signed_in, fake_stripe):
    assert "being confirmed" in signed_in.get(reverse("billing_success")).content.decode()
    assert "Nothing was charged" in signed_in.get(reverse("billing_cancelled")).content.decode()


def test_the_2019_life_cycle(signed_in, user, fake_stripe, post_event, subscribe):
    # July 2019: the person takes the yearly plan.
    session, sub = subscribe("yearly", period_days=365)
    period_end = _at(sub["items"]["data"][0]["current_period_end"])
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, None)
    assert membership.stripe_subscription_id == sub["id"]
    page = _settings_page(signed_in)
    assert "Premium yearly" in page and f"renews on {period_end:%Y-%m-%d}" in page and "Cancel subscription" in page

    # December 2019: they cancel; Stripe is told cancel_at_period_end=True, premium lasts until the period end.
    response = signed_in.post(reverse("billing_cancel"))
    assert response.status_code == 302 and response.headers["Location"] == reverse("settings")
    assert fake_stripe.calls_to("POST", f"/v1/subscriptions/{sub['id']}")[-1]["cancel_at_period_end"] == "true"
    assert Membership.objects.get(user=user).expires_at == period_end
    assert post_event(fake_stripe.event("customer.subscription.updated", sub)).status_code == 200
    assert Membership.objects.get(user=user).expires_at == period_end
    page = _settings_page(signed_in)
    assert f"until {period_end:%Y-%m-%d}" in page and "Reactivate subscription" in page

    # March 2020, case 1: they renew: cancel_at_period_end=False, no end date any more.
    assert signed_in.post(reverse("billing_reactivate")).status_code == 302
    assert fake_stripe.calls_to("POST", f"/v1/subscriptions/{sub['id']}")[-1]["cancel_at_period_end"] == "false"
    assert post_event(fake_stripe.event("customer.subscription.updated", sub)).status_code == 200
    assert Membership.objects.get(user=user).expires_at is None
    assert "Cancel subscription" in _settings_page(signed_in)

    # Case 2: they cancel again and the plan ends in July 2020; Stripe ends the subscription.
    signed_in.post(reverse("billing_cancel"))
    fake_stripe.subscription_end(sub["id"], at=sub["items"]["data"][0]["current_period_end"])
    assert post_event(fake_stripe.event("customer.subscription.deleted", sub)).status_code == 200
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, period_end)

    # The daily job downgrades: plan free, Stripe ids cleared, customer deleted on Stripe.
    customer_id = membership.stripe_customer_id
    report = services.plan_expire_due(now=period_end + timedelta(hours=1))
    assert report.downgraded == 1
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.FREE, None)
    assert (membership.stripe_customer_id, membership.stripe_subscription_id) == ("", "")
    assert len(fake_stripe.calls_to("DELETE", f"/v1/customers/{customer_id}")) == 1
    page = _settings_page(signed_in)
    assert "<strong>Free</strong>" in page and "Upgrade" in page

    # They take premium again: the normal flow, with a new Stripe customer.
    session, sub = subscribe("monthly", period_days=30)
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.MONTHLY, None)
    assert membership.stripe_customer_id not in ("", customer_id)
    assert len(fake_stripe.calls_to("POST", "/v1/customers")) == 2


def test_a_second_checkout_is_refused_while_a_subscription_renews(signed_in, fake_stripe, subscribe):
    subscribe("monthly")
    response = signed_in.post(reverse("billing_checkout"), {"plan": "yearly"}, follow=True)
    assert "You already have a subscription" in response.content.decode()
    assert len(fake_stripe.calls_to("POST", "/v1/checkout/sessions")) == 1


def test_manage_billing_opens_the_customer_portal(signed_in, fake_stripe, subscribe):
    subscribe("yearly")
    response = signed_in.post(reverse("billing_portal"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://billing.stripe.com/")
    assert fake_stripe.calls_to("POST", "/v1/billing_portal/sessions")[0]["return_url"] == "http://testserver/settings/"


def test_stripe_failing_during_cancel_changes_nothing(signed_in, user, fake_stripe, subscribe):
    session, sub = subscribe("yearly")
    fake_stripe.fail("POST", "/v1/subscriptions/")

    response = signed_in.post(reverse("billing_cancel"), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stripe failed to cancel the subscription. Your plan is unchanged" in page
    assert "Cancel subscription" in page
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, None)
    assert fake_stripe.objects[sub["id"]]["cancel_at_period_end"] is False


def test_stripe_failing_during_checkout_gives_a_clear_message(signed_in, user, fake_stripe):
    fake_stripe.fail("POST", "/v1/checkout/sessions")
    response = signed_in.post(reverse("billing_checkout"), {"plan": "monthly"}, follow=True)
    assert "Stripe failed to start Checkout. Nothing was charged" in response.content.decode()
    assert Membership.objects.get(user=user).plan == Plan.TRIAL


def test_cancel_without_a_subscription_says_so(signed_in, fake_stripe):
    response = signed_in.post(reverse("billing_cancel"), follow=True)
    assert "You have no subscription to change." in response.content.decode()
    assert fake_stripe.calls_to("POST", "/v1/subscriptions/") == []


def test_a_period_end_far_away_is_read_from_the_subscription_items(signed_in, user, fake_stripe, subscribe):
    session, sub = subscribe("monthly", period_days=31)
    signed_in.post(reverse("billing_cancel"))
    expected = _at(fake_stripe.now + 31 * DAY)
    assert sub["items"]["data"][0]["current_period_end"] == fake_stripe.now + 31 * DAY
    assert Membership.objects.get(user=user).expires_at == expected
