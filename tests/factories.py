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
            expires = kwargs.get(
                "expires_at", timezone.now() + timezone.timedelta(days=15) if plan == Plan.TRIAL else None
            )
            Membership.objects.create(user=obj, plan=plan, expires_at=expires)


class AliasFactory(factory.django.DjangoModelFactory):
    """An enabled alias on EMAIL_DOMAIN."""

    class Meta:
        model = Alias

    user = factory.SubFactory(UserFactory)
    email = factory.Sequence(lambda n: f"alias_{n}@sl.local")


CLIENT_SECRET = "client-secret-for-tests-0123456789abcdefghijklmnopqrstuvwxyzABCDEF"


class ClientFactory(factory.django.DjangoModelFactory):
    """A confidential client app (code flow) whose secret is CLIENT_SECRET, stored hashed."""

    class Meta:
        model = "oauth_provider.Client"

    name = factory.Sequence(lambda n: f"App {n}")
    user = factory.SubFactory(UserFactory)
    redirect_uris = "https://app.example/callback"
    post_logout_redirect_uris = "https://app.example/logged-out"
    client_type = "confidential"
    authorization_grant_type = "authorization-code"
    client_secret = CLIENT_SECRET
    # As every app registered before offline_access: refresh tokens without it. New apps (the model's default, the
    # console, registration) need offline_access: ClientFactory(refresh_without_offline_access=False).
    refresh_without_offline_access = True


class AuthorizationFactory(factory.django.DjangoModelFactory):
    """A person's consent to a client, sharing their real email."""

    class Meta:
        model = "oauth_provider.Authorization"

    user = factory.SubFactory(UserFactory)
    client = factory.SubFactory(ClientFactory)
    name = factory.LazyAttribute(lambda o: o.user.name)
    scope = "openid email profile"


def totp_code(secret: str, *, step: int = 0) -> str:
    """The authenticator-app code for now (step 0) or a neighbouring 30 s step, as a phone would show it."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD + step))


def totp_enable(user) -> tuple[str, list[str]]:
    """Turn on an authenticator app and recovery codes for `user`, as allauth's set-up does: (secret, codes)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret, RecoveryCodes.activate(user).generate_codes()
