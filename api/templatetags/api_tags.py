"""Template tags: the API key section of the settings page."""

from django import template

from api.forms import ApiKeyForm
from api.selectors import api_key_list

register = template.Library()


@register.simple_tag(takes_context=True)
def api_keys(context):
    """The signed-in person's API keys, newest first."""
    return list(api_key_list(user=context["request"].user))


@register.simple_tag
def api_key_form():
    """An empty form to name a new key."""
    return ApiKeyForm()
