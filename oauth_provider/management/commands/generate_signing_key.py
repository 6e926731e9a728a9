"""Create the RSA-2048 key that signs id_tokens, unless one exists."""

from django.core.management.base import BaseCommand

from oauth_provider.keys import signing_key_generate


class Command(BaseCommand):
    """`python manage.py generate_signing_key`"""

    help = "Write an RSA-2048 private key to KEYS_DIR/jwtRS256.key (mode 0600) unless one exists."

    def handle(self, *args, **options):
        path, created = signing_key_generate()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Signing key written to {path}"))
        else:
            self.stdout.write(f"Signing key already exists at {path}; left unchanged.")
