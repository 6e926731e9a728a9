"""`/oauth2/userinfo` (OIDC Core 5.3; also the 2019 paths user_info and me): the claims of an access token."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from oauth_provider import claims, selectors
from oauth_provider.errors import BearerTokenError, no_store

HEADER, BODY, QUERY = "header", "body", "query"
QUERY_REFUSED = (
    "This app may not send the access token in the query string: send it in an Authorization: Bearer header, "
    "or have the app's developer turn on 'This app sends the access token in the query string' in the "
    "developer console (Developer > the app > Settings)."
)


def bearer_token(request) -> tuple[str, str] | None:
    """(token, where it was sent): the Authorization header wins over a form body or the query (RFC 6750 2)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip(), HEADER
    # RFC 6750 2.2: a form-encoded body, any client.
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        if token := request.POST.get("access_token", "").strip():
            return token, BODY
    # RFC 6750 2.3: the query, only for clients with the switch on (checked once the token names its client).
    if token := request.GET.get("access_token", "").strip():
        return token, QUERY
    return None


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(View):
    """`/oauth2/userinfo` (also user_info, me): the claims, for a Bearer token in the header, body or query."""

    def get(self, request, *args, **kwargs):
        return self.userinfo(request)

    def post(self, request, *args, **kwargs):
        return self.userinfo(request)

    def userinfo(self, request):
        """The claims for a live access token; no-store whatever the answer (OIDC Core 5.3.2)."""
        found = bearer_token(request)
        if found is None:
            return BearerTokenError(
                "invalid_request", "Send the access token in an Authorization: Bearer header."
            ).response()
        token, source = found
        row = selectors.userinfo_row(token=token)
        if row is None:
            return BearerTokenError("invalid_token", "The access token is invalid or expired.").response()
        if source == QUERY and not row["application__accepts_query_access_token"]:
            # RFC 9700 4.3.2: tokens in URLs leak; RFC 6750 3.1: invalid_request is 400.
            return BearerTokenError("invalid_request", QUERY_REFUSED, status=400).response()
        identity = claims.Identity.from_userinfo_row(row)
        data = claims.claims_build(identity=identity, scopes=row["scope"].split())
        return no_store(JsonResponse(data))
