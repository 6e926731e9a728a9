"""Create the demo person and the superuser for local development (idempotent); never with DEBUG off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_links, demo_seed


class Command(BaseCommand):
    """`python manage.py seed_demo` (DEBUG=true only: it creates accounts with published passwords)."""

    help = "Create an activated demo user and a superuser (idempotent), print their credentials and the local URLs."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose passwords are published: it runs only with DEBUG=true."
            )
        for line in [*demo_seed(), "", *demo_links()]:
            self.stdout.write(line)
