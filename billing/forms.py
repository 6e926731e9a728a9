"""Forms of the pricing and settings pages."""

from django import forms

from billing.models import Plan
from simplelogin.validators import single_line


class CheckoutForm(forms.Form):
    """Which premium plan to buy."""

    plan = forms.ChoiceField(choices=[(Plan.MONTHLY.value, "Monthly"), (Plan.YEARLY.value, "Yearly")])


class PromoCodeForm(forms.Form):
    """A promo code to redeem."""

    code = forms.CharField(
        max_length=64,
        label="Promo code",
        validators=[single_line],
        error_messages={"required": "Enter a promo code."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
