"""Outbound mail of the partner programme, sent through Django's mail settings (EMAIL_URL)."""

from django.conf import settings
from django.core.mail import EmailMessage

from developer.models import PartnerApplication

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
            admin_url=f"{settings.URL}/admin/developer/partnerapplication/{application.pk}/change/",
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SUPPORT_EMAIL],
        reply_to=[application.email],
    )
    message.send(fail_silently=False)
