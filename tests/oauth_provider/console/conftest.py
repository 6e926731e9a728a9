"""Fixtures for the developer pages: a signing key, a developer, their client, and a helper to get real tokens."""

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.conftest import reauthenticate
from tests.factories import CLIENT_SECRET, ClientFactory, UserFactory

ISSUER = "http://testserver"
REDIRECT_URI = "https://app.example/callback"


@pytest.fixture(autouse=True)
def _signing_keys(signing_key_dir):
    """Every test here signs with the suite's key (tests/conftest.py)."""
    return signing_key_dir


@pytest.fixture
def developer(db):
    """A person with the developer flag."""
    return UserFactory(is_developer=True)


@pytest.fixture
def dev(client, developer):
    """A test client signed in as the developer, who just confirmed their password (no re-authentication asked)."""
    client.force_login(developer)
    reauthenticate(client, developer)
    return client


@pytest.fixture
def owned(developer):
    """A confidential client (secret CLIENT_SECRET) owned by the developer."""
    return ClientFactory(user=developer, redirect_uris=REDIRECT_URI)


def basic_auth(client_id: str, secret: str = CLIENT_SECRET) -> str:
    """client_secret_basic header value."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def get_code(http, app, scope="openid email profile") -> str:
    """Run /oauth2/authorize for an already-authorized app; returns the code."""
    query = {
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris.split()[0],
        "response_type": "code",
        "scope": scope,
        "state": "s",
    }
    response = http.get(f"/oauth2/authorize?{urlencode(query)}")
    assert response.status_code == 302, response.content[:400]
    return parse_qs(urlsplit(response["Location"]).query)["code"][0]


def token_request(http, app, code, secret=CLIENT_SECRET):
    """POST /oauth2/token with client_secret_basic."""
    return http.post(
        "/oauth2/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uris.split()[0]},
        HTTP_AUTHORIZATION=basic_auth(app.client_id, secret),
    )


def issue_tokens(http, app, secret=CLIENT_SECRET) -> dict:
    """A real token response for the signed-in person (who already authorized the app)."""
    response = token_request(http, app, get_code(http, app), secret)
    assert response.status_code == 200, response.content
    return response.json()


def userinfo(http, access_token):
    """GET /oauth/user_info (the 2019 path) with a Bearer token."""
    return http.get("/oauth/user_info", HTTP_AUTHORIZATION=f"Bearer {access_token}")
