"""Site-wide request guards."""

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

from allauth.usersessions.middleware import UserSessionsMiddleware
from csp import utils as csp_utils
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.exception import convert_exception_to_response
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

from simplelogin.views import bad_request, health

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PROTOCOL_PREFIXES = ("/oauth/", "/oauth2/", "/.well-known/", "/jwks")
# Endpoints that answer apps (JSON, English error descriptions): no page to translate, so no session or user query.
MACHINE_ENDPOINTS = re.compile(
    r"^/(api/|oauth2/register|oauth2?/(token|user_?info|me|introspect|revoke)/?$|\.well-known/|jwks)"
)


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


def ui_locales_language(request) -> str | None:
    """The first supported language of an authorization request's `ui_locales`, or of the one waiting in `next`.

    OIDC Core 3.1.2.1: ui_locales is the person's preferred languages for the pages, a space-separated list.
    """
    value = request.GET.get("ui_locales")
    if value is None and "next" in request.GET:
        try:
            value = (parse_qs(urlsplit(request.GET["next"]).query).get("ui_locales") or [None])[0]
        except ValueError:  # not a URL (e.g. "http://[bad"): no hint
            value = None
    for tag in (value or "").split()[:10]:
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


def language_choose(request, *, fallback: bool = False) -> None:
    """Activate the signed-in person's own language, else the first supported one of the request's `ui_locales`;
    with `fallback`, else Django's choice (cookie, Accept-Language). The authorization view calls it again once a
    request object has replaced the query, whose `ui_locales` the middleware may have followed."""
    user = getattr(request, "user", None)
    language = user.language if user is not None and user.is_authenticated else ""
    language = language or ui_locales_language(request)
    if not language and fallback:
        language = translation.get_language_from_request(request)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's language choice (cookie, Accept-Language), except that the person's own choice wins.

    Order: the language the signed-in person picked in Settings, then an app's `ui_locales`, then Django's.
    """

    def process_request(self, request):
        super().process_request(request)
        if MACHINE_ENDPOINTS.match(request.path_info):
            return
        language_choose(request)

    def process_response(self, request, response):
        if MACHINE_ENDPOINTS.match(request.path_info):
            return response  # the same JSON in every language: no Vary: Accept-Language for caches to split on
        return super().process_response(request, response)


class SessionActivityMiddleware(UserSessionsMiddleware):
    """allauth.usersessions' activity tracking (last seen, IP), written at most once a minute per session.

    allauth writes the session's row on every request; a cache mark per session skips the writes in between.
    """

    def __call__(self, request):
        session = getattr(request, "session", None)
        key = session.session_key if session is not None else None
        if key:
            mark = "usersession-seen:" + hashlib.sha256(key.encode()).hexdigest()
            if not cache.add(mark, 1, timeout=settings.USERSESSIONS_SEEN_INTERVAL):
                return self.get_response(request)
        return super().__call__(request)


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
