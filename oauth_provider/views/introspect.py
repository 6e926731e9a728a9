"""`/oauth2/introspect` (RFC 7662): an authenticated confidential client learns about its own tokens."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from oauth_provider import rules, selectors
from oauth_provider.errors import TokenError, no_store
from oauth_provider.models import Client


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """Confidential clients only; another client's token is simply inactive (RFC 7662 2.2)."""

    def post(self, request, *args, **kwargs):
        if refusal := rules.query_string_refusal(request):
            return refusal.response()
        core = self.get_oauthlib_core()
        oauthlib_request = OauthlibRequest(*core._extract_params(request))
        try:
            rules.token_request_rules(oauthlib_request)
        except OAuth2Error as error:
            return TokenError(error.error, error.description, status=error.status_code).response()
        if not core.server.request_validator.authenticate_client(oauthlib_request) or (
            oauthlib_request.client.client_type != Client.CLIENT_CONFIDENTIAL
        ):
            return TokenError("invalid_client").response()
        token = request.POST.get("token")
        if not token:
            return TokenError("invalid_request", "token is required.").response()
        return no_store(JsonResponse(selectors.token_introspect(client=oauthlib_request.client, token=token)))
