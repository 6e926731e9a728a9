"""Template tags: the app a log-in or sign-up page will return to."""

from django import template

from oauth_provider.selectors import client_for_next_url

register = template.Library()


@register.simple_tag
def client_from_next(next_url):
    """The client whose authorize URL is the page's `next`, or None."""
    return client_for_next_url(next_url=next_url)
