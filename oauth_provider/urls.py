"""Routes of the OpenID Connect provider: the 2019 paths under /oauth/ and the same under /oauth2/."""

from django.urls import path

from oauth_provider.views import (
    authorize,
    discovery,
    end_session,
    introspect,
    registration,
    revoke,
    token,
    userinfo,
)

app_name = "oauth_provider"

urlpatterns = [
    path(".well-known/openid-configuration", discovery.openid_configuration, name="openid-configuration"),
    path(".well-known/oauth-authorization-server", discovery.authorization_server_metadata, name="oauth-metadata"),
    path("jwks", discovery.jwks, name="jwks"),
    path("oauth2/register", registration.RegisterView.as_view(), name="register"),
    path("oauth2/register/<str:client_id>", registration.ClientConfigurationView.as_view(), name="register-client"),
]

for prefix, suffix in (("oauth2", ""), ("oauth", "-2019")):
    urlpatterns += [
        path(f"{prefix}/authorize", authorize.AuthorizeView.as_view(), name=f"authorize{suffix}"),
        path(f"{prefix}/token", token.TokenView.as_view(), name=f"token{suffix}"),
        path(f"{prefix}/userinfo", userinfo.UserInfoView.as_view(), name=f"userinfo{suffix}"),
        path(f"{prefix}/user_info", userinfo.UserInfoView.as_view(), name=f"user_info{suffix}"),
        path(f"{prefix}/me", userinfo.UserInfoView.as_view(), name=f"me{suffix}"),
        path(f"{prefix}/introspect", introspect.IntrospectView.as_view(), name=f"introspect{suffix}"),
        path(f"{prefix}/revoke", revoke.RevokeView.as_view(), name=f"revoke{suffix}"),
        path(f"{prefix}/end_session", end_session.LogoutView.as_view(), name=f"end-session{suffix}"),
    ]
