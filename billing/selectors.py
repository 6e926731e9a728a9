"""Reads about a person's plan (the 2019 rules)."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from billing.models import Membership, Plan


def membership_get(*, user) -> Membership | None:
    """The person's membership, or None for a user created outside sign-up."""
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def user_is_premium(*, user, now: datetime | None = None) -> bool:
    """Premium = a monthly/yearly plan, or a trial that has not expired yet."""
    membership = membership_get(user=user)
    if membership is None:
        return False
    now = now or timezone.now()
    if membership.plan in (Plan.MONTHLY, Plan.YEARLY):
        return membership.expires_at is None or membership.expires_at > now
    if membership.plan == Plan.TRIAL:
        return membership.expires_at is not None and membership.expires_at > now
    return False


def user_in_trial(*, user, now: datetime | None = None) -> bool:
    """True while an unexpired trial runs."""
    membership = membership_get(user=user)
    now = now or timezone.now()
    return bool(membership and membership.plan == Plan.TRIAL and membership.expires_at and membership.expires_at > now)


def user_can_create_custom_alias(*, user, now: datetime | None = None) -> bool:
    """Custom aliases are a premium (or unexpired trial) feature."""
    return user_is_premium(user=user, now=now)


def user_alias_quota(*, user, now: datetime | None = None) -> int | None:
    """How many aliases the person may own in all; None means no limit."""
    if user_is_premium(user=user, now=now):
        return None
    return settings.MAX_ALIASES_FREE_PLAN
