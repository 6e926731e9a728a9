"""Forms of the pricing and settings pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Plan
from simplelogin.validators import single_line


class CheckoutForm(forms.Form):
    """Which premium plan to buy."""

    plan = forms.ChoiceField(choices=[(Plan.MONTHLY.value, _("Monthly")), (Plan.YEARLY.value, _("Yearly"))])


class PromoCodeForm(forms.Form):
    """A promo code to redeem."""

    code = forms.CharField(
        max_length=64,
        label=_("Promo code"),
        validators=[single_line],
        error_messages={"required": _("Enter a promo code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
