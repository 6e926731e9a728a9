"""Fixtures for the developer pages: a signing key, a developer, their client, and a helper to get real tokens."""

import base64
import shutil
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from oauth_provider import keys
from tests.factories import CLIENT_SECRET, ClientFactory, UserFactory

ISSUER = "http://testserver"
REDIRECT_URI = "https://app.example/callback"


@pytest.fixture(scope="session")
def _developer_session_key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("developer-keys")
    keys.pem_write_private(path=folder / keys.PRIMARY_KEY_NAME, pem=keys.rsa_private_pem_generate())
    return folder / keys.PRIMARY_KEY_NAME


@pytest.fixture(autouse=True)
def signing_key_dir(settings, tmp_path, _developer_session_key):
    """This test's own KEYS_DIR with the session's RSA key; the issuer is the test server."""
    folder = tmp_path / "keys"
    folder.mkdir()
    shutil.copy(_developer_session_key, folder / keys.PRIMARY_KEY_NAME)
    settings.KEYS_DIR = folder
    settings.URL = ISSUER
    return folder


@pytest.fixture
def developer(db):
    """A person with the developer flag."""
    return UserFactory(is_developer=True)


@pytest.fixture
def dev(client, developer):
    """A test client signed in as the developer."""
    client.force_login(developer)
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
    query = {"client_id": app.client_id, "redirect_uri": app.redirect_uris.split()[0], "response_type": "code",
             "scope": scope, "state": "s"}
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
