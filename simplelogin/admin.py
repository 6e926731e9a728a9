"""The Django admin site: our name, our apps first, the libraries' after them, dj-stripe's synced copy last."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# The admin index lists our apps first in this order, then the libraries', then dj-stripe's synced copy.
APPS_FIRST = ["accounts", "oauth_provider", "billing"]
APPS_LAST = ["djstripe"]
# Names that say what a library's models are ("Accounts" twice, ours and allauth's, said nothing).
APP_NAMES = {
    "account": _("Email addresses (allauth)"),
    "socialaccount": _("Social log in (allauth)"),
    "mfa": _("Two-factor (allauth)"),
    "oauth2_provider": _("OAuth tokens (django-oauth-toolkit)"),
    "djstripe": _("Stripe (synced)"),
}


class SimpleLoginAdminSite(admin.AdminSite):
    """admin.site for SimpleLogin (installed by simplelogin.apps.AdminConfig)."""

    site_header = _("SimpleLogin administration")
    site_title = _("SimpleLogin administration")
    index_title = _("Site administration")

    def get_app_list(self, request, app_label=None):
        """Ours first, dj-stripe's ~50 models last under a name that says they mirror Stripe."""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])

        def position(app):
            label = app["app_label"]
            if label in APPS_FIRST:
                return (0, APPS_FIRST.index(label))
            return (2, 0) if label in APPS_LAST else (1, 0)

        return sorted(apps, key=position)
