"""Introspection (RFC 7662): a confidential client learns about its own tokens only."""

import time

import pytest

from tests.factories import CLIENT_SECRET, AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import ISSUER, authorize_url, basic_auth, exchange, response_params


@pytest.fixture
def tokens(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    return exchange(signed_in, app, code).json()


def introspect(http, client, token, secret=CLIENT_SECRET):
    return http.post("/oauth2/introspect", {"token": token}, HTTP_AUTHORIZATION=basic_auth(client.client_id, secret))


def test_active_access_token_has_the_listed_fields(client, app, tokens):
    body = introspect(client, app, tokens["access_token"]).json()
    assert body["active"] is True
    assert body["sub"] == app.authorizations.get().sub and body["client_id"] == app.client_id
    assert body["scope"] == "openid email profile" and body["iss"] == ISSUER and body["token_type"] == "Bearer"
    assert body["iat"] <= time.time() < body["exp"] <= time.time() + 3600


def test_refresh_token_is_active(client, app, tokens):
    body = introspect(client, app, tokens["refresh_token"]).json()
    assert body["active"] is True and body["token_type"] == "refresh_token"


def test_another_clients_token_is_inactive(client, app, tokens):
    other = ClientFactory()
    assert introspect(client, other, tokens["access_token"]).json() == {"active": False}


def test_unknown_token_is_inactive(client, app, tokens):
    assert introspect(client, app, "nope").json() == {"active": False}


def test_client_post_authentication(client, app, tokens):
    response = client.post(
        "/oauth2/introspect",
        {"token": tokens["access_token"], "client_id": app.client_id, "client_secret": CLIENT_SECRET},
    )
    assert response.json()["active"] is True


def test_bad_client_credentials_are_401(client, app, tokens):
    response = introspect(client, app, tokens["access_token"], secret="wrong")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")


def test_public_clients_cannot_introspect(client, db):
    public = ClientFactory(client_type="public", client_secret="")
    response = client.post("/oauth2/introspect", {"token": "x", "client_id": public.client_id})
    assert response.status_code == 401


def test_missing_token_is_invalid_request(client, app):
    response = client.post("/oauth2/introspect", HTTP_AUTHORIZATION=basic_auth(app.client_id))
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_get_is_405(client):
    assert client.get("/oauth2/introspect").status_code == 405


def test_an_id_token_is_inactive(client, app, tokens):
    assert introspect(client, app, tokens["id_token"]).json() == {"active": False}


def test_introspecting_an_access_token_costs_two_queries(client, app, tokens, django_assert_max_num_queries):
    introspect(client, app, tokens["access_token"])  # the first may prepare the statement
    with django_assert_max_num_queries(2):  # the client, then the token with its consent
        assert introspect(client, app, tokens["access_token"]).json()["active"] is True


def test_expired_access_token_is_inactive(client, app, tokens):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert introspect(client, app, tokens["access_token"]).json() == {"active": False}


@pytest.mark.django_db(transaction=True)
def test_introspection_answers_across_a_reconnect(client, app, tokens):
    from django.db import connection

    assert introspect(client, app, tokens["access_token"]).json()["active"] is True  # may prepare both statements
    connection.close()  # a renewed connection has no prepared statements
    assert introspect(client, app, tokens["access_token"]).json()["active"] is True
    assert introspect(client, app, tokens["access_token"], secret="wrong").status_code == 401
