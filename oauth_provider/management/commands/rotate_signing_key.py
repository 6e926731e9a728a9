"""Start signing with a new key; the old one stays in the JWKS until its id_tokens expire."""

from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.settings import oauth2_settings

from oauth_provider.keys import SigningKeyMissing, signing_key_rotate


class Command(BaseCommand):
    """`python manage.py rotate_signing_key` (restart-free: every worker and instance notices the new key)."""

    help = "Retire the current signing key (still published) and generate a new one; prune expired retired keys."

    def handle(self, *args, **options):
        keep = oauth2_settings.ID_TOKEN_EXPIRE_SECONDS + 3600
        try:
            new_kid, old_kid, removed, delay = signing_key_rotate(keep_seconds=keep)
        except SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        when = f" in {delay:.0f} s (published now, so every instance knows it first)" if delay else ""
        self.stdout.write(self.style.SUCCESS(f"Signing with kid={new_kid}{when}"))
        if old_kid:
            self.stdout.write(f"Retired kid={old_kid}; published for {keep} s more.")
        for name in removed:
            self.stdout.write(f"Removed expired key {name}")
