"""Writes to a person's plan."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from billing.models import Membership, Plan


def membership_start_trial(*, user, now: datetime | None = None) -> Membership:
    """Give a new person their membership: a trial of TRIAL_DAYS (2019: 15 days)."""
    now = now or timezone.now()
    membership, _ = Membership.objects.get_or_create(
        user=user, defaults={"plan": Plan.TRIAL, "expires_at": now + timedelta(days=settings.TRIAL_DAYS)}
    )
    return membership
