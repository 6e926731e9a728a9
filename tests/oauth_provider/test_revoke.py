"""Revocation (RFC 7009)."""

import pytest

from tests.factories import AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, basic_auth, exchange, response_params


@pytest.fixture
def tokens(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    return exchange(signed_in, app, code).json()


def userinfo_status(http, token):
    return http.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_revoking_the_access_token(client, app, tokens):
    response = client.post(
        "/oauth2/revoke", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic_auth(app.client_id)
    )
    assert response.status_code == 200
    assert userinfo_status(client, tokens["access_token"]) == 401


def test_revoking_the_refresh_token_also_kills_its_access_token(client, app, tokens):
    response = client.post(
        "/oauth/revoke",
        {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert response.status_code == 200
    assert userinfo_status(client, tokens["access_token"]) == 401
    refresh = client.post(
        "/oauth2/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert refresh.json()["error"] == "invalid_grant"


def test_another_client_cannot_revoke(client, app, tokens):
    other = ClientFactory()
    assert (
        client.post(
            "/oauth2/revoke", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic_auth(other.client_id)
        ).status_code
        == 200
    )
    assert userinfo_status(client, tokens["access_token"]) == 200


def test_bad_credentials_are_401(client, app, tokens):
    response = client.post(
        "/oauth2/revoke", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic_auth(app.client_id, "wrong")
    )
    assert response.status_code == 401


def test_get_is_405(client):
    assert client.get("/oauth2/revoke").status_code == 405
