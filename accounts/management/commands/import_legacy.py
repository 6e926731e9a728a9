"""Move a 2019 SimpleLogin database into this version; safe to run again (docs/upgrading-from-2019.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import LegacyImportError
from accounts.legacy.report import ProgressBar, report_render
from accounts.legacy.services import legacy_import


class Command(BaseCommand):
    """Imports people, client apps, aliases, consents and partner applications; prints what it did."""

    help = "Import a 2019 SimpleLogin database (sqlite:////path/db.sqlite or postgres://user@host/name)."

    def add_arguments(self, parser):
        parser.add_argument("database_url", help="URL of the 2019 database (only read).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=200, help="2019 rows per transaction (default 200).")
        parser.add_argument("--files-from", type=Path, help="A copy of the 2019 bucket: avatars and client icons.")

    def handle(self, *args, database_url, dry_run, batch_size, files_from, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = legacy_import(
                database_url=database_url,
                dry_run=dry_run,
                batch_size=batch_size,
                files_from=files_from,
                progress=ProgressBar(self.stderr),
            )
        except LegacyImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report_render(report))
