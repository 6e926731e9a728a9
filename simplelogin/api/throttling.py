"""Rate limits of the API, counted per API key or OAuth token (per IP address for anonymous calls)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey


class ApiClientThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"] requests per key or token; 429 with Retry-After beyond."""

    scope = "api"

    def get_rate(self):
        """Read the rate on each request, so a settings change (or a test override) applies."""
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        """One bucket per API key or access token; anonymous calls share a bucket per IP address."""
        auth = request.auth
        if isinstance(auth, ApiKey):
            ident = f"key:{auth.pk}"
        elif auth is not None and hasattr(auth, "scope"):
            ident = f"token:{auth.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
