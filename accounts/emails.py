"""Outbound mail of accounts (alias test mail, partner applications), through Django's mail settings (EMAIL_URL)."""

from django.conf import settings
from django.core.mail import EmailMessage

from accounts.models import Alias, PartnerApplication

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


APPLICATION_SUBJECT = "New partner application: {name}"
APPLICATION_BODY = """A new partner application was submitted on SimpleLogin.

Name: {name}
Email: {email}
Website: {website}
Signed in as: {account}

More information:
{information}

Approve it in the admin: {admin_url}
"""


def send_partner_application(*, application: PartnerApplication) -> None:
    """Tell the support address about a new partner application (Reply-To the applicant)."""
    message = EmailMessage(
        subject=APPLICATION_SUBJECT.format(name=application.name),
        body=APPLICATION_BODY.format(
            name=application.name,
            email=application.email,
            website=application.website or "-",
            account=application.user.email if application.user_id else "(not signed in)",
            information=application.additional_information or "-",
            admin_url=f"{settings.URL}/admin/accounts/partnerapplication/{application.pk}/change/",
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SUPPORT_EMAIL],
        reply_to=[application.email],
    )
    message.send(fail_silently=False)
