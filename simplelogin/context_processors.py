"""Template context shared by every page."""

from django.conf import settings

from billing.selectors import billing_enabled


def site(request):
    """What every page uses: base URL, footer (support address, links, version), billing on/off, public layout."""
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    return {
        "SITE_URL": settings.URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "APP_VERSION": settings.APP_VERSION,
        "PRIVACY_URL": settings.PRIVACY_URL,
        "TERMS_URL": settings.TERMS_URL,
        "billing_enabled": billing_enabled(),
        "base_template": "default.html" if signed_in else "single.html",
    }
