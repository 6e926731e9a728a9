"""Client metadata of dynamic registration (RFC 7591 2, OpenID Connect Dynamic Registration 2): parsed and answered.

`registration_parse` turns the JSON a client sends into the services' inputs (RegistrationError with the spec's
code otherwise); `registration_response` is what the registration and client configuration endpoints answer.
Metadata we do not know is ignored (RFC 7591 2); values we cannot honour are refused rather than ignored.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import reverse

from oauth_provider.claims import issuer
from oauth_provider.client_urls import jwks_problem
from oauth_provider.constants import (
    REQUEST_OBJECT_SIGNING_ALGS,
    RESPONSE_TYPE_FLOW,
    GrantType,
    ResponseType,
    TokenEndpointAuthMethod,
    response_type_normalize,
)
from oauth_provider.errors import RegistrationError
from oauth_provider.models import Client, redirect_uri_problem, redirect_uri_problems
from oauth_provider.request_objects import REQUEST_URI_MAX_LENGTH
from oauth_provider.services import ClientMetadata, ClientSettings

INVALID_REDIRECT_URI = RegistrationError.INVALID_REDIRECT_URI
INVALID_CLIENT_METADATA = RegistrationError.INVALID_CLIENT_METADATA
URL_MAX_LENGTH = 1024
NAME_MAX_LENGTH = 255
CONTACTS_MAX = 10
# Set by the server, never by the client (RFC 7592 2.2).
SERVER_FIELDS = (
    "registration_access_token",
    "registration_client_uri",
    "client_secret_expires_at",
    "client_id_issued_at",
)
# What we cannot honour: userinfo is plain JSON, nothing is encrypted.
UNSUPPORTED = (
    "userinfo_signed_response_alg",
    "userinfo_encrypted_response_alg",
    "id_token_encrypted_response_alg",
    "request_object_encryption_alg",
    "authorization_signed_response_alg",
)
ID_TOKEN_ALG = "RS256"
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Registration:
    """A registration request, parsed: what client_register / client_registration_update take."""

    settings: ClientSettings
    metadata: ClientMetadata
    public: bool


def _invalid(description: str, error: str = INVALID_CLIENT_METADATA) -> RegistrationError:
    return RegistrationError(error, description)


def _strings(data: dict, name: str, *, error: str = INVALID_CLIENT_METADATA) -> list[str]:
    value = data.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _invalid(f"{name} must be an array of strings.", error)
    return value


def _string(data: dict, name: str, max_length: int = URL_MAX_LENGTH) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise _invalid(f"{name} must be a string.")
    if len(value) > max_length:
        raise _invalid(f"{name} is too long ({max_length} characters at most).")
    return value.strip()


def _url(data: dict, name: str) -> str:
    value = _string(data, name)
    if value:
        try:
            _url_validator(value)
        except ValidationError:
            raise _invalid(f"{name} must be an http or https URL.") from None
    return value


def _flows(response_types: list[str], grant_types: list[str]) -> tuple[bool, bool, bool]:
    """(code, implicit, hybrid) flags; each response type needs its grant types (RFC 7591 2.1)."""
    for response_type in response_types:
        if response_type not in ResponseType.values:
            raise _invalid(f"Unsupported response_type {response_type!r}; supported: {', '.join(ResponseType.values)}.")
        needs = set()
        if "code" in response_type.split():
            needs.add(GrantType.AUTHORIZATION_CODE)
        if {"token", "id_token"} & set(response_type.split()):
            needs.add(GrantType.IMPLICIT)
        if missing := needs - set(grant_types):
            raise _invalid(
                f"response_type {response_type!r} needs grant_types {', '.join(sorted(missing))} (RFC 7591 2.1)."
            )
    flows = {RESPONSE_TYPE_FLOW[response_type] for response_type in response_types}
    return (
        Client.GRANT_AUTHORIZATION_CODE in flows,
        Client.GRANT_IMPLICIT in flows,
        Client.GRANT_OPENID_HYBRID in flows,
    )


def _keys(data: dict) -> tuple[str, dict | None]:
    jwks_uri, jwks = _url(data, "jwks_uri"), data.get("jwks")
    if jwks_uri and jwks is not None:
        raise _invalid("Send jwks_uri or jwks, not both (RFC 7591 2).")
    if jwks_uri and (problem := redirect_uri_problem(jwks_uri)):
        raise _invalid(f"jwks_uri: {problem}")
    if jwks is not None and (problem := jwks_problem(jwks)):
        raise _invalid(problem)
    return jwks_uri, jwks


def _request_uris(data: dict) -> tuple[str, ...]:
    """Where the client's request objects may be fetched from (OIDC Registration 2): the redirect-URI rules."""
    uris = _strings(data, "request_uris")
    if len(uris) > CONTACTS_MAX:
        raise _invalid(f"request_uris holds {CONTACTS_MAX} URLs at most.")
    for uri in uris:
        if len(uri) > REQUEST_URI_MAX_LENGTH:
            raise _invalid(f"request_uris: a URL is longer than {REQUEST_URI_MAX_LENGTH} characters (OIDC Core 6.2).")
        if problem := redirect_uri_problem(uri.split("#", 1)[0]):
            raise _invalid(f"request_uris: {uri}: {problem}")
    return tuple(uris)


