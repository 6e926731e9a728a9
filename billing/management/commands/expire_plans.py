"""Daily job (cron `0 0 * * *`): downgrade ended plans, delete their Stripe customers, mail trial reminders."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing import services


class Command(BaseCommand):
    """Idempotent and safe to run twice at once (locked batches); a person Stripe fails for is retried next run."""

    help = "Downgrade plans whose end date passed and mail people whose trial ends soon."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would change.")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        now = timezone.now()

        def progress(label, batch, report):
            self.stdout.write(
                f"{label}: batch {batch} done (downgraded={report.downgraded} failed={report.failed} reminded={report.reminded})"
            )

        report = services.plan_expire_due(now=now, dry_run=dry_run, batch_size=batch_size, progress=progress)
        services.trial_reminders_send(now=now, dry_run=dry_run, batch_size=batch_size, report=report, progress=progress)
        prefix = "dry run, would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}downgraded={report.downgraded} renewed={report.renewed} reminded={report.reminded} "
            f"customers_deleted={report.customers_deleted} failed={report.failed}"
        )
