"""Calls this site's own OpenID Connect endpoints in-process, as a client would over HTTP.

The playground must exchange codes and call userinfo from the server. An HTTP request to our own public URL
would deadlock a single-worker gunicorn (the worker waits for itself), may not route from inside a container
(hairpin NAT) and needs a live server in tests. Instead we build the WSGI request a client would send and hand
it to the view that URL resolves to: same URL routing, same DOT view, same validator, same database, no socket.
Middleware is skipped (CORS, sessions and CSRF do not apply to these client-authenticated endpoints).
"""

import io
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

DEFAULT_PATHS = {
    "authorization_endpoint": "/oauth2/authorize",
    "token_endpoint": "/oauth2/token",
    "userinfo_endpoint": "/oauth2/userinfo",
    "jwks_uri": "/jwks",
}
DISCOVERY_PATH = "/.well-known/openid-configuration"


class LoopbackError(Exception):
    """The URL is not one of this site's endpoints."""


@dataclass
class LoopbackResponse:
    """What the endpoint answered."""

    status: int
    headers: dict = field(default_factory=dict)
    body: str = ""

    def json(self):
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def _environ(*, method: str, url: str, body: bytes, headers: dict) -> dict:
    site = urlsplit(settings.URL)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        raise LoopbackError(f"{url} is not on {settings.URL}.")
    https = site.scheme == "https"
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path or "/",
        "QUERY_STRING": parts.query,
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if https else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": site.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": site.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    if https and settings.SECURE_PROXY_SSL_HEADER:
        environ[settings.SECURE_PROXY_SSL_HEADER[0]] = settings.SECURE_PROXY_SSL_HEADER[1]
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return environ


def request(*, method: str, url: str, data: dict | None = None, headers: dict | None = None) -> LoopbackResponse:
    """Send GET/POST (form-encoded `data`) to one of our URLs and return the answer of its view."""
    headers = dict(headers or {})
    body = b""
    if data is not None:
        body = urlencode(data).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    environ = _environ(method=method, url=url, body=body, headers=headers)
    try:
        match = resolve(environ["PATH_INFO"])
    except Resolver404:
        raise LoopbackError(f"No endpoint at {url}.") from None
    from django.contrib.auth.models import AnonymousUser

    django_request = WSGIRequest(environ)
    django_request.user = AnonymousUser()
    django_request._dont_enforce_csrf_checks = True
    response = match.func(django_request, *match.args, **match.kwargs)
    if hasattr(response, "render") and callable(response.render):
        response.render()
    content = b"".join(response) if response.streaming else response.content
    log.info("loopback call method=%s path=%s status=%s", method, environ["PATH_INFO"], response.status_code)
    return LoopbackResponse(
        status=response.status_code, headers=dict(response.items()), body=content.decode("utf-8", "replace")
    )


def provider_metadata() -> dict:
    """The discovery document (OIDC Discovery 4), with the usual paths when it cannot be read."""
    base = settings.URL.rstrip("/")
    metadata = {key: f"{base}{path}" for key, path in DEFAULT_PATHS.items()}
    metadata["issuer"] = base
    try:
        answer = request(method="GET", url=f"{base}{DISCOVERY_PATH}")
    except LoopbackError:
        return metadata
    document = answer.json() if answer.status == 200 else None
    if isinstance(document, dict):
        metadata.update({k: v for k, v in document.items() if v})
    return metadata
