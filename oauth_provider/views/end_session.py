"""`/oauth2/end_session` (OIDC RP-Initiated Logout 1.0): DOT's view, revoking only the asking app's tokens."""

from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import InvalidOIDCClientError

from oauth_provider import selectors, services


class LogoutView(dot_views.RPInitiatedLogoutView):
    """`/oauth2/end_session`: RP-initiated logout with id_token_hint and a registered post_logout_redirect_uri."""

    template_name = "oauth_provider/logout_confirm.html"
    http_method_names = ["get", "post", "head", "options"]
    token_deletion_client_types = []  # DOT would revoke the person's tokens at every app; do_logout scopes it

    def get_request_application(self, id_token, client_id):
        """The client named by client_id, else the hint's; an unknown client_id is invalid_request (400)."""
        if client_id:
            client = selectors.client_get_by_client_id(client_id=client_id)
            if client is None:
                raise InvalidOIDCClientError()
            return client
        return id_token.application if id_token else None

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        """Revoke the signed-in person's tokens at the app that asked only, then log out.

        Without a session nothing is revoked: an old id_token_hint alone must not cut anyone's access.
        """
        person = self.request.user
        if application is not None and person.is_authenticated:
            services.tokens_revoke_for_user_client(user_id=person.pk, client_id=application.pk)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)
