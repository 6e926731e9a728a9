"""Site-wide views: the home redirect, health check, privacy and terms pages, and error pages."""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
def home(request):
    """Send signed-in people to their dashboard, everyone else to log in."""
    return redirect("dashboard" if request.user.is_authenticated else "account_login")


@require_GET
def privacy(request):
    """The privacy policy: the operator's (PRIVACY_URL) when set, else our own page."""
    if settings.PRIVACY_URL:
        return redirect(settings.PRIVACY_URL)
    return render(request, "legal/privacy.html")


@require_GET
def terms(request):
    """The terms of service: the operator's (TERMS_URL) when set, else our own page."""
    if settings.TERMS_URL:
        return redirect(settings.TERMS_URL)
    return render(request, "legal/terms.html")


@never_cache
@require_GET
def health(request):
    """Report 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    """400 in the site's look."""
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    """403 in the site's look."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """404 in the site's look."""
    return render(request, "404.html", status=404)


def server_error(request):
    """500 in the site's look; 503 with Retry-After while the database cannot be reached (it is a fault of ours
    that passes: clients and browsers retry)."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError) and not connection.is_usable()
    )
    status = 503 if unavailable else 500
    if request.path.startswith(("/oauth/", "/oauth2/", "/.well-known/", "/jwks", "/api/")):
        response = JsonResponse({"error": "temporarily_unavailable" if unavailable else "server_error"}, status=status)
    else:  # no context processors: they may need the database that just failed
        response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = "5"
    return response


def csrf_failure(request, reason=""):
    """403 for a form posted without a valid CSRF token."""
    return render(request, "403_csrf.html", status=403)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics (METRICS_ENABLED); with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    import hmac

    from django_prometheus.exports import ExportToDjangoView

    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode()):
            return HttpResponse("A bearer token is required.\n", status=401, headers={"WWW-Authenticate": "Bearer"})
    return ExportToDjangoView(request)


@require_GET
def media(request, path):
    """Uploads on local disk (avatars, client icons); S3 serves them itself when configured."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
