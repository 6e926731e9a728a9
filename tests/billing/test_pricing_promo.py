"""The pricing page, billing switched off, and promo codes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Membership, Plan, PromoRedemption
from tests.factories import UserFactory


@pytest.fixture
def billing_off(settings, db):
    """No Stripe keys or prices: billing is off; two promo codes configured."""
    settings.STRIPE_TEST_SECRET_KEY = ""
    settings.STRIPE_LIVE_SECRET_KEY = ""
    settings.STRIPE_PRICE_MONTHLY = ""
    settings.STRIPE_PRICE_YEARLY = ""
    settings.PROMO_CODES = ["SPRING2019", "FRIENDS"]


def test_pricing_lists_both_plans_from_the_plan_definition(signed_in, fake_stripe, settings):
    page = signed_in.get(reverse("pricing")).content.decode()
    assert "$2.99" in page and "$29.99" in page
    assert f"Up to {settings.MAX_ALIASES_FREE_PLAN} aliases" in page and "Custom aliases" in page
    assert page.count('name="plan"') == 2 and "billing-off" not in page
    assert "Your plan: <strong>Trial</strong>, until" in page


def test_pricing_signed_out_invites_to_log_in(client, db, fake_stripe):
    page = client.get(reverse("pricing")).content.decode()
    assert "Log in to upgrade" in page and 'name="plan"' not in page


def test_with_payments_off_nobody_is_told_to_upgrade(client, db, billing_off):
    page = client.get(reverse("pricing")).content.decode()
    assert "Payments are not available on this server" in page
    assert "Log in to upgrade" not in page and "Upgrade" not in page
    assert 'enter it in <a href="/settings/#plan-h">Settings</a>' in page


def test_with_payments_off_refusals_and_the_menu_do_not_say_upgrade(client, billing_off):
    free = UserFactory(plan=Plan.FREE)
    client.force_login(free)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert ">Plans</a>" in dashboard and "Upgrade" not in dashboard

    refused = client.post(reverse("alias_create_custom"), {"prefix": "shopping"}, follow=True).content.decode()
    assert "Custom aliases are a premium feature." in refused and "Upgrade" not in refused


def test_without_promo_codes_nobody_is_asked_for_one(signed_in, billing_off, settings):
    settings.PROMO_CODES = []
    pricing = signed_in.get(reverse("pricing")).content.decode()
    assert "Payments are not available on this server" in pricing and "promo code" not in pricing.lower()
    assert "Apply code" not in signed_in.get(reverse("settings")).content.decode()


def test_without_stripe_keys_billing_is_off_and_nothing_crashes(signed_in, user, billing_off):
    pricing = signed_in.get(reverse("pricing"))
    assert pricing.status_code == 200
    assert "Payments are not available on this server" in pricing.content.decode()
    assert 'name="plan"' not in pricing.content.decode()

    checkout = signed_in.post(reverse("billing_checkout"), {"plan": "yearly"}, follow=True)
    assert "Payments are not available on this server." in checkout.content.decode()
    for name in ("billing_cancel", "billing_reactivate", "billing_portal"):
        assert signed_in.post(reverse(name), follow=True).status_code == 200
    settings_page = signed_in.get(reverse("settings")).content.decode()
    assert "Payments are not available on this server." in settings_page and "Manage billing" not in settings_page
    assert Membership.objects.get(user=user).plan == Plan.TRIAL


def test_a_promo_code_gives_a_year_from_the_current_end_date(signed_in, user, billing_off):
    trial_end = Membership.objects.get(user=user).expires_at

    response = signed_in.post(reverse("billing_promo"), {"code": " spring2019 "}, follow=True)

    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, trial_end + timedelta(days=365))
    assert f"premium until {membership.expires_at:%Y-%m-%d}" in response.content.decode()


def test_a_promo_code_on_the_free_plan_starts_today(client, billing_off):
    person = UserFactory(plan=Plan.FREE)
    client.force_login(person)
    before = timezone.now()

    client.post(reverse("billing_promo"), {"code": "FRIENDS"})

    membership = Membership.objects.get(user=person)
    assert membership.plan == Plan.YEARLY
    assert before + timedelta(days=365) <= membership.expires_at <= timezone.now() + timedelta(days=365)


def test_each_code_works_once_per_person_and_codes_stack(signed_in, user, billing_off):
    signed_in.post(reverse("billing_promo"), {"code": "SPRING2019"})
    after_first = Membership.objects.get(user=user).expires_at

    reused = signed_in.post(reverse("billing_promo"), {"code": "SPRING2019"}, follow=True)
    assert "You have already used this promo code." in reused.content.decode()
    assert Membership.objects.get(user=user).expires_at == after_first

    signed_in.post(reverse("billing_promo"), {"code": "FRIENDS"})
    assert Membership.objects.get(user=user).expires_at == after_first + timedelta(days=365)
    assert PromoRedemption.objects.filter(user=user).count() == 2


def test_another_person_can_use_the_same_code(client, billing_off):
    for person in (UserFactory(plan=Plan.FREE), UserFactory(plan=Plan.FREE)):
        client.force_login(person)
        client.post(reverse("billing_promo"), {"code": "FRIENDS"})
        assert Membership.objects.get(user=person).plan == Plan.YEARLY


@pytest.mark.parametrize("code", ["NOPE", "SPRING2020", ""])
def test_an_unknown_code_is_refused_clearly(signed_in, user, billing_off, code):
    response = signed_in.post(reverse("billing_promo"), {"code": code}, follow=True)
    message = "This promo code is not valid." if code else "Enter a promo code."
    assert message in response.content.decode()
    assert Membership.objects.get(user=user).plan == Plan.TRIAL


def test_a_renewing_subscription_cannot_take_a_promo_code(signed_in, user, fake_stripe, subscribe):
    subscribe("monthly")
    response = signed_in.post(reverse("billing_promo"), {"code": "FRIENDS"}, follow=True)
    assert "cancel it first to use a promo code" in response.content.decode()
    assert Membership.objects.get(user=user).expires_at is None


def test_a_promo_after_cancelling_outlasts_the_subscription_end(signed_in, user, fake_stripe, post_event, subscribe):
    session, sub = subscribe("monthly", period_days=30)
    signed_in.post(reverse("billing_cancel"))
    period_end = Membership.objects.get(user=user).expires_at

    signed_in.post(reverse("billing_promo"), {"code": "FRIENDS"})
    fake_stripe.subscription_end(sub["id"], at=sub["items"]["data"][0]["current_period_end"])
    post_event(fake_stripe.event("customer.subscription.deleted", sub))

    assert Membership.objects.get(user=user).expires_at == period_end + timedelta(days=365)


def test_guessing_promo_codes_is_rate_limited(signed_in, user, billing_off):
    for attempt in range(10):
        response = signed_in.post(reverse("billing_promo"), {"code": f"GUESS{attempt}"}, follow=True)
        assert "This promo code is not valid." in response.content.decode()

    response = signed_in.post(reverse("billing_promo"), {"code": "FRIENDS"}, follow=True)

    assert "Too many promo code attempts" in response.content.decode()
    assert Membership.objects.get(user=user).plan == Plan.TRIAL
