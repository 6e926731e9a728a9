"""The daily job's writes: downgrade ended plans (after re-reading Stripe), delete orphan customers, trial reminders."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import emails, stripe_gateway
from billing.models import Membership, Plan, StripeCustomerToDelete
from billing.plans import PREMIUM_PLANS
from billing.selectors import billing_enabled
from billing.services.memberships import membership_downgrade
from billing.services.subscriptions import membership_apply_locked, subscription_sync

log = logging.getLogger(__name__)


@dataclass
class ExpiryReport:
    """What one `expire_plans` run did (or would do, with dry_run)."""

    downgraded: int = 0
    renewed: int = 0
    failed: int = 0
    reminded: int = 0
    customers_deleted: int = 0


Progress = Callable[[str, int, ExpiryReport], None]


def _in_batches(
    queryset, *, batch_size: int, handle: Callable, report: ExpiryReport, label: str, progress: Progress | None
):
    skipped: list[int] = []
    batch_number = 0
    while True:
        with transaction.atomic():
            batch = list(
                queryset.exclude(pk__in=skipped)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return
            for row in batch:
                try:
                    with transaction.atomic():
                        handle(row)
                except Exception as error:  # one person's failure must not stop the run; retried next run
                    report.failed += 1
                    skipped.append(row.pk)
                    log.warning("%s failed id=%s error=%s", label, row.pk, type(error).__name__)
        batch_number += 1
        if progress:
            progress(label, batch_number, report)


def plan_expire_due(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 100, progress: Progress | None = None
) -> ExpiryReport:
    """Downgrade every plan whose end passed (after re-reading its Stripe subscription), in locked batches."""
    now = now or timezone.now()
    report = ExpiryReport()
    due = Membership.objects.filter(plan__in=[Plan.TRIAL, *PREMIUM_PLANS], expires_at__lte=now)
    orphans = StripeCustomerToDelete.objects.all()
    if dry_run:
        report.downgraded, report.customers_deleted = due.count(), orphans.count()
        return report

    def expire(membership: Membership) -> None:
        if membership.stripe_subscription_id and billing_enabled():
            subscription = subscription_sync(subscription_id=membership.stripe_subscription_id)
            membership_apply_locked(membership=membership, subscription=subscription, now=now)
            if membership.expires_at is None or membership.expires_at > now:
                report.renewed += 1
                return
        membership_downgrade(membership=membership, now=now)
        report.downgraded += 1

    def delete_orphan(row: StripeCustomerToDelete) -> None:
        stripe_gateway.customer_delete(customer_id=row.customer_id)
        row.delete()
        report.customers_deleted += 1

    _in_batches(due, batch_size=batch_size, handle=expire, report=report, label="expire", progress=progress)
    _in_batches(
        orphans, batch_size=batch_size, handle=delete_orphan, report=report, label="orphan customers", progress=progress
    )
    return report


def trial_reminders_send(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = 100,
    report: ExpiryReport | None = None,
    progress: Progress | None = None,
) -> ExpiryReport:
    """Mail, once, each person whose trial ends within TRIAL_REMINDER_DAYS."""
    now = now or timezone.now()
    report = report or ExpiryReport()
    due = Membership.objects.filter(
        plan=Plan.TRIAL,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=settings.TRIAL_REMINDER_DAYS),
        trial_reminder_sent_at__isnull=True,
    ).select_related("user")
    if dry_run:
        report.reminded = due.count()
        return report

    def remind(membership: Membership) -> None:
        emails.send_trial_ending(user=membership.user, ends_at=membership.expires_at)
        membership.trial_reminder_sent_at = now
        membership.save(update_fields=["trial_reminder_sent_at", "updated_at"])
        report.reminded += 1

    _in_batches(due, batch_size=batch_size, handle=remind, report=report, label="trial reminders", progress=progress)
    return report
