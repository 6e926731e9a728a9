"""Reads about a person's aliases."""

from django.db.models import Q, QuerySet

from accounts.models import Alias, User
from billing.selectors import user_alias_quota


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
