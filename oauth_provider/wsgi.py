"""Discovery and the JWKS answered at the WSGI layer, before Django's request handling (as whitenoise serves files).

Apps and their libraries fetch these public documents far more often than anything else; through Django each
costs a request object, the handler, the middleware and the view for the same bytes every time. Here a GET or HEAD
of one of them is answered with the status, headers and body Django gave the first request of the same shape, for
as long as the document keeps the ETag it had then (a new key set, seen the way the view sees it, is a new ETag:
the next request goes to Django again). What Django answered is learned, never rebuilt, so the two answers cannot
differ: the Host check (a refused Host is a 400 Django gives every time), https redirect and HSTS, CORS, CSP, ETag.
"""

import time

from django.conf import settings
from django.urls import reverse

from oauth_provider import keys
from oauth_provider.views import discovery
from simplelogin.logs import request_id_choose, request_id_var, request_log

# Each document's current (bytes, ETag), or None when finding it out needs the database (Django then answers).
DOCUMENTS = {
    "oauth_provider:openid-configuration": discovery.metadata_document,
    "oauth_provider:oauth-metadata": discovery.metadata_document,
    "oauth_provider:jwks": keys.jwks_document_without_query,
}
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
        self.documents: dict | None = None
        self.answers: dict[tuple, tuple[str, str, list, bytes]] = {}

    def __call__(self, environ, start_response):
        if self.documents is None:
            self.documents = {reverse(name): current for name, current in DOCUMENTS.items()}
        shape = self._shape(environ)
        document = self._current(shape[0]) if shape is not None else None
        if document is None:
            return self.application(environ, start_response)
        started = time.perf_counter()
        answer = self.answers.get(shape)
        if answer is None or answer[0] != document[1]:
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

    def _current(self, path: str) -> tuple[bytes, str] | None:
        try:
            return self.documents[path]()
        except Exception:  # a missing key file, say: Django answers, and reports it
            return None

    def _shape(self, environ) -> tuple | None:
        """What identifies an answer that can be repeated, or None when the request must go to Django."""
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path not in self.documents or method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if settings.METRICS_ENABLED or environ.get("SCRIPT_NAME"):  # mounted under a prefix: Django builds the URLs
            return None
        if any(key.startswith("HTTP_IF_") and key != "HTTP_IF_NONE_MATCH" for key in environ):
            return None  # If-Match, If-Unmodified-Since…: Django's conditional answers (412)
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
        repeatable &= not any(k.lower() == "set-cookie" for k, _ in headers)  # nobody's cookie is handed to another
        if repeatable and etag is not None:
            if len(self.answers) >= MAX_SHAPES:
                self.answers.clear()
            self.answers[shape] = (etag, status, headers, body)
        return [body]
