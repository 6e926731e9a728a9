"""What the server fetches from client apps' URLs: their keys (`jwks_uri`) and request objects (`request_uri`).

The one module that requests a client's URL. Every fetch has a timeout and a size limit and follows no redirect;
results are cached, and a failure is cached briefly too, so a broken or slow URL cannot make every authorization
request wait. Only URLs the client registered are fetched, and only from public addresses: the host is resolved
when connecting and every address it names must be global (not loopback, private, link-local, reserved), so a
client cannot make the server call itself or its network (SSRF), by its URL or by DNS; no proxy from the
environment is used. CLIENT_URLS_PRIVATE_ADDRESSES lifts this for tests and local development only.
"""

import hashlib
import http.client
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache
from jwcrypto.common import JWException
from jwcrypto.jwk import JWKSet

log = logging.getLogger(__name__)

JWKS_MAX_BYTES = 64 * 1024
JWKS_TIMEOUT_SECONDS = 5
JWKS_CACHE_SECONDS = 300
JWKS_FAILURE_CACHE_SECONDS = 30
REQUEST_URI_CACHE_SECONDS = 60  # OIDC Registration 2: the OP may cache what a request_uri holds
FETCH_FAILED = "fetch-failed:"  # cached as this prefix + the reason


class ClientKeysError(Exception):
    """A client URL could not be used: the message says why, without echoing what the URL answered."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class NotPublicAddress(OSError):
    """The client's URL names a host on a loopback, private, link-local or otherwise non-global address."""


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _public_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """socket.create_connection to the host's first address, once every address it resolves to is public."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not getattr(settings, "CLIENT_URLS_PRIVATE_ADDRESSES", False) and not all(
        _address_is_public(sockaddr[0]) for *_rest, sockaddr in infos
    ):
        raise NotPublicAddress(f"{host} is not on a public address")
    family, kind, proto, _name, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(sockaddr)  # the address checked above, not a second lookup (DNS rebinding)
    except BaseException:
        sock.close()
        raise
    return sock


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection  # TLS still checks the certificate for the host name


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PublicHTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _PublicHTTPHandler, _PublicHTTPSHandler, _NoRedirect
)


def jwks_problem(jwks) -> str | None:
    """Why a JWK Set may not be registered (RFC 7517 5: a `keys` array of public keys), or None."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        return 'jwks must be a JWK Set: {"keys": [...]} with at least one key.'
    try:
        keyset = JWKSet.from_json(json.dumps(jwks))
    except (JWException, ValueError, TypeError, KeyError):
        return "jwks holds a key that is not a valid JWK."
    if any(key.has_private or key.get("kty") == "oct" for key in keyset):
        return "jwks must hold public keys only: never send a private or symmetric key."
    return None


def _cache_key(uri: str, kind: str = "jwks") -> str:
    return f"client-{kind}:" + hashlib.sha256(uri.encode()).hexdigest()


def _fetch(uri: str, *, name: str = "jwks_uri", accept: str = "application/jwk-set+json, application/json") -> str:
    """The body at the client's URL, at most JWKS_MAX_BYTES; ClientKeysError otherwise."""
    request = urllib.request.Request(uri, headers={"Accept": accept})
    try:
        with _opener.open(request, timeout=JWKS_TIMEOUT_SECONDS) as response:
            if response.status != 200:
                raise ClientKeysError(f"The client's {name} answered HTTP {response.status}.")
            body = response.read(JWKS_MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ClientKeysError(f"The client's {name} answered HTTP {error.code}.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, NotPublicAddress):
            raise ClientKeysError(f"The client's {name} is not on a public address: it is not fetched.") from None
        raise ClientKeysError(f"The client's {name} could not be fetched.") from None
    except (OSError, ValueError):
        raise ClientKeysError(f"The client's {name} could not be fetched.") from None
    if len(body) > JWKS_MAX_BYTES:
        raise ClientKeysError(f"The client's {name} is larger than {JWKS_MAX_BYTES // 1024} KB.")
    return body.decode("utf-8", errors="replace")


def request_uri_fetch(*, uri: str) -> str:
    """The request object a registered request_uri holds (OIDC Core 6.2), cached briefly; ClientKeysError otherwise."""
    key = _cache_key(uri, "request-uri")
    cached = cache.get(key)
    if cached is not None and cached.startswith(FETCH_FAILED):
        raise ClientKeysError(cached.removeprefix(FETCH_FAILED))
    if cached is None:
        try:
            cached = _fetch(uri.split("#", 1)[0], name="request_uri", accept="application/oauth-authz-req+jwt, */*")
        except ClientKeysError as error:
            cache.set(key, f"{FETCH_FAILED}{error}", JWKS_FAILURE_CACHE_SECONDS)
            raise
        cache.set(key, cached, REQUEST_URI_CACHE_SECONDS)
    return cached.strip()


def _parse(text: str) -> JWKSet:
    try:
        document = json.loads(text)
    except ValueError:
        raise ClientKeysError("The client's jwks_uri is not a JSON JWK Set.") from None
    if problem := jwks_problem(document):
        raise ClientKeysError(f"The client's jwks_uri: {problem}")
    return JWKSet.from_json(json.dumps(document))


def client_jwks(*, client, refresh: bool = False) -> JWKSet | None:
    """The client's public keys (registered `jwks`, else `jwks_uri`, cached), None when it registered neither.

    `refresh` re-fetches the jwks_uri (a kid the cached set lacks: the client rotated its keys).
    """
    if client.jwks:
        return _parse(json.dumps(client.jwks))
    if not client.jwks_uri:
        return None
    key = _cache_key(client.jwks_uri)
    if refresh and not cache.add(f"{key}:refreshed", True, JWKS_FAILURE_CACHE_SECONDS):
        refresh = False  # a re-fetch for an unknown kid happens at most once per 30 s
    cached = None if refresh else cache.get(key)
    if cached is not None and cached.startswith(FETCH_FAILED):
        raise ClientKeysError(cached.removeprefix(FETCH_FAILED))
    if cached is None:
        try:
            cached = _fetch(client.jwks_uri)
            keyset = _parse(cached)
        except ClientKeysError as error:
            if not refresh:  # a failed re-fetch keeps the set cached before it
                cache.set(key, f"{FETCH_FAILED}{error}", JWKS_FAILURE_CACHE_SECONDS)
            log.info("client jwks_uri failed client_id=%s reason=%s", client.client_id, error)
            raise
        cache.set(key, cached, JWKS_CACHE_SECONDS)
        return keyset
    return _parse(cached)
