"""What a caller may do: a personal API key may do everything, an OAuth token what its scopes allow."""

from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements

from accounts.models import ApiKey


class ApiKeyOrTokenHasScope(TokenMatchesOASRequirements):
    """API keys pass; OAuth tokens need one of the view's `required_alternate_scopes` for the method."""

    code = "insufficient_scope"  # RFC 6750 3.1
    message = "This access token does not have the scope this request needs."

    def has_permission(self, request, view):
        """True for an API key, or for a token holding the scopes the view requires for this method."""
        if isinstance(request.auth, ApiKey):
            return True
        if request.auth is None:
            return False
        alternatives = self.get_required_alternate_scopes(request, view).get(request.method.upper(), [])
        if not alternatives:
            self.message = "This endpoint needs a personal API key; OAuth access tokens cannot use it."
        else:
            needed = " or ".join(" ".join(scopes) for scopes in alternatives)
            self.message = f"This access token does not have the scope this request needs: {needed}."
        return any(request.auth.is_valid(scopes) for scopes in alternatives)

    def get_required_alternate_scopes(self, request, view):
        """The view's scope alternatives per method (HEAD as GET); none means API keys only."""
        scopes = dict(getattr(view, "required_alternate_scopes", {}))
        scopes.setdefault("HEAD", scopes.get("GET", []))
        return scopes
