"""`/oauth2/revoke` (RFC 7009): DOT's endpoint on our server class, scoped to the authenticated client's tokens."""

from oauth2_provider import views as dot_views

from oauth_provider import rules
from oauth_provider.errors import token_response_finish


class RevokeView(dot_views.RevokeTokenView):
    """The token (access or refresh) is revoked when it belongs to the client; the answer is 200 either way."""

    def post(self, request, *args, **kwargs):
        if refusal := rules.query_string_refusal(request):
            return refusal.response()
        return token_response_finish(super().post(request, *args, **kwargs))
