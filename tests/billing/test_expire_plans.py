"""`python manage.py expire_plans`: trial and paid expiry, dry run, idempotence, Stripe errors, trial reminders."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.services import user_delete
from billing.models import Membership, Plan, StripeCustomerToDelete
from tests.billing.fake_stripe import fixture
from tests.factories import UserFactory


def run(*args) -> str:
    out = StringIO()
    call_command("expire_plans", *args, stdout=out)
    return out.getvalue()


def _paid_and_ended(fake_stripe, *, days_ago: int = 1) -> Membership:
    """A yearly member whose cancelled subscription ended `days_ago`, as the webhooks left it."""
    person = UserFactory(plan=Plan.YEARLY)
    customer = fake_stripe.put(fixture("customer", id=fake_stripe.new_id("cus"), discount=None))
    ended = fake_stripe.now - days_ago * 86400
    sub = fake_stripe.subscription_start(customer=customer["id"], price="price_yearly_test", period_end=ended)
    fake_stripe.subscription_end(sub["id"], at=ended)
    membership = person.membership
    membership.expires_at = timezone.now() - timedelta(days=days_ago)
    membership.stripe_customer_id, membership.stripe_subscription_id = customer["id"], sub["id"]
    membership.save()
    return membership


def test_an_ended_trial_becomes_free(db):
    ended = UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() - timedelta(minutes=1))
    running = UserFactory(plan=Plan.TRIAL)

    output = run()

    assert Membership.objects.get(user=ended).plan == Plan.FREE
    assert Membership.objects.get(user=running).plan == Plan.TRIAL
    assert "downgraded=1 " in output.splitlines()[-1]


@pytest.mark.parametrize("size", ["0", "-5"])
def test_a_batch_size_below_one_is_refused_not_a_silent_no_op(db, size):
    from django.core.management import CommandError

    ended = UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(CommandError, match="at least 1"):
        run("--batch-size", size)
    assert Membership.objects.get(user=ended).plan == Plan.TRIAL


def test_dry_run_counts_and_changes_nothing(db, fake_stripe):
    ended = UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() - timedelta(days=1))
    paid = _paid_and_ended(fake_stripe)

    output = run("--dry-run")

    assert "dry run, would have: downgraded=2" in output
    assert Membership.objects.get(user=ended).plan == Plan.TRIAL
    assert Membership.objects.get(pk=paid.pk).stripe_customer_id != ""
    assert fake_stripe.calls_to("DELETE", "/v1/customers") == []


def test_a_paid_plan_ends_its_customer_is_deleted_and_a_second_run_does_nothing(db, fake_stripe):
    membership = _paid_and_ended(fake_stripe)
    customer_id = membership.stripe_customer_id

    first, second = run(), run()

    membership.refresh_from_db()
    assert (
        membership.plan,
        membership.expires_at,
        membership.stripe_customer_id,
        membership.stripe_subscription_id,
    ) == (Plan.FREE, None, "", "")
    assert len(fake_stripe.calls_to("DELETE", f"/v1/customers/{customer_id}")) == 1
    assert fake_stripe.objects[customer_id]["deleted"] is True
    assert "downgraded=1 " in first.splitlines()[-1]
    assert "downgraded=0 " in second.splitlines()[-1]


def test_stripe_failing_for_one_person_is_logged_and_retried_next_run(db, fake_stripe, caplog):
    broken, fine = _paid_and_ended(fake_stripe), _paid_and_ended(fake_stripe)
    fake_stripe.fail("DELETE", f"/v1/customers/{broken.stripe_customer_id}")

    output = run()

    assert "downgraded=1 " in output and "failed=1" in output
    assert "expire failed" in caplog.text
    broken.refresh_from_db()
    assert (broken.plan, broken.stripe_customer_id != "") == (Plan.YEARLY, True)
    assert Membership.objects.get(pk=fine.pk).plan == Plan.FREE

    fake_stripe.heal()
    assert "downgraded=1 " in run()
    broken.refresh_from_db()
    assert (broken.plan, broken.stripe_customer_id) == (Plan.FREE, "")


def test_a_subscription_renewed_on_stripe_is_kept_even_if_a_webhook_was_missed(db, fake_stripe):
    membership = _paid_and_ended(fake_stripe)
    fake_stripe.objects[membership.stripe_subscription_id].update(status="active", ended_at=None, canceled_at=None)
    fake_stripe.objects[membership.stripe_subscription_id]["items"]["data"][0]["current_period_end"] = (
        fake_stripe.now + 86400 * 300
    )

    output = run()

    membership.refresh_from_db()
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, None)
    assert "renewed=1" in output
    assert fake_stripe.calls_to("DELETE", "/v1/customers") == []


def test_work_goes_in_batches_with_progress(db):
    for _ in range(3):
        UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() - timedelta(hours=1))

    output = run("--batch-size", "1")

    assert "expire: batch 3 done (downgraded=3" in output
    assert Membership.objects.filter(plan=Plan.FREE).count() == 3


def test_people_whose_trial_ends_in_3_days_are_mailed_once(db, smtp_server, fake_stripe):
    soon = UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() + timedelta(days=2, hours=20))
    UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() + timedelta(days=10))
    UserFactory(plan=Plan.YEARLY, plan__expires_at=timezone.now() + timedelta(days=2))

    first, second = run(), run()

    assert [m["to"] for m in smtp_server.messages] == [[soon.email]]
    message = smtp_server.messages[0]["message"]
    assert "Your trial ends on" in message["Subject"]
    assert "choose a plan here: http://testserver/pricing" in message.get_content()
    assert "reminded=1" in first and "reminded=0" in second
    assert Membership.objects.get(user=soon).trial_reminder_sent_at is not None


@pytest.mark.parametrize("codes", [[], ["FRIENDS"]], ids=["no promo codes", "promo codes"])
def test_with_payments_off_the_trial_mail_offers_nothing_to_buy(db, smtp_server, settings, codes):
    settings.STRIPE_TEST_SECRET_KEY = settings.STRIPE_LIVE_SECRET_KEY = ""
    settings.PROMO_CODES = codes
    UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() + timedelta(days=2))

    run()

    body = smtp_server.messages[0]["message"].get_content()
    assert "Your SimpleLogin trial ends on" in body
    assert "choose a plan" not in body and "/pricing" not in body
    assert ("Enter it in Settings to keep premium: http://testserver/settings/" in body) == bool(codes)


def test_a_mail_failure_is_retried_next_run(db, settings, smtp_server):
    person = UserFactory(plan=Plan.TRIAL, plan__expires_at=timezone.now() + timedelta(days=1))
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there

    assert "failed=1" in run()
    settings.EMAIL_PORT = port
    assert "reminded=1" in run()
    assert [m["to"] for m in smtp_server.messages] == [[person.email]]


def test_deleting_an_account_deletes_the_stripe_customer(signed_in, user, fake_stripe, subscribe):
    subscribe("monthly")
    customer_id = Membership.objects.get(user=user).stripe_customer_id

    user_delete(user=user)

    assert fake_stripe.objects[customer_id]["deleted"] is True
    assert not StripeCustomerToDelete.objects.exists()


@pytest.mark.django_db
def test_a_customer_stripe_could_not_delete_with_its_account_is_deleted_by_the_next_run(
    signed_in, user, fake_stripe, subscribe
):
    subscribe("monthly")
    customer_id = Membership.objects.get(user=user).stripe_customer_id
    fake_stripe.fail("DELETE", "/v1/customers/")

    user_delete(user=user)

    assert StripeCustomerToDelete.objects.filter(customer_id=customer_id).exists()
    fake_stripe.heal()
    assert "customers_deleted=1" in run()
    assert fake_stripe.objects[customer_id]["deleted"] is True
    assert not StripeCustomerToDelete.objects.exists()


def test_two_runs_interleaved_handle_each_person_once(db, fake_stripe):
    from billing import services

    for _ in range(3):
        _paid_and_ended(fake_stripe)
    nested = []

    def start_a_second_run(label, batch, report):
        if not nested:
            nested.append(services.plan_expire_due(batch_size=1))

    first = services.plan_expire_due(batch_size=1, progress=start_a_second_run)

    assert (first.downgraded, nested[0].downgraded) == (1, 2)
    assert len(fake_stripe.calls_to("DELETE", "/v1/customers")) == 3
    assert Membership.objects.filter(plan=Plan.FREE).count() == 3
