"""With Stripe configured, the 2019 Stripe customer and subscription are re-read (through dj-stripe) at import."""

import pytest
from djstripe.models import Customer, Subscription

from accounts.models import User
from billing.models import Membership, Plan
from billing.selectors import user_is_premium
from tests.billing.conftest import fake_stripe  # noqa: F401
from tests.billing.fake_stripe import PRICE_YEARLY, fixture

pytestmark = pytest.mark.django_db

DAY = 86400


@pytest.fixture
def stripe_2019(fake_stripe):  # noqa: F811
    """Stripe holds alice's 2019 customer and her yearly subscription, cancelled a day ago."""
    fake_stripe.put(
        fixture(
            "customer",
            id="cus_2019alice",
            email="alice@example.com",
            discount=None,
            metadata={},
            created=fake_stripe.now - 400 * DAY,
        )
    )
    sub = fake_stripe.subscription_start(customer="cus_2019alice", price=PRICE_YEARLY, period_end=fake_stripe.now - DAY)
    del fake_stripe.objects[sub["id"]]
    sub["id"] = sub["items"]["data"][0]["subscription"] = "sub_2019alice"
    fake_stripe.put(sub)
    fake_stripe.subscription_end("sub_2019alice", at=fake_stripe.now - DAY)
    return fake_stripe


def test_the_plan_follows_what_stripe_says_now(run_import, stripe_2019):
    run_import()

    alice = User.objects.get(email="alice@example.com")
    membership = Membership.objects.get(user=alice)
    assert membership.plan == Plan.YEARLY and membership.expires_at.timestamp() == stripe_2019.now - DAY
    assert not user_is_premium(user=alice)  # 2019 said "yearly, renewing"; Stripe says it ended yesterday
    assert Customer.objects.get(id="cus_2019alice").subscriber == alice
    assert Subscription.objects.get(id="sub_2019alice").status == "canceled"


def test_when_stripe_fails_the_2019_plan_is_kept_and_read_again_next_run(run_import, stripe_2019):
    stripe_2019.fail("GET", "/v1/customers")
    first = run_import()
    assert (
        first.tables["users"].notes["Stripe could not be read: plan and Stripe ids kept as in 2019, retried next run"]
        == 1
    )
    alice = User.objects.get(email="alice@example.com")
    assert user_is_premium(user=alice) and Membership.objects.get(user=alice).expires_at is None

    stripe_2019.heal()
    second = run_import()

    assert second.tables["users"].updated == 1
    assert not user_is_premium(user=User.objects.get(pk=alice.pk))
    assert run_import().changed == 0
