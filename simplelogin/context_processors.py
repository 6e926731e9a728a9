"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """What every page uses: the base URL, the footer (support address, links, version), the public pages' layout."""
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    return {
        "SITE_URL": settings.URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "APP_VERSION": settings.APP_VERSION,
        "PRIVACY_URL": settings.PRIVACY_URL,
        "TERMS_URL": settings.TERMS_URL,
        "base_template": "default.html" if signed_in else "single.html",
    }
