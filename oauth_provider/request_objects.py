"""Request objects (OIDC Core 6): the authorization request as a JWT signed with one of the client's keys.

By value in `request` (6.1), or by reference in `request_uri` (6.2), which must be one of the client's registered
`request_uris`; the server fetches it (oauth_provider/client_urls.py).

Unsigned (`alg: none`) objects are refused, and so are HS256/384/512 ones: verifying those needs the client secret in
clear and we keep only a hash of it. RS256 and ES256 objects are verified with the client's registered `jwks` or
`jwks_uri` (oauth_provider/client_urls.py). `iss` must be the client_id and `aud` our issuer; the parameters inside
the object win over the query's. The authorization view applies a valid object before anything else looks at the
request; rules.py answers `invalid_request_object` (or `invalid_request_uri`) for one that is still there.
"""

import base64
import json
import time

from jwcrypto import jws
from jwcrypto.common import JWException

from oauth_provider import client_urls
from oauth_provider.claims import issuer
from oauth_provider.constants import REQUEST_OBJECT_SIGNING_ALGS, response_type_normalize

LEEWAY_SECONDS = 60
JWT_CLAIMS = frozenset({"iss", "aud", "exp", "iat", "nbf", "jti", "sub"})  # about the object, not the request


class RequestObjectError(Exception):
    """A request object that may not be used (invalid_request_object); the message says why."""


class RequestUriError(RequestObjectError):
    """A request_uri that may not be used (invalid_request_uri, OIDC Core 6.3)."""


REQUEST_URI_MAX_LENGTH = 512  # OIDC Core 6.2


def _registered(client, uri: str) -> bool:
    """Whether the client registered this request_uri (its fragment aside: OIDC Registration 2)."""
    base = uri.split("#", 1)[0]
    return any(
        isinstance(registered, str) and registered.split("#", 1)[0] == base for registered in client.request_uris or []
    )


def request_object_token(*, client, params: list[tuple[str, str]]) -> str:
    """The request object of the request: its `request`, or what its registered `request_uri` holds."""
    values = dict(params)
    if "request" in values:
        return values["request"]
    uri = values["request_uri"]
    if len(uri) > REQUEST_URI_MAX_LENGTH:
        raise RequestUriError(f"request_uri is longer than {REQUEST_URI_MAX_LENGTH} characters (OIDC Core 6.2).")
    if not _registered(client, uri):
        raise RequestUriError("This request_uri is not one of the client's registered request_uris.")
    try:
        return client_urls.request_uri_fetch(uri=uri)
    except client_urls.ClientKeysError as error:
        raise RequestUriError(str(error)) from None


def _header(token: str) -> dict:
    if token.count(".") == 4:
        raise RequestObjectError("Encrypted request objects are not supported; send a signed (JWS) one.")
    if token.count(".") != 2:
        raise RequestObjectError("The request parameter is not a JWT.")
    encoded = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, TypeError):
        raise RequestObjectError("The request object's header is not base64url-encoded JSON.") from None
    if not isinstance(header, dict):
        raise RequestObjectError("The request object's header is not a JSON object.")
    return header


def _algorithm(header: dict) -> str:
    """The header's alg, when it is one we verify (OIDC Core 6.1)."""
    alg = header.get("alg")
    if not alg or alg == "none":
        raise RequestObjectError("Unsigned request objects (alg none) are refused; sign it with RS256 or ES256.")
    if isinstance(alg, str) and alg.upper().startswith("HS"):
        raise RequestObjectError(
            f"{alg} request objects cannot be verified here: client secrets are stored hashed. "
            "Sign it with RS256 or ES256 and register jwks_uri or jwks."
        )
    if alg not in REQUEST_OBJECT_SIGNING_ALGS:
        raise RequestObjectError(f"Request objects signed with {alg} are not supported; use RS256 or ES256.")
    return alg


