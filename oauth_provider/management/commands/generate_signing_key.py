"""Create the RSA-2048 key that signs id_tokens, unless one exists."""

from django.core.management.base import BaseCommand

from oauth_provider.keys import signing_key_generate


class Command(BaseCommand):
    """`python manage.py generate_signing_key`"""

    help = (
        "Create the signing key unless one exists: KEYS_DIR/jwtRS256.key (mode 0600), or a database row "
        "encrypted with KEY_ENCRYPTION_KEY (importing the keys of KEYS_DIR when there are any)."
    )

    def handle(self, *args, **options):
        where, created = signing_key_generate()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Signing key written to {where}"))
        else:
            self.stdout.write(f"Signing key already exists in {where}; left unchanged.")
