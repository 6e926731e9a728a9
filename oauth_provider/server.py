"""The oauthlib server DOT builds (OAUTH2_PROVIDER["OIDC_SERVER_CLASS"]): only what SimpleLogin offers.

oauthlib's stock OpenID Connect server registers every grant (password, client credentials, device code) and
accepts a JWT as a bearer token. This one registers the code, implicit and hybrid responses at the authorization
endpoint, the authorization_code and refresh_token grants at the token endpoint, and Bearer tokens only: a grant or
a token type that is not offered does not exist, so there is nothing to refuse in several places.
"""

import secrets

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.endpoints import (
    AuthorizationEndpoint,
    IntrospectEndpoint,
    ResourceEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.grant_types import (
    AuthorizationCodeGrant as OAuth2AuthorizationCodeGrant,
)
from oauthlib.oauth2.rfc6749.grant_types import (
    ImplicitGrant as OAuth2ImplicitGrant,
)
from oauthlib.oauth2.rfc6749.tokens import BearerToken
from oauthlib.openid.connect.core.endpoints.userinfo import UserInfoEndpoint
from oauthlib.openid.connect.core.grant_types import (
    AuthorizationCodeGrant,
    HybridGrant,
    ImplicitGrant,
    RefreshTokenGrant,
)
from oauthlib.openid.connect.core.grant_types.dispatchers import (
    AuthorizationCodeGrantDispatcher,
    AuthorizationTokenGrantDispatcher,
    ImplicitTokenGrantDispatcher,
)

from oauth_provider.constants import GrantType, ResponseType, Scope
from oauth_provider.rules import authorization_request_rules, token_request_rules

TOKEN_TYPE = "Bearer"


def token_generate(request, refresh_token: bool = False) -> str:
    """An access or refresh token (OAUTH2_PROVIDER["ACCESS_TOKEN_GENERATOR"]): 256 random bits, base64url.

    oauthlib's default draws 30 characters one by one (178 bits, thirty calls into SystemRandom).
    """
    return secrets.token_urlsafe(32)


class GrantTypeRequired:
    """The token endpoint's answer to a request without a known grant_type (RFC 6749 5.2)."""

    def create_token_response(self, request, token_handler):
        """invalid_request without grant_type, unsupported_grant_type for any grant we do not offer."""
        if not request.grant_type:
            error = errors.InvalidRequestError(description="grant_type is required.", request=request)
        else:
            error = errors.UnsupportedGrantTypeError(request=request)
        return (
            {"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"},
            error.json,
            error.status_code,
        )


class RefreshGatedBearerToken(BearerToken):
    """Bearer tokens with a refresh token only for offline_access, or for apps older than it (OIDC Core 11)."""

    def create_token(self, request, refresh_token=False, **kwargs):
        """oauthlib's token, asked for a refresh token only when the grant allows one."""
        allowed = Scope.OFFLINE_ACCESS in (request.scopes or ()) or bool(
            getattr(request.client, "refresh_without_offline_access", False)
        )
        return super().create_token(request, refresh_token=refresh_token and allowed, **kwargs)


class Server(
    AuthorizationEndpoint, TokenEndpoint, ResourceEndpoint, RevocationEndpoint, IntrospectEndpoint, UserInfoEndpoint
):
    """Authorization (code, implicit, hybrid), token (code, refresh), Bearer resources, revocation, introspection."""

    def __init__(
        self,
        request_validator,
        token_expires_in=None,
        token_generator=None,
        refresh_token_generator=None,
        *args,
        **kwargs,
    ):
        authorize_rules = {"pre_auth": [authorization_request_rules], "pre_token": [token_request_rules]}
        code = OAuth2AuthorizationCodeGrant(request_validator, **authorize_rules)
        implicit = OAuth2ImplicitGrant(request_validator, pre_token=[authorization_request_rules])
        openid_code = AuthorizationCodeGrant(request_validator, **authorize_rules)
        openid_implicit = ImplicitGrant(request_validator, pre_token=[authorization_request_rules])
        openid_hybrid = HybridGrant(request_validator, pre_auth=[authorization_request_rules])
        refresh = RefreshTokenGrant(request_validator, pre_token=[token_request_rules])
        self.bearer = RefreshGatedBearerToken(
            request_validator, token_generator, token_expires_in, refresh_token_generator
        )

        AuthorizationEndpoint.__init__(
            self,
            default_response_type=ResponseType.CODE,
            response_types={
                ResponseType.CODE: AuthorizationCodeGrantDispatcher(default_grant=code, oidc_grant=openid_code),
                ResponseType.TOKEN: ImplicitTokenGrantDispatcher(default_grant=implicit, oidc_grant=openid_implicit),
                ResponseType.ID_TOKEN: openid_implicit,
                ResponseType.ID_TOKEN_TOKEN: openid_implicit,
                ResponseType.CODE_TOKEN: openid_hybrid,
                ResponseType.CODE_ID_TOKEN: openid_hybrid,
                ResponseType.CODE_ID_TOKEN_TOKEN: openid_hybrid,
            },
            default_token_type=self.bearer,
        )
        TokenEndpoint.__init__(
            self,
            default_grant_type="",
            grant_types={
                GrantType.AUTHORIZATION_CODE: AuthorizationTokenGrantDispatcher(
                    request_validator, default_grant=code, oidc_grant=openid_code
                ),
                GrantType.REFRESH_TOKEN: refresh,
                "": GrantTypeRequired(),
            },
            default_token_type=self.bearer,
        )
        ResourceEndpoint.__init__(self, default_token=TOKEN_TYPE, token_types={TOKEN_TYPE: self.bearer})
        RevocationEndpoint.__init__(self, request_validator)
        IntrospectEndpoint.__init__(self, request_validator)
        UserInfoEndpoint.__init__(self, request_validator)

    def validate_revocation_request(self, request):
        """The token endpoint's parameter rules, then oauthlib's (RFC 7009 2.1)."""
        token_request_rules(request)
        super().validate_revocation_request(request)
