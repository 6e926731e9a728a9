"""Make an initial access token for dynamic client registration (RFC 7591 3) and print it (shown once)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oauth_provider.services import registration_token_create


class Command(BaseCommand):
    """`python manage.py create_registration_token --owner dev@example.com [--days 30] [--label ci]`"""

    help = (
        "Make an initial access token for POST /oauth2/register; clients it registers belong to --owner. "
        "Prints the token once (only its SHA-256 is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="Email of the account whose console shows the clients.")
        parser.add_argument("--days", type=int, default=None, help="Expire after this many days (default: never).")
        parser.add_argument("--label", default="", help="A note for the admin, e.g. who the token is for.")

    def handle(self, *args, **options):
        owner = get_user_model().objects.filter(email__iexact=options["owner"].strip()).first()
        if owner is None:
            raise CommandError(f"No account with the email {options['owner']}.")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be 1 or more.")
        expires_at = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        _row, token = registration_token_create(owner=owner, label=options["label"][:100], expires_at=expires_at)
        self.stdout.write(f"registration_token={token}")
        if expires_at:
            self.stdout.write(f"expires_at={expires_at.isoformat(timespec='seconds')}")
        if not settings.DYNAMIC_CLIENT_REGISTRATION:
            self.stderr.write("Dynamic client registration is off: set DYNAMIC_CLIENT_REGISTRATION=true to use it.")
