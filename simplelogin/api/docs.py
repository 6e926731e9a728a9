"""The OpenAPI schema and its Swagger UI / Redoc pages, served from our own static files under our CSP."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """GET /api/schema/: the OpenAPI 3 document (YAML, or JSON with ?format=json or Accept)."""


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI: its start-up script is a separate same-origin request (no inline script)."""

    template_name = "api/swagger_ui.html"


# Redoc builds its styles with inline <style> tags and parses the schema in a blob: web worker.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}), name="dispatch")
class RedocView(SpectacularRedocView):
    """Redoc, without the web fonts of the stock template (no CDN)."""

    template_name = "api/redoc.html"