def _contacts(data: dict) -> tuple[str, ...]:
    contacts = _strings(data, "contacts")
    if len(contacts) > CONTACTS_MAX:
        raise _invalid(f"contacts holds {CONTACTS_MAX} addresses at most.")
    for contact in contacts:
        try:
            validate_email(contact)
        except ValidationError:
            raise _invalid(f"contacts: {contact!r} is not an email address.") from None
    return tuple(contacts)


def registration_parse(data) -> Registration:
    """The client's metadata as services' inputs; RegistrationError (invalid_redirect_uri, invalid_client_metadata)."""
    if not isinstance(data, dict):
        raise _invalid("The request body must be a JSON object of client metadata.")
    redirect_uris = _strings(data, "redirect_uris", error=INVALID_REDIRECT_URI)
    if not redirect_uris:
        raise _invalid("redirect_uris is required: every flow here redirects back to the app.", INVALID_REDIRECT_URI)
    logout_uris = _strings(data, "post_logout_redirect_uris", error=INVALID_REDIRECT_URI)
    if problems := redirect_uri_problems(redirect_uris + logout_uris):
        raise _invalid("; ".join(f"{uri}: {problem}" for uri, problem in problems), INVALID_REDIRECT_URI)
    grant_types = _strings(data, "grant_types") or [GrantType.AUTHORIZATION_CODE]
    if unknown := [grant for grant in grant_types if grant not in GrantType.values]:
        raise _invalid(f"Unsupported grant_types {', '.join(unknown)}; supported: {', '.join(GrantType.values)}.")
    response_types = [response_type_normalize(value) for value in _strings(data, "response_types")] or ["code"]
    code, implicit, hybrid = _flows(response_types, grant_types)
    method = data.get("token_endpoint_auth_method") or TokenEndpointAuthMethod.CLIENT_SECRET_BASIC
    if method not in TokenEndpointAuthMethod.values:
        raise _invalid(
            f"Unsupported token_endpoint_auth_method; supported: {', '.join(TokenEndpointAuthMethod.values)}."
        )
    if data.get("id_token_signed_response_alg", ID_TOKEN_ALG) != ID_TOKEN_ALG:
        raise _invalid("id_token_signed_response_alg must be RS256: every id_token is signed RS256.")
    if "request_object_signing_alg" in data and data["request_object_signing_alg"] not in REQUEST_OBJECT_SIGNING_ALGS:
        raise _invalid(f"request_object_signing_alg must be one of {', '.join(REQUEST_OBJECT_SIGNING_ALGS)}.")
    if unsupported := [name for name in UNSUPPORTED if data.get(name)]:
        raise _invalid(f"Not supported here: {', '.join(unsupported)}.")
    jwks_uri, jwks = _keys(data)
    name = _string(data, "client_name", NAME_MAX_LENGTH) or urlsplit(redirect_uris[0]).hostname or "Registered app"
    return Registration(
        settings=ClientSettings(
            name=name,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=logout_uris,
            home_url=_url(data, "client_uri"),
            policy_uri=_url(data, "policy_uri"),
            tos_uri=_url(data, "tos_uri"),
            allow_code_flow=code,
            allow_implicit_flow=implicit,
            allow_hybrid_flow=hybrid,
        ),
        metadata=ClientMetadata(
            logo_uri=_url(data, "logo_uri"),
            contacts=_contacts(data),
            jwks_uri=jwks_uri,
            jwks=jwks,
            request_uris=_request_uris(data),
            token_endpoint_auth_method=method,
        ),
        public=method == TokenEndpointAuthMethod.NONE,
    )


