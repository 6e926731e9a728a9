"""Outbound mail about plans, sent through Django's mail settings (EMAIL_URL)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from billing.selectors import billing_enabled, promo_codes_exist


def send_trial_ending(*, user, ends_at: datetime) -> None:
    """Tell the person their trial ends soon and, when something can be bought or redeemed, where; in their language."""
    context = {
        "user": user,
        "ends_at": ends_at,
        "billing_enabled": billing_enabled(),
        "promo_codes_exist": promo_codes_exist(),
        "pricing_url": settings.URL + reverse("pricing"),
        "settings_url": settings.URL + reverse("settings"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your trial ends on %(date)s") % {"date": f"{ends_at:%Y-%m-%d}"}
        message = EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            body=render_to_string("billing/email/trial_ending.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
    message.send(fail_silently=False)
