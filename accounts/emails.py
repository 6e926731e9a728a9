"""Outbound mail of accounts (alias test mail, partner applications), through Django's mail settings (EMAIL_URL)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Alias, PartnerApplication


def send_alias_test_email(*, alias: Alias) -> None:
    """Send a short test message addressed to the alias, in its owner's language."""
    with translation.override(alias.user.language or translation.get_language()):
        message = EmailMessage(
            subject=_("Test email from SimpleLogin"),
            body=_(
                "Hi,\n\n"
                "This is a test email sent to your alias %(alias)s.\n\n"
                "If you are reading it in your own mailbox, forwarding works. You can switch it off or delete\n"
                "the alias at any time on your SimpleLogin dashboard.\n\n"
                "The SimpleLogin team\n"
            )
            % {"alias": alias.email},
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
