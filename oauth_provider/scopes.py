"""DOT's scopes backend (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]): the scopes come from `constants.Scope`."""

from oauth2_provider.scopes import BaseScopes

from oauth_provider.constants import DEFAULT_SCOPES, Scope


class ScopesBackend(BaseScopes):
    """Every client may ask for every scope; a request without `scope` asks for DEFAULT_SCOPES."""

    def get_all_scopes(self):
        """{scope: description}."""
        return {scope.value: str(scope.label) for scope in Scope}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        """All scopes."""
        return list(Scope.values)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        """What a request that names no scope means."""
        return [str(scope) for scope in DEFAULT_SCOPES]
