"""Site-wide request guards."""

from csp import utils as csp_utils
from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import JsonResponse
from django.urls import resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

from simplelogin.views import bad_request, health

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PROTOCOL_PREFIXES = ("/oauth/", "/oauth2/", "/.well-known/", "/jwks")


def _has_nul(querydict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


class RejectNullCharactersMiddleware:
    """Answer 400 to parameters carrying NUL characters, which no field accepts and PostgreSQL cannot store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # the API parses JSON only (its fields refuse NUL); reading a multipart body here would hide it from DRF
        form_post = (
            request.method == "POST" and request.content_type in FORM_TYPES and not request.path.startswith("/api/")
        )
        if _has_nul(request.GET) or (form_post and _has_nul(request.POST)):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        message = "Parameters must not contain NUL characters."
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid_request", "detail": message}, status=400)
        if request.path.startswith(PROTOCOL_PREFIXES):
            return JsonResponse({"error": "invalid_request", "error_description": message}, status=400)
        return bad_request(request)


class HealthCheckMiddleware:
    """Answer /health before the Host and https checks, so probes work behind any ALLOWED_HOSTS and TLS proxy.

    It reveals only whether the database answers; nothing it returns depends on the Host header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health":
            return health(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response whose view did not choose its own caching.

    Pages show a person's aliases, apps, clients and consents: none may land in a browser or proxy cache. The few
    public documents worth caching (discovery, JWKS) set their own header; static files never reach this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ProtocolMiddleware:
    """Send the machine-facing protocol endpoints through a short middleware list (settings.PROTOCOL_MIDDLEWARE).

    Token, userinfo, introspection, revocation, discovery and the JWKS are called by apps, never by a signed-in
    browser: they need no session, user, CSRF, messages or allauth. Placed after the request log, it calls the view
    of those exact paths (resolved once) inside the listed middleware, with Django's exception handling around each
    layer (errors → the JSON handler pages), and adds the page-wide headers they would otherwise get (CSP,
    X-Frame-Options, Content-Length) as precomputed values. Every other path takes the full list.
    """

    PATH_NAMES = ("token", "userinfo", "user_info", "me", "introspect", "revoke")  # also under /oauth/ (name-2019)
    DOCUMENT_NAMES = ("openid-configuration", "oauth-metadata", "jwks")

    def __init__(self, get_response):
        self.get_response = get_response
        names = [f"{name}{suffix}" for name in self.PATH_NAMES for suffix in ("", "-2019")] + list(self.DOCUMENT_NAMES)
        paths = [reverse(f"oauth_provider:{name}") for name in names]
        self.routes = {path: resolve(path) for path in paths}
        self.protocol = self._chain(settings.PROTOCOL_MIDDLEWARE)
        self.csp = csp_utils.build_policy()

    def _chain(self, middleware_paths):
        def view(request):
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it on the full list (DisallowedHost → 400)
            match = request.resolver_match = self.routes[request.path_info]
            return match.func(request, *match.args, **match.kwargs)

        chain = convert_exception_to_response(view)
        for path in reversed(middleware_paths):
            chain = convert_exception_to_response(import_string(path)(chain))
        return chain

    def __call__(self, request):
        if request.path_info not in self.routes:
            return self.get_response(request)
        response = self.protocol(request)
        if self.csp and "Content-Security-Policy" not in response:
            response.headers["Content-Security-Policy"] = self.csp
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if not response.streaming and "Content-Length" not in response:
            response.headers["Content-Length"] = str(len(response.content))
        return response