def _verified_payload(token: str, keyset, alg: str, kid) -> bytes | None:
    """The payload, when one of the keys (the one named by kid, if any) verifies the signature."""
    candidates = [keyset.get_key(kid)] if isinstance(kid, str) else list(keyset)
    for key in candidates:
        if key is None:
            continue
        try:
            signed = jws.JWS()
            signed.deserialize(token)
            signed.verify(key, alg=alg)
            return signed.payload
        except (JWException, ValueError, TypeError):
            continue
    return None


def _check_claims(claims: dict, *, client) -> None:
    """iss, aud, exp, nbf, and no nested request (OIDC Core 6.1, RFC 9101 10.2)."""
    if claims.get("iss") != client.client_id:
        raise RequestObjectError("The request object's iss must be the client_id.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if issuer() not in audiences:
        raise RequestObjectError(f"The request object's aud must be the issuer, {issuer()}.")
    now = time.time()
    for name in ("exp", "nbf"):
        if name in claims and not isinstance(claims[name], int | float):
            raise RequestObjectError(f"The request object's {name} must be a number of seconds.")
    if "exp" in claims and claims["exp"] < now - LEEWAY_SECONDS:
        raise RequestObjectError("The request object has expired.")
    if "nbf" in claims and claims["nbf"] > now + LEEWAY_SECONDS:
        raise RequestObjectError("The request object is not valid yet (nbf).")
    if "request" in claims or "request_uri" in claims:
        raise RequestObjectError("A request object cannot contain request or request_uri.")
    if "client_id" in claims and claims["client_id"] != client.client_id:
        raise RequestObjectError("The client_id inside the request object differs from the query's.")


def request_object_claims(*, client, token: str, response_type: str | None = None) -> dict:
    """The verified claims of a request object sent by this client with this response_type; RequestObjectError otherwise."""
    header = _header(token)
    alg = _algorithm(header)
    try:
        keyset = client_urls.client_jwks(client=client)
        if keyset is None:
            raise RequestObjectError(
                "This client registered no keys: register jwks_uri or jwks to sign request objects."
            )
        payload = _verified_payload(token, keyset, alg, header.get("kid"))
        if payload is None and client.jwks_uri and not client.jwks:
            payload = _verified_payload(
                token, client_urls.client_jwks(client=client, refresh=True), alg, header.get("kid")
            )
    except client_urls.ClientKeysError as error:
        raise RequestObjectError(str(error)) from None
    if payload is None:
        raise RequestObjectError("The request object's signature does not verify with the client's keys.")
    try:
        claims = json.loads(payload)
    except ValueError:
        raise RequestObjectError("The request object's payload is not JSON.") from None
    if not isinstance(claims, dict):
        raise RequestObjectError("The request object's payload is not a JSON object.")
    _check_claims(claims, client=client)
    if "response_type" in claims and response_type_normalize(
        _parameter(claims["response_type"])
    ) != response_type_normalize(response_type):
        # OIDC Core 6.1: response_type is sent as a parameter too, and both must match.
        raise RequestObjectError("The response_type inside the request object differs from the query's.")
    return claims


def _parameter(value) -> str | None:
    """A claim as an authorization request parameter: strings as they are, numbers in digits, objects as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return json.dumps(value, separators=(",", ":"))


def request_object_apply(*, client, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The request's parameters with the object's in their place, `request`/`request_uri` gone (OIDC Core 6.3.3)."""
    token = request_object_token(client=client, params=params)
    claims = request_object_claims(client=client, token=token, response_type=dict(params).get("response_type"))
    inside = {
        name: parameter
        for name, value in claims.items()
        if name not in JWT_CLAIMS and (parameter := _parameter(value)) is not None
    }
    kept = [(key, value) for key, value in params if key not in ("request", "request_uri") and key not in inside]
    return kept + list(inside.items())


def request_object_problem(*, client, params: list[tuple[str, str]], response_type: str | None):
    """Why the request object (`request` or `request_uri` in params) may not be used: a RequestObjectError, or None."""
    if client is None:
        return RequestObjectError("Unknown client.")
    try:
        request_object_claims(
            client=client, token=request_object_token(client=client, params=params), response_type=response_type
        )
    except RequestObjectError as error:
        return error
    return None
