"""`/oauth2/introspect` (RFC 7662): an authenticated confidential client learns about its own tokens."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from oauth_provider import rules, selectors
from oauth_provider.errors import TokenError, no_store


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(View):
    """Confidential clients only; another client's token is simply inactive (RFC 7662 2.2).

    The form and the client's credentials are read here, without an oauthlib request: that plumbing cost more CPU
    than the two queries (docs/performance.md).
    """

    def post(self, request, *args, **kwargs):
        authorization = request.META.get("HTTP_AUTHORIZATION")
        try:
            rules.client_form_rules(
                form=request.POST, query_string=request.META.get("QUERY_STRING", ""), authorization=authorization
            )
        except OAuth2Error as error:
            return TokenError(error.error, error.description, status=error.status_code).response()
        client = selectors.client_authenticate(
            authorization=authorization,
            client_id=request.POST.get("client_id"),
            client_secret=request.POST.get("client_secret"),
        )
        if client is None:
            return TokenError("invalid_client").response()
        token = request.POST.get("token")
        if not token:
            return TokenError("invalid_request", "token is required.").response()
        return no_store(JsonResponse(selectors.token_introspect(client=client, token=token)))
