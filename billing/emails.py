"""Outbound mail about plans, sent through Django's mail settings (EMAIL_URL)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from billing.selectors import billing_enabled, promo_codes_exist


def send_trial_ending(*, user, ends_at: datetime) -> None:
    """Tell the person their trial ends soon and, when something can be bought or redeemed, where."""
    context = {
        "user": user,
        "ends_at": ends_at,
        "billing_enabled": billing_enabled(),
        "promo_codes_exist": promo_codes_exist(),
        "pricing_url": settings.URL + reverse("pricing"),
        "settings_url": settings.URL + reverse("settings"),
    }
    message = EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your trial ends on {ends_at:%Y-%m-%d}",
        body=render_to_string("billing/email/trial_ending.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.send(fail_silently=False)
