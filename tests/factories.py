"""factory-boy factories shared by every test module."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Alias, User
from billing.models import Membership, Plan

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """An activated person with a trial membership and a verified email."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=extracted is not False, primary=True)

    @factory.post_generation
    def plan(obj, create, extracted, **kwargs):
        if create:
            plan = extracted or Plan.TRIAL
            expires = kwargs.get("expires_at", timezone.now() + timezone.timedelta(days=15) if plan == Plan.TRIAL else None)
            Membership.objects.create(user=obj, plan=plan, expires_at=expires)


class AliasFactory(factory.django.DjangoModelFactory):
    """An enabled alias on EMAIL_DOMAIN."""

    class Meta:
        model = Alias

    user = factory.SubFactory(UserFactory)
    email = factory.Sequence(lambda n: f"alias_{n}@sl.local")
