"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Expose the public base URL and support address to templates."""
    return {"SITE_URL": settings.URL, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL}
