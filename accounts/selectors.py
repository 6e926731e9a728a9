"""Reads about people's addresses and their aliases."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Alias, ApiKey, PartnerApplication, User
from accounts.services import KEY_PREFIX, api_key_hash
from billing.selectors import membership_get, user_alias_quota, user_is_premium


def user_list_unproven(*, email: str) -> QuerySet[User]:
    """Sign-ups with this address never verified nor used: an unverified row only, no log in, not staff."""
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(
        Exists(addresses.filter(email__iexact=email, verified=False)),
        email__iexact=email,
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
    ).exclude(Exists(addresses.filter(verified=True)))


def email_is_taken(*, email: str) -> bool:
    """True when someone proved this address (verified) or uses an account registered with it."""
    if EmailAddress.objects.filter(email__iexact=email, verified=True).exists():
        return True
    return User.objects.filter(email__iexact=email).exclude(pk__in=user_list_unproven(email=email)).exists()


def email_verified_user_ids(*, email: str) -> set[int]:
    """The people for whom this address is verified (password resets go only there)."""
    return set(EmailAddress.objects.filter(email__iexact=email, verified=True).values_list("user_id", flat=True))


class AliasOrder(models.TextChoices):
    """How the dashboard sorts aliases."""

    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"
    ADDRESS = "address", "Address (A–Z)"


ALIAS_ORDERING = {
    AliasOrder.NEWEST: ("-created_at", "-id"),
    AliasOrder.OLDEST: ("created_at", "id"),
    AliasOrder.ADDRESS: ("email", "id"),
}


def alias_list(
    *,
    user: User,
    search: str | None = None,
    enabled: bool | None = None,
    used_by_app: bool | None = None,
    order: str = AliasOrder.NEWEST,
) -> QuerySet[Alias]:
    """The person's aliases (newest first unless `order` says otherwise), with the apps using each one prefetched.

    `enabled` keeps aliases with forwarding on (True) or off (False); `used_by_app` those an app has (or has not).
    """
    aliases = Alias.objects.filter(user=user).prefetch_related("authorizations__client")
    aliases = aliases.order_by(*ALIAS_ORDERING.get(order, ALIAS_ORDERING[AliasOrder.NEWEST]))
    search = (search or "").strip()
    if search:
        aliases = aliases.filter(Q(email__icontains=search) | Q(note__icontains=search))
    if enabled is not None:
        aliases = aliases.filter(enabled=enabled)
    if used_by_app is True:
        aliases = aliases.filter(authorizations__isnull=False).distinct()
    elif used_by_app is False:
        aliases = aliases.filter(authorizations__isnull=True)
    return aliases


def alias_get_for_user(*, user: User, alias_id: int) -> Alias:
    """One alias of the person; raises Alias.DoesNotExist for someone else's alias."""
    return Alias.objects.get(user=user, pk=alias_id)


def alias_get_by_email_for_user(*, user: User, email: str) -> Alias | None:
    """The person's alias with this address, or None."""
    return Alias.objects.filter(user=user, email=(email or "").strip().lower()).first()


def alias_quota_left(*, user: User) -> int | None:
    """How many more aliases the person may create; None means no limit."""
    quota = user_alias_quota(user=user)
    if quota is None:
        return None
    return max(0, quota - Alias.objects.filter(user=user).count())


def user_can_create_alias(*, user: User) -> bool:
    """True when the person's plan lets them create one more alias."""
    left = alias_quota_left(user=user)
    return left is None or left > 0


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The person's API keys, newest first."""
    return ApiKey.objects.filter(user=user).order_by("-created_at", "-id")


def api_key_get_for_user(*, user, api_key_id: int) -> ApiKey:
    """One key of the person; raises ApiKey.DoesNotExist for someone else's key."""
    return ApiKey.objects.get(user=user, pk=api_key_id)


def api_key_get_by_raw(*, raw_key: str) -> ApiKey | None:
    """The active person's key matching this key in clear, or None."""
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    return ApiKey.objects.select_related("user").filter(key_hash=api_key_hash(raw_key), user__is_active=True).first()


def account_summary(*, user) -> dict:
    """What /api/v1/me shows: the person, their plan, when it ends and the aliases left to create."""
    membership = membership_get(user=user)
    return {
        "email": user.email,
        "name": user.name,
        "plan": membership.plan if membership else None,
        "is_premium": user_is_premium(user=user),
        "expires_at": membership.expires_at if membership else None,
        "alias_quota_left": alias_quota_left(user=user),
    }


def user_second_factors(*, user) -> list[str]:
    """Names of the second factors the person has set up (allauth.mfa), for the settings page."""
    from allauth.mfa.models import Authenticator

    labels = {Authenticator.Type.TOTP: "authenticator app", Authenticator.Type.WEBAUTHN: "security key or passkey"}
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return [label for kind, label in labels.items() if kind in types]


def partner_application_pending(*, user, application_id: int | None = None) -> PartnerApplication | None:
    """The newest application not approved yet: the signed-in person's, or the one this browser just sent."""
    pending = PartnerApplication.objects.filter(approved_at__isnull=True)
    if user.is_authenticated:
        return pending.filter(user=user).first()
    return pending.filter(pk=application_id, user__isnull=True).first() if application_id else None


def partner_codes_exist() -> bool:
    """Whether the operator set any partner code (PARTNER_CODES): without one, nobody is asked for a code."""
    return bool(settings.PARTNER_CODES)
