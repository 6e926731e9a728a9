"""Request rules oauthlib does not know, run as its custom validators before its own checks (`server.Server`).

`authorization_request_rules` runs for every response type (pre_auth of the code and hybrid grants, pre_token of
the implicit grant, which oauthlib runs while validating the authorization request); `token_request_rules` runs
for the code and refresh grants and is called by the introspection and revocation views too. Each raises the
spec's error; oauthlib sends it to the validated redirect_uri (authorization) or as JSON (token).
"""

import base64
from urllib.parse import unquote_plus

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid.connect.core.exceptions import (
    InvalidRequestObject,
    InvalidRequestURI,
    RegistrationNotSupported,
)

from oauth_provider import request_objects
from oauth_provider.constants import DEFAULT_SCOPES, PkceMethod, Scope
from oauth_provider.errors import TokenError
from oauth_provider.responses import response_mode_choose

NONCE_MAX_LENGTH = 255
CODE_CHALLENGE_LENGTHS = range(43, 129)  # RFC 7636 4.2


def _repeated(request) -> str | None:
    """The first parameter sent more than once (RFC 6749 3.1, 3.2: parameters MUST NOT repeat)."""
    try:
        return next(iter(request.duplicate_params), None)
    except ValueError:
        raise errors.InvalidRequestError(description="The parameters could not be parsed.", request=request) from None


def _sent(request, name: str) -> bool:
    """Whether the client sent this parameter (oauthlib reuses some names, e.g. `request`, for its own objects)."""
    return any(key == name for key, _ in (request.decoded_body or []) + request.uri_query_params)


def _request_object_problem(request) -> Exception:
    """Why the request object still in the request was not applied."""
    sent = [
        (key, value)
        for key, value in (request.decoded_body or []) + request.uri_query_params
        if key in ("request", "request_uri")
    ]
    if len(sent) > 1:
        return request_objects.RequestObjectError(f"The {sent[0][0]} parameter is repeated.")
    problem = request_objects.request_object_problem(
        client=request.client, params=sent, response_type=request.response_type
    )
    return problem or request_objects.RequestObjectError(
        "The request object could not be applied: send it in the query, with client_id beside it."
    )


def authorization_request_rules(request) -> dict:
    """Refuse what we do not offer before oauthlib looks further, then the parameter rules of the specs."""
    # OIDC Core 7.2.1: say so rather than ignore it, before any rule that may depend on it.
    if _sent(request, "registration"):
        raise RegistrationNotSupported(request=request)
    if _sent(request, "request") and _sent(request, "request_uri"):
        raise errors.InvalidRequestError(
            description="Send request or request_uri, not both (OIDC Core 6.2).", request=request
        )
    if _sent(request, "request") or _sent(request, "request_uri"):
        # OIDC Core 6.3: the authorization view applied every valid request object; this one was not.
        problem = _request_object_problem(request)
        refusal = InvalidRequestURI if isinstance(problem, request_objects.RequestUriError) else InvalidRequestObject
        raise refusal(description=str(problem), request=request)
    if repeated := _repeated(request):
        raise errors.InvalidRequestError(description=f"The {repeated} parameter is repeated.", request=request)
    _, problem = response_mode_choose(requested=request.response_mode, response_type=request.response_type)
    if problem:
        raise errors.InvalidRequestError(description=problem, request=request)
    if Scope.OFFLINE_ACCESS in (request.scope or "").split() and "code" not in (request.response_type or "").split():
        # OIDC Core 11: ignored unless the response returns a code (only a code exchange gives refresh tokens).
        request.scope = " ".join(s for s in request.scope.split() if s != Scope.OFFLINE_ACCESS)
        request.scopes = request.scope.split() or None
    scopes = request.scopes or list(DEFAULT_SCOPES)
    if "id_token" in (request.response_type or "").split() and Scope.OPENID not in scopes:
        # OIDC Core 3.2.2.1: an id_token is only for the openid scope.
        raise errors.InvalidRequestError(
            description="An id_token can only be returned for the openid scope.", request=request
        )
    if request.code_challenge_method == PkceMethod.PLAIN:
        # RFC 9700 2.1.1: S256 only.
        raise errors.InvalidRequestError(
            description='The "plain" code_challenge_method is not supported; use "S256".', request=request
        )
    if request.code_challenge is not None and len(request.code_challenge) not in CODE_CHALLENGE_LENGTHS:
        raise errors.InvalidRequestError(
            description="code_challenge must be 43 to 128 characters (RFC 7636 4.2).", request=request
        )
    if len(request.nonce or "") > NONCE_MAX_LENGTH:
        raise errors.InvalidRequestError(
            description=f"nonce is too long ({NONCE_MAX_LENGTH} characters at most).", request=request
        )
    max_age = request.max_age
    if max_age is not None and not (max_age.isascii() and max_age.isdigit()):
        raise errors.InvalidRequestError(description="max_age must be a number of seconds.", request=request)
    return {}


def basic_client_id(request) -> str | None:
    """The client_id of an HTTP Basic Authorization header (RFC 6749 2.3.1), or None."""
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:
        return None
    client_id, separator, _secret = decoded.partition(":")
    return unquote_plus(client_id) if separator else None


def token_request_rules(request) -> None:
    """No repeated parameter, and a client_id in the body names the client of the Basic header (RFC 6749 2.3)."""
    if repeated := _repeated(request):
        raise errors.InvalidRequestError(description=f"The {repeated} parameter is repeated.", request=request)
    basic_id = basic_client_id(request)
    body_id = dict(request.decoded_body or []).get("client_id")
    if basic_id is not None and body_id is not None and body_id != basic_id:
        raise errors.InvalidClientError(description="client_id differs from the authenticated client.", request=request)


def query_string_refusal(request) -> TokenError | None:
    """Token, introspection and revocation parameters come in the body (RFC 6749 3.2, RFC 7662 2.1, RFC 7009 2.1):
    any query string is refused as oauthlib refuses one it can read (one it cannot decode made it raise)."""
    if request.META.get("QUERY_STRING"):
        return TokenError("invalid_request", "URL query parameters are not allowed")
    return None
