"""Create the demo person and the superuser for local development (idempotent)."""

from django.core.management.base import BaseCommand

from accounts.demo import demo_seed


class Command(BaseCommand):
    """`python manage.py seed_demo`"""

    help = "Create an activated demo user and a superuser (idempotent) and print their credentials."

    def handle(self, *args, **options):
        for line in demo_seed():
            self.stdout.write(line)
