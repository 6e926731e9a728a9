"""`/oauth2/userinfo` (OIDC Core 5.3; also the 2019 paths user_info and me): the claims of an access token."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from oauth_provider import claims, selectors
from oauth_provider.errors import BearerTokenError, no_store


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(View):
    """`/oauth2/userinfo` (also user_info, me): the claims, for a Bearer token in the header only."""

    def get(self, request, *args, **kwargs):
        return self.userinfo(request)

    def post(self, request, *args, **kwargs):
        return self.userinfo(request)

    def userinfo(self, request):
        """The claims for a live access token presented in the Authorization header."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if "access_token" in request.GET or scheme.lower() != "bearer" or not token.strip():
            # RFC 9700 4.3.2 / RFC 6750 2: the access token goes in the Authorization header.
            return BearerTokenError(
                "invalid_request", "Send the access token in an Authorization: Bearer header."
            ).response()
        row = selectors.userinfo_row(token=token.strip())
        if row is None:
            return BearerTokenError("invalid_token", "The access token is invalid or expired.").response()
        identity = claims.Identity.from_userinfo_row(row)
        data = claims.claims_build(identity=identity, scopes=row["scope"].split())
        if request.resolver_match and request.resolver_match.url_name.endswith("-2019"):
            data = {"id": data["sub"], **data}  # the 2019 user_info answered with `id`; apps may read it
        return no_store(JsonResponse(data))
