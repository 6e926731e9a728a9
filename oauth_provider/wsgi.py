"""Discovery and the JWKS answered at the WSGI layer, before Django's request handling (as whitenoise serves files).

Apps and their libraries fetch these public documents far more often than anything else; through Django each
costs a request object, the handler, the middleware and the view for the same bytes every time. Here a GET or HEAD
of one of them is answered with the status, headers and body Django gave the first request of the same shape, for
at most half of SIGNING_KEY_REFRESH_SECONDS (a rotated-in key is published at most 1.5 refresh periods after it is
made, before it signs: keys.py waits two). What Django answered is learned, never rebuilt, so the two answers cannot
differ: the Host check (a refused Host is a 400 Django gives every time), https redirect and HSTS, CORS, CSP, ETag.
"""

import time

from django.conf import settings
from django.urls import reverse

from simplelogin.logs import request_id_choose, request_id_var, request_log

DOCUMENTS = ("oauth_provider:openid-configuration", "oauth_provider:oauth-metadata", "oauth_provider:jwks")
# What the answer to these GETs may depend on, besides the path and method (Host and proxy headers: ALLOWED_HOSTS,
# is_secure and the https redirect; Origin: CORS). A request carrying anything else that Django would read
# (a query string, a conditional header other than the exact ETag) goes to Django.
SHAPE_KEYS = (
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_ORIGIN",
)
MAX_SHAPES = 64  # distinct Hosts and Origins remembered; beyond that the store starts again


class PublicDocuments:
    """WSGI middleware around Django's application: the learned answers for discovery and the JWKS."""

    def __init__(self, application):
        self.application = application
        self.paths: frozenset[str] | None = None
        self.answers: dict[tuple, tuple[float, str, list, bytes]] = {}

    def __call__(self, environ, start_response):
        if self.paths is None:
            self.paths = frozenset(reverse(name) for name in DOCUMENTS)
        shape = self._shape(environ)
        if shape is None:
            return self.application(environ, start_response)
        started = time.perf_counter()
        answer = self.answers.get(shape)
        if answer is None or answer[0] < time.monotonic():
            return self._learn(shape, environ, start_response)
        _, status, headers, body = answer
        request_id = request_id_choose(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response(status, [*headers, ("X-Request-ID", request_id)])
        token = request_id_var.set(request_id)
        try:
            request_log(method=shape[1], path=shape[0], status=int(status[:3]), started=started)
        finally:
            request_id_var.reset(token)
        return [body]

    def _shape(self, environ) -> tuple | None:
        """What identifies an answer that can be repeated, or None when the request must go to Django."""
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path not in self.paths or method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if settings.METRICS_ENABLED or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None
        return (path, method, environ.get("HTTP_IF_NONE_MATCH"), *(environ.get(key) for key in SHAPE_KEYS))

    def _learn(self, shape, environ, start_response):
        """Django answers; a 200, or a 304 to the ETag it sent, is kept for the next requests of this shape."""
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = seen["status"], [(k, v) for k, v in seen["headers"] if k.lower() != "x-request-id"]
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if_none_match = shape[2]
        repeatable = status.startswith("200") and if_none_match is None
        repeatable |= status.startswith("304") and if_none_match is not None and if_none_match == etag
        ttl = settings.SIGNING_KEY_REFRESH_SECONDS / 2
        if repeatable and ttl > 0:
            if len(self.answers) >= MAX_SHAPES:
                self.answers.clear()
            self.answers[shape] = (time.monotonic() + ttl, status, headers, body)
        return [body]
