"""Who is calling the API: a personal API key, or an OAuth access token from our own provider."""

import logging

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.selectors import api_key_get_by_raw
from accounts.services import KEY_PREFIX, api_key_touch

log = logging.getLogger(__name__)


def _bearer(request) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header, or None."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return None
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        return None


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer sl_...`: a personal API key; a deleted key is refused at once."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        """(user, ApiKey) for a known key, None when the header holds no API key, 401 for an unknown one."""
        credential = _bearer(request)
        if credential is None or not credential.startswith(KEY_PREFIX):
            return None
        api_key = api_key_get_by_raw(raw_key=credential)
        if api_key is None:
            log.info("api key refused prefix=%s", credential[:11])
            request.oauth2_error = {"error": "invalid_token"}
            raise exceptions.AuthenticationFailed(
                "This API key is invalid or has been deleted.", code="invalid_api_key"
            )
        api_key_touch(api_key=api_key)
        return api_key.user, api_key

    def authenticate_header(self, request):
        """RFC 6750 3: the challenge sent with a 401 (naming invalid_token when a credential was refused)."""
        challenge = f'Bearer realm="{self.www_authenticate_realm}"'
        if getattr(request, "oauth2_error", {}).get("error") == "invalid_token":
            challenge += ', error="invalid_token"'
        return challenge


class OAuth2TokenAuthentication(OAuth2Authentication):
    """DOT's bearer token check, refusing (RFC 6750 3.1 invalid_token) a token it does not accept."""

    def authenticate(self, request):
        """(user, AccessToken), None without a bearer token, 401 for an unknown, expired or revoked one."""
        credential = _bearer(request)
        if credential is None or credential.startswith(KEY_PREFIX):
            return None
        result = super().authenticate(request)
        if result is None or result[0] is None or not result[0].is_active:
            request.oauth2_error = {"error": "invalid_token"}
            raise exceptions.AuthenticationFailed(
                "The access token is invalid, expired or revoked.", code="invalid_token"
            )
        return result
