"""Services other apps call: revoking consents (alias deletion) and listing them."""

from oauth2_provider.models import AccessToken, IDToken, RefreshToken

from accounts.services import alias_delete
from oauth_provider.models import Authorization
from oauth_provider.selectors import authorization_list_for_user
from oauth_provider.services import authorization_revoke, authorization_revoke_for_alias
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params


def sign_in_to(http, app):
    code = response_params(http.get(authorize_url(app)))["code"]
    return exchange(http, app, code).json()


def test_revoke_for_alias_removes_consents_and_tokens(signed_in, user):
    alias = AliasFactory(user=user)
    app, other = ClientFactory(), ClientFactory()
    AuthorizationFactory(user=user, client=app, alias=alias)
    AuthorizationFactory(user=user, client=other)
    tokens = sign_in_to(signed_in, app)
    kept = sign_in_to(signed_in, other)
    assert authorization_revoke_for_alias(alias=alias) == [app]
    assert not Authorization.objects.filter(client=app).exists()
    assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401
    assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {kept['access_token']}").status_code == 200
    assert not RefreshToken.objects.filter(application=app).exists()
    assert not IDToken.objects.filter(application=app).exists()


def test_deleting_an_alias_makes_the_app_ask_again(signed_in, user, app):
    alias = AliasFactory(user=user)
    AuthorizationFactory(user=user, client=app, alias=alias)
    sign_in_to(signed_in, app)
    alias_delete(alias=alias)
    assert signed_in.get(authorize_url(app)).status_code == 200  # consent page again
    assert not AccessToken.objects.exists()


def test_authorization_revoke(signed_in, user, app):
    authorization = AuthorizationFactory(user=user, client=app)
    tokens = sign_in_to(signed_in, app)
    authorization_revoke(authorization=authorization)
    assert not Authorization.objects.exists()
    refresh = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": app.client_id,
            "client_secret": "client-secret-for-tests-0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
        },
    )
    assert refresh.json()["error"] == "invalid_grant"


def test_authorization_list_for_user(user):
    mine = AuthorizationFactory(user=user)
    AuthorizationFactory()
    assert list(authorization_list_for_user(user=user)) == [mine]
