"""Outbound mail about aliases, sent through Django's mail settings (EMAIL_URL)."""

from django.conf import settings
from django.core.mail import EmailMessage

from accounts.models import Alias

TEST_EMAIL_SUBJECT = "Test email from SimpleLogin"
TEST_EMAIL_BODY = """Hi,

This is a test email sent to your alias {alias}.

If you are reading it in your own mailbox, forwarding works. You can switch it off or delete
the alias at any time on your SimpleLogin dashboard.

The SimpleLogin team
"""


def send_alias_test_email(*, alias: Alias) -> None:
    """Send a short test message addressed to the alias."""
    message = EmailMessage(
        subject=TEST_EMAIL_SUBJECT,
        body=TEST_EMAIL_BODY.format(alias=alias.email),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[alias.email],
    )
    message.send(fail_silently=False)
