"""Reads about people's addresses and their aliases."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Alias, User
from billing.selectors import user_alias_quota


def user_list_unproven(*, email: str) -> QuerySet[User]:
    """Sign-ups with this address never verified nor used: an unverified row only, no log in, not staff."""
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(
        Exists(addresses.filter(email__iexact=email, verified=False)),
        email__iexact=email, last_login__isnull=True, is_staff=False, is_superuser=False,
    ).exclude(Exists(addresses.filter(verified=True)))


def email_is_taken(*, email: str) -> bool:
    """True when someone proved this address (verified) or uses an account registered with it."""
    if EmailAddress.objects.filter(email__iexact=email, verified=True).exists():
        return True
    return User.objects.filter(email__iexact=email).exclude(pk__in=user_list_unproven(email=email)).exists()


def email_verified_user_ids(*, email: str) -> set[int]:
    """The people for whom this address is verified (password resets go only there)."""
    return set(EmailAddress.objects.filter(email__iexact=email, verified=True).values_list("user_id", flat=True))


def alias_list(*, user: User, search: str | None = None) -> QuerySet[Alias]:
    """The person's aliases, newest first, with the apps using each one prefetched."""
    aliases = Alias.objects.filter(user=user).prefetch_related("authorizations__client").order_by("-created_at", "-id")
    search = (search or "").strip()
    if search:
        aliases = aliases.filter(Q(email__icontains=search) | Q(note__icontains=search))
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
