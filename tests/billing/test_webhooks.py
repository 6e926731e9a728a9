"""dj-stripe's webhook endpoint with our handlers: signatures, duplicates, order, payment failures."""

import json
import time
from datetime import UTC, datetime

import pytest
from djstripe.models import Event, WebhookEventTrigger

from billing.models import Membership, Plan
from billing.selectors import user_is_premium
from tests.billing.fake_stripe import fixture, signature_header


def test_a_bad_signature_is_refused_and_changes_nothing(user, fake_stripe, post_event, subscribe):
    session, sub = subscribe("yearly")
    fake_stripe.subscription_end(sub["id"])
    event = fake_stripe.event("customer.subscription.deleted", sub)

    forged = post_event(event, secret="whsec_someone_else")
    stale = post_event(
        event,
        signature=signature_header(json.dumps(event), "whsec_test_secret_for_signatures", int(time.time()) - 3600),
    )

    assert forged.status_code == stale.status_code == 400
    assert not Event.objects.filter(id=event["id"]).exists()
    assert WebhookEventTrigger.objects.filter(valid=False).count() == 2
    assert Membership.objects.get(user=user).expires_at is None


def test_a_post_without_signature_is_refused(client, webhook_endpoint):
    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/", data="{}", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_duplicate_event_is_processed_once(user, fake_stripe, post_event, subscribe):
    session, sub = subscribe("monthly")
    fake_stripe.objects[sub["id"]].update(cancel_at_period_end=True)
    event = fake_stripe.event("customer.subscription.updated", fake_stripe.objects[sub["id"]])

    assert post_event(event).status_code == 200
    assert post_event(event).status_code == 200

    assert Event.objects.filter(id=event["id"]).count() == 1
    end = datetime.fromtimestamp(sub["items"]["data"][0]["current_period_end"], tz=UTC)
    assert Membership.objects.get(user=user).expires_at == end


def test_events_out_of_order_end_in_stripes_current_state(signed_in, user, fake_stripe, post_event):
    response = signed_in.post("/billing/checkout", {"plan": "yearly"})
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    session, sub = fake_stripe.checkout_complete(
        session_id, price="price_yearly_test", period_end=fake_stripe.now + 365 * 86400
    )
    created = fake_stripe.event("customer.subscription.created", sub)  # snapshot: active, renewing
    sub.update(cancel_at_period_end=True, cancel_at=sub["items"]["data"][0]["current_period_end"])
    updated = fake_stripe.event("customer.subscription.updated", sub)  # later: cancelled at period end

    for event in (updated, fake_stripe.event("checkout.session.completed", session), created):
        assert post_event(event).status_code == 200

    membership = Membership.objects.get(user=user)
    end = datetime.fromtimestamp(sub["items"]["data"][0]["current_period_end"], tz=UTC)
    assert (membership.plan, membership.expires_at, membership.stripe_subscription_id) == (Plan.YEARLY, end, sub["id"])


def test_an_old_subscription_ending_late_does_not_end_the_new_one(user, fake_stripe, post_event, subscribe):
    first_session, first = subscribe("monthly")
    fake_stripe.subscription_end(first["id"])
    Membership.objects.filter(user=user).update(stripe_subscription_id="sub_newer_one")

    assert post_event(fake_stripe.event("customer.subscription.deleted", first)).status_code == 200

    assert Membership.objects.get(user=user).expires_at is None


def test_a_failed_renewal_keeps_premium_while_stripe_retries_then_ends_it(user, fake_stripe, post_event, subscribe):
    session, sub = subscribe("monthly")
    sub["status"] = "past_due"
    assert (
        post_event(fake_stripe.event("invoice.payment_failed", fake_stripe.invoice_for(sub, status="open"))).status_code
        == 200
    )
    assert user_is_premium(user=user) and Membership.objects.get(user=user).expires_at is None

    fake_stripe.subscription_end(sub["id"], status="unpaid")
    assert (
        post_event(fake_stripe.event("invoice.payment_failed", fake_stripe.invoice_for(sub, status="open"))).status_code
        == 200
    )

    membership = Membership.objects.get(user=user)
    assert membership.expires_at is not None
    assert not user_is_premium(user=membership.user)


def test_a_paid_invoice_of_an_unknown_customer_changes_nobody(user, fake_stripe, post_event):
    stranger = fake_stripe.subscription_start(
        customer="cus_nobody_here", price="price_monthly_test", period_end=fake_stripe.now + 86400
    )
    fake_stripe.put(fixture("customer", id="cus_nobody_here", discount=None))

    response = post_event(fake_stripe.event("invoice.paid", fake_stripe.invoice_for(stranger)))

    assert response.status_code == 200
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.stripe_customer_id) == (Plan.TRIAL, "")


def test_with_debug_on_a_self_chosen_secret_header_does_not_sign_events(
    user, settings, fake_stripe, client, webhook_endpoint, subscribe
):
    session, sub = subscribe("yearly")
    fake_stripe.subscription_end(sub["id"])
    event = json.dumps(fake_stripe.event("customer.subscription.deleted", sub))
    settings.DEBUG = True  # `make run` serves with DEBUG on

    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
        data=event,
        content_type="application/json",
        headers={
            "Stripe-Signature": signature_header(event, "whsec_attacker"),
            "X-Djstripe-Webhook-Secret": "whsec_attacker",
        },
    )

    assert response.status_code == 400
    assert not Event.objects.filter(id=json.loads(event)["id"]).exists()
    assert Membership.objects.get(user=user).expires_at is None


def test_an_oversized_body_is_refused_before_anything_is_stored(client, webhook_endpoint):
    body = json.dumps({"id": "evt_big", "livemode": False, "padding": "x" * (1024 * 1024)})
    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert response.status_code == 413
    assert not WebhookEventTrigger.objects.exists()


@pytest.mark.parametrize(
    "body", ["[" * 20000, "{", "\ufeff[]", b"\xff\xfe"], ids=["deep nesting", "broken", "bom", "not utf-8"]
)
def test_a_malformed_body_is_a_400_and_is_not_stored(client, webhook_endpoint, body):
    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert response.status_code == 400
    assert not WebhookEventTrigger.objects.exists()
