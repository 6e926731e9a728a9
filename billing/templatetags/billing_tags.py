"""Template tags: the billing state shown on the settings page."""

from django import template

from billing.forms import PromoCodeForm
from billing.selectors import billing_overview as _billing_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def billing_overview(context):
    """The signed-in person's BillingOverview."""
    return _billing_overview(user=context["request"].user)


@register.simple_tag
def promo_form():
    """An empty promo code form."""
    return PromoCodeForm()