def registration_update_check(data, *, client: Client) -> None:
    """What an RFC 7592 2.2 update must also satisfy: same client_id, no server fields, the current secret if sent."""
    from django.contrib.auth.hashers import check_password

    if not isinstance(data, dict):
        raise _invalid("The request body must be a JSON object of client metadata.")
    if data.get("client_id") != client.client_id:
        raise _invalid("client_id must be sent and be this client's (RFC 7592 2.2).")
    if sent := [name for name in SERVER_FIELDS if name in data]:
        raise _invalid(f"{', '.join(sent)} are set by the server; do not send them (RFC 7592 2.2).")
    if "client_secret" in data and not (
        isinstance(data["client_secret"], str) and check_password(data["client_secret"], client.client_secret)
    ):
        raise _invalid("client_secret is not this client's current secret.")
    method = data.get("token_endpoint_auth_method") or TokenEndpointAuthMethod.CLIENT_SECRET_BASIC
    if (method == TokenEndpointAuthMethod.NONE) != (client.client_type == Client.CLIENT_PUBLIC):
        raise _invalid("A client cannot change between public (none) and confidential: register a new one.")


def _grant_types(client: Client) -> list[str]:
    grants = []
    if client.allow_code_flow or client.allow_hybrid_flow:
        grants += [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN]
    if client.allow_implicit_flow or client.allow_hybrid_flow:
        grants.append(GrantType.IMPLICIT)
    return grants


def _response_types(client: Client) -> list[str]:
    return [response_type for response_type, flow in RESPONSE_TYPE_FLOW.items() if client.allows_grant_type(flow)]


def registration_response(*, client: Client, secret: str = "", registration_access_token: str = "") -> dict:
    """The client information response (RFC 7591 3.2.1, RFC 7592 3): what is registered, and the credentials."""
    data = {"client_id": client.client_id, "client_id_issued_at": int(client.created.timestamp())}
    if secret:
        data["client_secret"] = secret  # shown once: only its hash is kept
    if client.client_type == Client.CLIENT_CONFIDENTIAL:
        data["client_secret_expires_at"] = 0
    if registration_access_token:
        data["registration_access_token"] = registration_access_token
    data["registration_client_uri"] = f"{issuer()}{reverse('oauth_provider:register-client', args=[client.client_id])}"
    data.update(
        {
            "client_name": client.name,
            "redirect_uris": client.redirect_uris.split(),
            "post_logout_redirect_uris": client.post_logout_redirect_uris.split(),
            "grant_types": _grant_types(client),
            "response_types": _response_types(client),
            "token_endpoint_auth_method": client.token_endpoint_auth_method
            or (
                TokenEndpointAuthMethod.NONE
                if client.client_type == Client.CLIENT_PUBLIC
                else TokenEndpointAuthMethod.CLIENT_SECRET_BASIC
            ),
            "id_token_signed_response_alg": ID_TOKEN_ALG,
            "subject_type": "pairwise",
        }
    )
    for name, value in (
        ("client_uri", client.home_url),
        ("logo_uri", client.logo_uri),
        ("policy_uri", client.policy_uri),
        ("tos_uri", client.tos_uri),
        ("contacts", client.contacts),
        ("jwks_uri", client.jwks_uri),
        ("jwks", client.jwks),
        ("request_uris", client.request_uris),
    ):
        if value:
            data[name] = value
    return data
