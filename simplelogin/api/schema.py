"""OpenAPI pieces: how each kind of credential is described, and the error body every operation may return."""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """A personal API key sent as a bearer credential."""

    target_class = "simplelogin.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        """HTTP bearer scheme; keys start with `sl_`."""
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API key from the settings page: `Authorization: Bearer sl_...`.",
        }


class OAuth2TokenScheme(DjangoOAuthToolkitScheme):
    """Our subclass of DOT's authentication, documented as DOT's OAuth 2 scheme with per-method scopes."""

    target_class = "simplelogin.api.authentication.OAuth2TokenAuthentication"

    def get_security_definition(self, auto_schema):
        """DOT's flows, offering only the API's scopes (the sign-in scopes open nothing here)."""
        from oauth_provider.constants import API_SCOPES

        definition = super().get_security_definition(auto_schema)
        for flow in definition.get("flows", {}).values():
            flow["scopes"] = {scope.value: str(scope.label) for scope in API_SCOPES}
        return definition


class FieldErrorSerializer(serializers.Serializer):
    """One invalid field of a request."""

    field = serializers.CharField(allow_null=True, help_text="The request field, null for the request as a whole.")
    code = serializers.CharField()
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error: a stable machine `code` and a `detail` written for people."""

    code = serializers.CharField(help_text="Stable, e.g. not_found, validation_error, insufficient_scope, throttled.")
    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True, required=False, help_text="On validation_error: every invalid field.")
    retry_after = serializers.IntegerField(required=False, help_text="On throttled: seconds to wait.")


ERROR_DESCRIPTIONS = {
    400: "Invalid request: validation_error names the fields, parse_error for a body that is not JSON, "
    "invalid_request for a NUL character in any parameter.",
    401: "Missing, invalid or deleted credentials.",
    403: "Not allowed (e.g. insufficient_scope, alias_limit_reached).",
    404: "No such object for this person.",
    405: "Method not allowed.",
    406: "Not acceptable.",
    409: "Conflict (alias_unavailable).",
    415: "Unsupported media type (send JSON).",
    429: "Too many requests; see the Retry-After header.",
}
COMMON_ERRORS = (400, 401, 403, 405, 406, 429)


def error_responses(*statuses: int) -> dict:
    """OpenAPI responses for the given error statuses plus the ones any call can get."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in sorted(set(statuses) | set(COMMON_ERRORS))
    }
