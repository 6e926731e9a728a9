"""`/oauth2/end_session` (OIDC RP-Initiated Logout 1.0): DOT's view, revoking only the asking app's tokens."""

from oauth2_provider import views as dot_views

from oauth_provider import services


class LogoutView(dot_views.RPInitiatedLogoutView):
    """`/oauth2/end_session`: RP-initiated logout with id_token_hint and a registered post_logout_redirect_uri."""

    template_name = "oauth_provider/logout_confirm.html"
    http_method_names = ["get", "post", "head", "options"]
    token_deletion_client_types = []  # DOT would revoke the person's tokens at every app; do_logout scopes it

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        """Revoke the signed-in person's tokens at the app that asked only, then log out.

        Without a session nothing is revoked: an old id_token_hint alone must not cut anyone's access.
        """
        person = self.request.user
        if application is not None and person.is_authenticated:
            services.tokens_revoke_for_user_client(user_id=person.pk, client_id=application.pk)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


