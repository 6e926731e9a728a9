"""The one OAuth2Validator subclass: how DOT and oauthlib meet our clients, consents, keys and codes."""

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime

from django.db import router, transaction
from jwcrypto import jws
from jwcrypto.common import JWException
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from oauth_provider import claims, keys, selectors, services
from oauth_provider.constants import RESPONSE_TYPE_FLOW, TOKEN_GRANT_TYPES, response_type_normalize
from oauth_provider.models import Authorization, Client

log = logging.getLogger(__name__)
Grant = get_grant_model()
AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
IDToken = get_id_token_model()


class Validator(OAuth2Validator):
    """Pairwise claims from the consent, per-client flows, PKCE for public clients, code replay revocation."""

    oidc_claim_scope = None  # claims.py filters by scope

    # --- clients and flows -------------------------------------------------------------------------------

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        """The client's flow flags decide (code / implicit / hybrid)."""
        flow = RESPONSE_TYPE_FLOW.get(response_type_normalize(response_type))
        return flow is not None and client.allows_grant_type(flow)

    def is_pkce_required(self, client_id, request):
        """PKCE is mandatory for public clients (RFC 9700 2.1.1); confidential 2019 clients may omit it."""
        client = request.client
        return client is None or client.client_type == Client.CLIENT_PUBLIC

    def authenticate_client(self, request, *args, **kwargs):
        """DOT's, except that a request with a Basic header is judged by it alone: DOT tried the body's credentials
        after a failed Basic authentication (RFC 6749 2.3: one authentication method per request)."""
        if self._extract_basic_auth(request) is not None:
            return self._authenticate_basic_auth(request)
        return super().authenticate_client(request, *args, **kwargs)

    def _authenticate_basic_auth(self, request):
        """DOT's; a header it cannot read fails the Basic authentication instead of raising (a 500): DOT
        base64-decodes it as given (non-ASCII text raises) and decodes the result with the charset a body
        `encoding` parameter names (an unknown or non-text codec raises)."""
        auth_string = self._extract_basic_auth(request)
        if auth_string and not auth_string.isascii():
            return False
        encoding = getattr(request, "encoding", None)
        if encoding:
            try:
                "".encode(encoding)  # unknown and non-text codecs raise, even for nothing to encode
            except (LookupError, TypeError):
                return False
        return super()._authenticate_basic_auth(request)

    def _load_application(self, client_id, request):
        """DOT's, with the client row read by one query written once (DOT then checks it is usable)."""
        if request.client is None and isinstance(client_id, str) and "\x00" not in client_id:
            request.client = selectors.client_by_client_id(client_id=client_id)
        return super()._load_application(client_id, request)

    # --- prompt=none: the authorization view decides with the session at hand ---------------------------

    def validate_silent_login(self, request):
        """The view answers login_required before oauthlib is asked."""
        return True

    def validate_silent_authorization(self, request):
        """The view answers consent_required before oauthlib is asked."""
        return True

    def validate_user_match(self, id_token_hint, scopes, claims_, request):
        """id_token_hint is only a hint here."""
        return True

    # --- authorization codes -----------------------------------------------------------------------------

    def _create_authorization_code(self, request, code, expires=None):
        """DOT's (which applies COMPLIANT_BCP_RFC9700_PKCE_METHOD), then how and when the person authenticated."""
        grant = super()._create_authorization_code(request, code, expires)
        auth_time = getattr(request, "auth_time", None)
        grant.auth_time = datetime.fromtimestamp(auth_time, tz=UTC) if auth_time else None
        grant.amr = " ".join(getattr(request, "amr", None) or ())
        grant.acr = getattr(request, "acr", None) or ""
        if grant.auth_time or grant.amr or grant.acr:
            Grant.objects.filter(pk=grant.pk).update(auth_time=grant.auth_time, amr=grant.amr, acr=grant.acr)
        return grant

    @staticmethod
    def _authentication_from_grant(request, grant) -> None:
        """What the id_token of a code exchange or refresh says of the log in: the code's (OIDC Core 12.2)."""
        request.auth_time = int(grant.auth_time.timestamp()) if grant.auth_time else None
        request.amr = grant.amr.split()
        request.acr = grant.acr or None

    def _grant(self, code, request):
        """The code's row, read once per token request."""
        cached = getattr(request, "_sl_grant", None)
        if cached is not None and cached.code == code:
            return cached
        try:
            grant = selectors.grant_with_consent(code=code)
        except ValueError:  # NUL bytes on PostgreSQL
            grant = None
        if grant is not None and request.client is not None and grant.application_id != request.client.pk:
            grant = None
        request._sl_grant = grant
        return grant

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """Valid once, for 60 s; a replay revokes every token the first exchange issued."""
        grant = self._grant(code, request)
        if grant is None or grant.application_id != client.pk or not grant.user.is_active:
            return False
        if grant.used_at is not None:
            services.code_replay_revoke(code=grant)
            return False
        if grant.is_expired():
            return False
        if not grant.code_challenge and request.code_verifier is not None:
            return False  # RFC 9700 2.1.1: a code_verifier for a code issued without code_challenge (PKCE downgrade)
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        self._authentication_from_grant(request, grant)
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        if grant.consent is not None:
            grant.consent.user, grant.consent.client = grant.user, client
        request._sl_authorization = grant.consent
        return grant.consent is not None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        """The exchange repeats the exact redirect_uri of the authorization request (RFC 6749 4.1.3), else invalid_grant."""
        request = kwargs.get("request") or (args[0] if args else None)
        grant = self._grant(code, request) if request is not None else Grant.objects.filter(code=code).first()
        if grant is not None and grant.application_id == client.pk and grant.redirect_uri_allowed(redirect_uri):
            return True
        # RFC 6749 5.2: invalid_grant (oauthlib would answer invalid_request).
        raise errors.InvalidGrantError(
            description="redirect_uri differs from the authorization request's.", request=request
        )

    def get_code_challenge(self, code, request):
        """PKCE challenge stored with the code (read once per request)."""
        grant = self._grant(code, request)
        return (grant.code_challenge or None) if grant else None

    def get_code_challenge_method(self, code, request):
        """PKCE method stored with the code."""
        grant = self._grant(code, request)
        return (grant.code_challenge_method or None) if grant else None

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request):
        """Scopes of the code; oauthlib uses them to pick the OpenID Connect grant."""
        grant = self._grant(code, request)
        return grant.scope.split() if grant and grant.scope else []

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        """The nonce of the authorization request, for the id_token (OIDC Core 3.1.3.6)."""
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant else None

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """Mark the code used and remember what it issued; losing a race counts as a replay."""
        access_token = getattr(request, "_sl_access_token", None)
        refresh_token = getattr(request, "_sl_refresh_token", None)
        updated = services.code_mark_used(
            code=code,
            client=request.client,
            access_token_id=getattr(access_token, "pk", None),
            token_family=getattr(refresh_token, "token_family", None),
        )
        if not updated:
            grant = Grant.objects.filter(code=code, application=request.client).first()
            if grant is not None:
                services.code_replay_revoke(code=grant)
            if access_token is not None:
                services.code_replay_revoke(
                    code=Grant(
                        access_token_id=access_token.pk, token_family=getattr(refresh_token, "token_family", None)
                    )
                )
            raise errors.InvalidGrantError(request=request)

    # --- tokens ------------------------------------------------------------------------------------------

    def validate_bearer_token(self, token, scopes, request):
        """DOT's check, and the person must still be active."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if not request.user.is_active:
            request.oauth2_error = {"error": "invalid_token", "error_description": "The access token is invalid."}
            return False
        return True

    def validate_jwt_bearer_token(self, token, scopes, request):
        """A JWT-looking bearer is looked up as an access token like any other: an id_token is never a credential."""
        return self.validate_bearer_token(token, scopes, request)

    def validate_id_token(self, token, scopes, request):
        """DOT accepts an id_token as a bearer token here; ours identify, they do not authorize."""
        return False

    def _load_access_token(self, token):
        """The token row by checksum, with its client and person, in one unordered query."""
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        found = list(AccessToken.objects.select_related("application", "user").filter(token_checksum=checksum)[:1])
        return found[0] if found else None

    def _check_and_set_request_resource(self, request):
        """RFC 8707 resource indicators are not offered: tokens are for our userinfo only."""
        request.resource = []

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        """DOT's, reusing the id_token just saved instead of reading it back by jti."""
        access_token = AccessToken(
            user=request.user,
            scope=token["scope"],
            expires=expires,
            application=request.client,
            id_token=getattr(request, "id_token", None) if token.get("id_token") else None,
            source_refresh_token=source_refresh_token,
        )
        self._set_token_value(access_token, token["access_token"])
        services.token_row_insert(token=access_token)
        request._sl_access_token = access_token
        return access_token

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        """DOT's (a rotation keeps the family), stored with one INSERT written once."""
        refresh_token = RefreshToken(
            user=request.user,
            application=request.client,
            access_token=access_token,
            token_family=previous_refresh_token.token_family if previous_refresh_token else uuid.uuid4(),
            resource=getattr(request, "resource", []),  # RFC 8707
        )
        self._set_token_value(refresh_token, refresh_token_code)
        services.token_row_insert(token=refresh_token)
        request._sl_refresh_token = refresh_token
        return refresh_token

    def _save_id_token(self, jti, request, expires, *args, **kwargs):
        """DOT's, stored with one INSERT written once."""
        id_token = IDToken(
            user=request.user,
            scope=request.scope or " ".join(request.scopes),
            expires=expires,
            jti=jti,
            application=request.client,
        )
        services.token_row_insert(token=id_token)
        return id_token

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """DOT's rotation and family revocation on reuse; the person must be active and the consent still exist.

        The refreshed id_token says what the first one said of the log in (auth_time, amr, acr), from the code.
        """
        valid = (
            super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
            and request.user.is_active
            and self._authorization(request) is not None
        )
        family = getattr(getattr(request, "refresh_token_instance", None), "token_family", None)
        if valid and family:
            grant = Grant.objects.filter(token_family=family).only("auth_time", "amr", "acr").first()
            if grant is not None:
                self._authentication_from_grant(request, grant)
        return valid

    def save_bearer_token(self, token, request, *args, **kwargs):
        """Store the tokens, then add the 2019 `user` object to the token response.

        DOT's transaction without its savepoint: the token endpoint's own transaction already holds the request, and
        nothing retries after a failed save (two round trips fewer per exchange).
        """
        with transaction.atomic(using=router.db_for_write(AccessToken), savepoint=False):
            self._save_bearer_token(token, request, *args, **kwargs)
        authorization = self._authorization(request)
        if request.grant_type in TOKEN_GRANT_TYPES and authorization is not None:
            token["user"] = claims.user_object(authorization=authorization, scopes=token.get("scope", "").split())

    # --- claims and id_tokens ----------------------------------------------------------------------------

    def _authorization(self, request) -> Authorization | None:
        """The person's consent to this client, read once per request."""
        if not hasattr(request, "_sl_authorization"):
            authorization = None
            if request.user is not None and request.client is not None:
                found = list(
                    Authorization.objects.select_related("alias").filter(
                        user_id=request.user.pk, client_id=request.client.pk
                    )[:1]
                )
                authorization = found[0] if found else None
                if authorization is not None:
                    authorization.user, authorization.client = request.user, request.client
            request._sl_authorization = authorization
        return request._sl_authorization

    def _identity(self, request) -> claims.Identity:
        """What this app knows of the person, from their consent; access_denied without one."""
        authorization = self._authorization(request)
        if authorization is None:
            raise errors.AccessDeniedError(request=request)
        return claims.Identity.from_authorization(authorization)

    def get_oidc_claims(self, token, token_handler, request):
        """Claims of the consent, filtered by scope (claims.py)."""
        return claims.claims_build(identity=self._identity(request), scopes=request.scopes)

    def get_userinfo_claims(self, request):
        """Same claims as the id_token."""
        return claims.claims_build(identity=self._identity(request), scopes=request.scopes)

    def get_discovery_claims(self, request):
        """Claims listed in discovery."""
        return list(claims.CLAIMS_SUPPORTED)

    def get_oidc_issuer_endpoint(self, request):
        """The issuer: the site's URL."""
        return claims.issuer()

    def get_id_token_dictionary(self, token, token_handler, request):
        """DOT's claims with auth_time, amr and acr of the log in that authenticated (OIDC Core 2)."""
        id_claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        auth_time = getattr(request, "auth_time", None)
        if auth_time:
            id_claims["auth_time"] = int(auth_time)
        id_claims.update(
            claims.authentication_claims(amr=getattr(request, "amr", None), acr=getattr(request, "acr", None))
        )
        return id_claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        """Sign with the current RS256 key; the header's kid is that key's RFC 7638 thumbprint."""
        id_claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**id_claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        signed = keys.jwt_sign(dict(id_token))
        saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return signed

    def _get_key_for_token(self, token):
        """The published key named by the token's kid (current or retired); None for anything malformed."""
        try:
            unverified = jws.JWS()
            unverified.deserialize(token)
            header = unverified.jose_header
            payload = json.loads(unverified.objects["payload"])
        except (JWException, ValueError, TypeError, KeyError, RecursionError):  # not a JWS, JSON or UTF-8
            return None
        if not isinstance(header, dict) or not isinstance(payload, dict) or "aud" not in payload:
            return None
        kid = header.get("kid")
        return keys.key_for_kid(kid) if isinstance(kid, str) else None
