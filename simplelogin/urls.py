"""URL routes of the whole site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.urls import usersessions_urlpatterns
from simplelogin import views

handler400 = "simplelogin.views.bad_request"
handler403 = "simplelogin.views.permission_denied"
handler404 = "simplelogin.views.page_not_found"
handler500 = "simplelogin.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("privacy", views.privacy, name="privacy"),
    path("terms", views.terms, name="terms"),
    path("admin/", admin.site.urls),
    path("accounts/sessions/", include(usersessions_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("oauth_provider.urls")),
    path("", include("billing.urls")),
    path("", include("simplelogin.api.urls")),
    path("", include("oauth_provider.console.urls")),
]

if settings.METRICS_ENABLED:
    urlpatterns += [path("metrics", views.metrics, name="metrics")]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.media),
    ]
