"""`/oauth2/register` (RFC 7591) and `/oauth2/register/<client_id>` (RFC 7592): apps register themselves.

Off unless DYNAMIC_CLIENT_REGISTRATION is on (404). Registering needs an initial access token
(`manage.py create_registration_token`); reading, replacing and deleting a registration needs the registration
access token the registration answered. Both are Bearer tokens: a wrong or expired one is 401 invalid_token.
"""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.utils import parse_bearer_token

from oauth_provider import registration, selectors, services
from oauth_provider.errors import BearerTokenError, RegistrationError, no_store
from oauth_provider.exceptions import ClientError


def _bearer(request) -> str | None:
    return parse_bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise RegistrationError(RegistrationError.INVALID_CLIENT_METADATA, "The request body must be JSON.") from None


def _json(data: dict, status: int = 200) -> HttpResponse:
    return no_store(JsonResponse(data, status=status))


@method_decorator(csrf_exempt, name="dispatch")
class RegistrationEndpointView(View):
    """Shared by both endpoints: off means 404, spec errors become their responses."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.DYNAMIC_CLIENT_REGISTRATION:
            raise Http404("Dynamic client registration is off.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except (RegistrationError, BearerTokenError) as error:
            return error.response()


class RegisterView(RegistrationEndpointView):
    """POST /oauth2/register: register a client for the initial access token's owner (RFC 7591 3.1)."""

    http_method_names = ["post"]

    def post(self, request):
        token = _bearer(request)
        registration_token = selectors.registration_token_get_valid(token=token) if token else None
        if registration_token is None:
            raise BearerTokenError(
                "invalid_token",
                "Registering needs a valid initial access token "
                "(Authorization: Bearer); ask the operator of this server for one.",
            )
        parsed = registration.registration_parse(_json_body(request))
        try:
            client, secret, access_token = services.client_register(
                registration_token=registration_token,
                data=parsed.settings,
                metadata=parsed.metadata,
                public=parsed.public,
            )
        except ClientError as error:
            raise RegistrationError(RegistrationError.INVALID_REDIRECT_URI, str(error)) from None
        return _json(
            registration.registration_response(client=client, secret=secret, registration_access_token=access_token),
            status=201,
        )


class ClientConfigurationView(RegistrationEndpointView):
    """GET, PUT, DELETE /oauth2/register/<client_id> with the registration access token (RFC 7592 2)."""

    http_method_names = ["get", "put", "delete"]

    def registered_client(self, request, client_id: str):
        """The client the token manages; 401 for a wrong token or an unknown client alike (RFC 7592 2.1)."""
        token = _bearer(request)
        client = selectors.client_get_by_registration_access_token(client_id=client_id, token=token) if token else None
        if client is None:
            raise BearerTokenError("invalid_token", "The registration access token is invalid for this client.")
        return client, token

    def get(self, request, client_id: str):
        client, token = self.registered_client(request, client_id)
        return _json(registration.registration_response(client=client, registration_access_token=token))

    def put(self, request, client_id: str):
        client, token = self.registered_client(request, client_id)
        data = _json_body(request)
        registration.registration_update_check(data, client=client)
        parsed = registration.registration_parse(data)
        try:
            client = services.client_registration_update(client=client, data=parsed.settings, metadata=parsed.metadata)
        except ClientError as error:
            raise RegistrationError(RegistrationError.INVALID_REDIRECT_URI, str(error)) from None
        return _json(registration.registration_response(client=client, registration_access_token=token))

    def delete(self, request, client_id: str):
        client, _token = self.registered_client(request, client_id)
        services.client_delete(client=client)
        return HttpResponse(status=204)
