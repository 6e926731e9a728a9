"""Reads of the API: personal API keys and the account summary."""

from django.db.models import QuerySet

from accounts.selectors import alias_quota_left
from api.models import ApiKey
from api.services import KEY_PREFIX, api_key_hash
from billing.selectors import membership_get, user_is_premium


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
    return (
        ApiKey.objects.select_related("user")
        .filter(key_hash=api_key_hash(raw_key), user__is_active=True)
        .first()
    )


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
