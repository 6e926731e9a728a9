"""`/oauth2/token` (RFC 6749 3.2): DOT's endpoint on our server class (code and refresh grants, rules.py)."""

from django.db import transaction
from django.http import HttpResponse
from oauth2_provider import views as dot_views

from oauth_provider import rules
from oauth_provider.errors import token_response_finish


class TokenView(dot_views.TokenView):
    """Code exchange and refresh; errors are the spec's JSON with a Basic challenge on 401 (RFC 6749 5.2)."""

    def post(self, request, *args, **kwargs):
        if refusal := rules.query_string_refusal(request):
            return refusal.response()
        # One transaction: the tokens and the spent code are stored together, with one commit (one WAL flush).
        with transaction.atomic():
            _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(body, status=status, content_type="application/json")
        for key, value in headers.items():
            response[key] = value
        return token_response_finish(response)
