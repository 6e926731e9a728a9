"""Routes of the OpenID Connect provider: the 2019 paths under /oauth/ and the same under /oauth2/."""

from django.urls import path

from oauth_provider import views

app_name = "oauth_provider"

urlpatterns = [
    path(".well-known/openid-configuration", views.openid_configuration, name="openid-configuration"),
    path(".well-known/oauth-authorization-server", views.authorization_server_metadata, name="oauth-metadata"),
    path("jwks", views.jwks, name="jwks"),
]

for prefix, suffix in (("oauth2", ""), ("oauth", "-2019")):
    urlpatterns += [
        path(f"{prefix}/authorize", views.AuthorizeView.as_view(), name=f"authorize{suffix}"),
        path(f"{prefix}/token", views.TokenView.as_view(), name=f"token{suffix}"),
        path(f"{prefix}/userinfo", views.UserInfoView.as_view(), name=f"userinfo{suffix}"),
        path(f"{prefix}/user_info", views.UserInfoView.as_view(), name=f"user_info{suffix}"),
        path(f"{prefix}/me", views.UserInfoView.as_view(), name=f"me{suffix}"),
        path(f"{prefix}/introspect", views.IntrospectView.as_view(), name=f"introspect{suffix}"),
        path(f"{prefix}/revoke", views.RevokeView.as_view(), name=f"revoke{suffix}"),
        path(f"{prefix}/end_session", views.LogoutView.as_view(), name=f"end-session{suffix}"),
    ]
