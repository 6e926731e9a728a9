"""offline_access (OIDC Core 11): accepted, shown on consent, and the only way a new app gets a refresh token."""

import pytest

from oauth_provider.models import Authorization
from tests.factories import AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params
from tests.oauth_provider.test_token import refresh

OFFLINE = "openid email profile offline_access"
LABEL = "Stay connected when you are not signed in (offline access)"


@pytest.fixture
def new_app(db):
    """An app registered now: the model's default, as the console and registration make them."""
    return ClientFactory(refresh_without_offline_access=False)


def allow(http, app, **params):
    response = http.post(authorize_url(app, **params), {"email": "real", "name": "Ann", "action": "allow"})
    return response_params(response)


def test_a_new_app_gets_no_refresh_token_without_offline_access(signed_in, new_app, user):
    AuthorizationFactory(user=user, client=new_app)
    tokens = exchange(signed_in, new_app, response_params(signed_in.get(authorize_url(new_app)))["code"]).json()
    assert tokens["access_token"] and tokens["id_token"] and "refresh_token" not in tokens


def test_offline_access_is_consented_on_the_page_and_gives_a_refresh_token(signed_in, new_app, user):
    page = signed_in.get(authorize_url(new_app, scope=OFFLINE))
    assert page.status_code == 200 and LABEL in page.content.decode()
    tokens = exchange(signed_in, new_app, allow(signed_in, new_app, scope=OFFLINE)["code"]).json()
    assert "offline_access" in tokens["scope"].split() and tokens["refresh_token"]
    assert "offline_access" in Authorization.objects.get(user=user, client=new_app).scope.split()
    refreshed = refresh(signed_in, new_app, tokens["refresh_token"]).json()
    assert refreshed["refresh_token"] and refreshed["refresh_token"] != tokens["refresh_token"]
    assert refresh(signed_in, new_app, refreshed["refresh_token"]).status_code == 200


def test_offline_access_asks_for_consent_even_for_a_known_app(signed_in, new_app, user):
    # OIDC Core 11: consent to offline access is explicit; a stored consent without it does not cover it.
    AuthorizationFactory(user=user, client=new_app, scope="openid email profile")
    assert response_params(signed_in.get(authorize_url(new_app, scope=OFFLINE, prompt="none")))["error"] == (
        "consent_required"
    )
    assert LABEL in signed_in.get(authorize_url(new_app, scope=OFFLINE)).content.decode()
    allow(signed_in, new_app, scope=OFFLINE)
    assert "code" in response_params(signed_in.get(authorize_url(new_app, scope=OFFLINE, prompt="none")))


def test_offline_access_is_ignored_without_a_code(signed_in, user):
    # OIDC Core 11: only a response that returns a code may lead to offline access.
    app = ClientFactory(allow_implicit_flow=True, refresh_without_offline_access=False)
    AuthorizationFactory(user=user, client=app)
    params = response_params(
        signed_in.get(authorize_url(app, scope=OFFLINE, response_type="id_token token", nonce="n"))
    )
    assert params["access_token"] and params["scope"].split() == ["openid", "email", "profile"]
    assert "refresh_token" not in params


def test_an_app_older_than_offline_access_keeps_its_refresh_tokens(signed_in, user):
    older = ClientFactory(refresh_without_offline_access=True)
    AuthorizationFactory(user=user, client=older)
    tokens = exchange(signed_in, older, response_params(signed_in.get(authorize_url(older)))["code"]).json()
    assert "offline_access" not in tokens["scope"] and tokens["refresh_token"]


def test_discovery_lists_offline_access(client, db):
    assert "offline_access" in client.get("/.well-known/openid-configuration").json()["scopes_supported"]
