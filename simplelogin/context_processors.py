"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The public base URL, the support address, and the layout for pages open to everyone."""
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    return {
        "SITE_URL": settings.URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "base_template": "default.html" if signed_in else "single.html",
    }
