"""The protocol's vocabulary in one place: grant and response types, response modes, scopes, PKCE, prompts."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication


class GrantType(models.TextChoices):
    """Grant types of the token endpoint (RFC 6749 4), plus the implicit flow that discovery lists."""

    AUTHORIZATION_CODE = "authorization_code"
    REFRESH_TOKEN = "refresh_token"
    IMPLICIT = "implicit"


# The only grant types the token endpoint offers (no password, client credentials or device grants).
TOKEN_GRANT_TYPES = (GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)


class ResponseType(models.TextChoices):
    """Every response_type combination (OAuth 2.0 Multiple Response Type Encoding Practices 5)."""

    CODE = "code"
    TOKEN = "token"
    ID_TOKEN = "id_token"
    ID_TOKEN_TOKEN = "id_token token"
    CODE_ID_TOKEN = "code id_token"
    CODE_TOKEN = "code token"
    CODE_ID_TOKEN_TOKEN = "code id_token token"


# Which of the client's flows (DOT's authorization_grant_type values, our per-client flags) a response type needs.
RESPONSE_TYPE_FLOW = {
    ResponseType.CODE: AbstractApplication.GRANT_AUTHORIZATION_CODE,
    ResponseType.TOKEN: AbstractApplication.GRANT_IMPLICIT,
    ResponseType.ID_TOKEN: AbstractApplication.GRANT_IMPLICIT,
    ResponseType.ID_TOKEN_TOKEN: AbstractApplication.GRANT_IMPLICIT,
    ResponseType.CODE_ID_TOKEN: AbstractApplication.GRANT_OPENID_HYBRID,
    ResponseType.CODE_TOKEN: AbstractApplication.GRANT_OPENID_HYBRID,
    ResponseType.CODE_ID_TOKEN_TOKEN: AbstractApplication.GRANT_OPENID_HYBRID,
}
RESPONSE_TYPE_ORDER = ("code", "id_token", "token")


def response_type_normalize(response_type: str | None) -> str:
    """`token id_token` → `id_token token`: response_type values are unordered (Multiple Response Types 5)."""
    parts = (response_type or "").split()
    if not parts or not set(parts) <= set(RESPONSE_TYPE_ORDER) or len(set(parts)) != len(parts):
        return response_type or ""
    return " ".join(sorted(parts, key=RESPONSE_TYPE_ORDER.index))


class ResponseMode(models.TextChoices):
    """How the authorization response reaches the client (OAuth 2.0 Multiple Response Types 2.1, Form Post)."""

    QUERY = "query"
    FRAGMENT = "fragment"
    FORM_POST = "form_post"


class Scope(models.TextChoices):
    """Every scope the provider knows, with the sentence the consent page shows for it."""

    OPENID = "openid", _("Your identity for this app")
    EMAIL = "email", _("An email address")
    PROFILE = "profile", _("Your name and avatar")
    NAME = "name", _("Your name (older apps)")
    AVATAR_URL = "avatar_url", _("Your avatar (older apps)")
    OFFLINE_ACCESS = "offline_access", _("Stay connected when you are not signed in (offline access)")
    ALIASES_READ = "aliases:read", _("See your aliases and account summary")
    ALIASES_WRITE = "aliases:write", _("Create, change and delete your aliases")


# What a request that names no scope asks for (RFC 6749 3.3 lets the server choose):
DEFAULT_SCOPES = (Scope.OPENID, Scope.EMAIL, Scope.PROFILE)  # the 2019 behaviour (social-core sends none)
# The scopes of the JSON API (OpenAPI lists them for its OAuth 2 security scheme).
API_SCOPES = (Scope.ALIASES_READ, Scope.ALIASES_WRITE)


class TokenEndpointAuthMethod(models.TextChoices):
    """How a registered client authenticates at the token endpoint (RFC 7591 2); `none` is a public client + PKCE."""

    CLIENT_SECRET_BASIC = "client_secret_basic"
    CLIENT_SECRET_POST = "client_secret_post"
    NONE = "none"


# Algorithms a request object may be signed with (OIDC Core 6.1); HS* needs the secret in clear, we keep a hash.
REQUEST_OBJECT_SIGNING_ALGS = ("RS256", "ES256")


class PkceMethod(models.TextChoices):
    """code_challenge_method values (RFC 7636 4.2); only S256 is accepted (RFC 9700 2.1.1)."""

    S256 = "S256"
    PLAIN = "plain"


class Prompt(models.TextChoices):
    """prompt values the authorization endpoint acts on (OIDC Core 3.1.2.1)."""

    NONE = "none"
    LOGIN = "login"
    CONSENT = "consent"


class SharedEmail(models.TextChoices):
    """What the consent form's email choice may be besides one of the person's existing aliases."""

    RANDOM = "random", _("A new random alias")
    CUSTOM = "custom", _("A new custom alias")
    SUGGESTED = "suggested", _("A new alias named after the app")
    REAL = "real", _("My real email")


class Amr(models.TextChoices):
    """Authentication method references in the id_token's `amr` (RFC 8176 2)."""

    PWD = "pwd", _("Password")
    OTP = "otp", _("One-time code (authenticator app or recovery code)")
    HWK = "hwk", _("Security key or passkey (WebAuthn)")
    MFA = "mfa", _("More than one factor")


class Acr(models.TextChoices):
    """Authentication context classes in `acr` and `acr_values` (OIDC Core 2, 3.1.2.1); see docs/provider.md."""

    PWD = "urn:simplelogin:acr:pwd", _("One factor: a password or a log-in provider")
    MFA = "urn:simplelogin:acr:mfa", _("Two factors (password and a code or key), or a passkey")
