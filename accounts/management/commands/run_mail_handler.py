"""Run the SMTP server that forwards alias mail (Postfix relays @EMAIL_DOMAIN to it)."""

import asyncio
import errno
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.forwarding.handler import serve


class Command(BaseCommand):
    """python manage.py run_mail_handler [--host H] [--port P]"""

    help = "Run the SMTP server that forwards mail for @EMAIL_DOMAIN aliases and relays replies."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.MAIL_HANDLER_HOST)
        parser.add_argument("--port", type=int, default=settings.MAIL_HANDLER_PORT)

    def handle(self, *args, host, port, **options):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every address at INFO

        def ready(sockname):
            self.stdout.write(f"mail handler listening on {sockname[0]}:{sockname[1]} for @{settings.EMAIL_DOMAIN}")
            self.stdout.flush()

        try:
            asyncio.run(serve(host=host, port=port, ready=ready))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"{host}:{port} is already in use: stop what listens there, or set MAIL_HANDLER_PORT (or --port)."
                ) from None
            raise CommandError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        self.stdout.write("mail handler stopped")
