"""Discovery (OpenID Connect Discovery 1.0, RFC 8414) and the JWKS: public documents about the provider."""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from oauth_provider import claims, keys
from oauth_provider.constants import (
    REQUEST_OBJECT_SIGNING_ALGS,
    Acr,
    GrantType,
    PkceMethod,
    Prompt,
    ResponseMode,
    ResponseType,
    Scope,
)


def _endpoint(name: str) -> str:
    """The absolute URL of one of our endpoints."""
    return f"{claims.issuer()}{reverse(f'oauth_provider:{name}')}"


def _metadata() -> dict:
    """What both discovery documents share."""
    metadata = {
        "issuer": claims.issuer(),
        "authorization_endpoint": _endpoint("authorize"),
        "token_endpoint": _endpoint("token"),
        "userinfo_endpoint": _endpoint("userinfo"),
        "jwks_uri": _endpoint("jwks"),
        "introspection_endpoint": _endpoint("introspect"),
        "revocation_endpoint": _endpoint("revoke"),
        "end_session_endpoint": _endpoint("end-session"),
        "scopes_supported": list(Scope.values),  # offline_access (OIDC Core 11) and the API's aliases:* included
        "response_types_supported": list(ResponseType.values),
        "response_modes_supported": list(ResponseMode.values),
        "grant_types_supported": list(GrantType.values),
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": [PkceMethod.S256],
        "claims_supported": list(claims.CLAIMS_SUPPORTED)
        + ["iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "amr", "acr"],
        "acr_values_supported": list(Acr.values),
        "prompt_values_supported": list(Prompt.values),
        "authorization_response_iss_parameter_supported": True,
        "claims_parameter_supported": False,
        "ui_locales_supported": [code for code, _name in settings.LANGUAGES],  # OIDC Discovery 3; Core 3.1.2.1
        "request_parameter_supported": True,
        "request_object_signing_alg_values_supported": list(REQUEST_OBJECT_SIGNING_ALGS),
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": True,
    }
    if settings.DYNAMIC_CLIENT_REGISTRATION:
        metadata["registration_endpoint"] = _endpoint("register")  # RFC 7591 3, RFC 8414 2
    return metadata


_documents: dict = {}


def metadata_document() -> tuple[bytes, str]:
    """The metadata as JSON bytes and their ETag, built once per issuer and registration setting."""
    key = (claims.issuer(), settings.DYNAMIC_CLIENT_REGISTRATION)
    if key not in _documents:
        body = json.dumps(_metadata()).encode()
        _documents.clear()
        _documents[key] = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
    return _documents[key]


def _public_document(request, document: tuple[bytes, str]) -> HttpResponse:
    """The document, cacheable by anyone for an hour; 304 when If-None-Match names its ETag (RFC 9110 13.1.2)."""
    body, etag = document
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)


@require_safe  # GET and HEAD (RFC 9110 9.3.2)
def openid_configuration(request):
    """`/.well-known/openid-configuration` (OpenID Connect Discovery 1.0)."""
    return _public_document(request, metadata_document())


@require_safe  # GET and HEAD (RFC 9110 9.3.2)
def authorization_server_metadata(request):
    """`/.well-known/oauth-authorization-server` (RFC 8414)."""
    return _public_document(request, metadata_document())


@require_safe  # GET and HEAD (RFC 9110 9.3.2)
def jwks(request):
    """`/jwks`: the public keys; the kid in id_token headers is one of them."""
    return _public_document(request, keys.jwks_document())
