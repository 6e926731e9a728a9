"""DOT's bridge between Django and oauthlib (OAUTH2_PROVIDER["OAUTH2_BACKEND_CLASS"])."""

from oauth2_provider.oauth2_backends import OAuthLibCore


class SimpleLoginOAuthLibCore(OAuthLibCore):
    """DOT's, keeping every repeated body parameter so that `rules.py` can refuse them (RFC 6749 3.2)."""

    def extract_body(self, request):
        """All POSTed pairs, repeats included (DOT keeps the last value of each name)."""
        return [(key, value) for key, values in request.POST.lists() for value in values]
