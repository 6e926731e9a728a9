"""Fixtures for the provider: a signing key, the issuer, client apps, and helpers to run flows."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.factories import CLIENT_SECRET, ClientFactory

ISSUER = "http://testserver"


@pytest.fixture(autouse=True)
def _signing_keys(signing_key_dir):
    """Every test here signs with the suite's key (tests/conftest.py)."""
    return signing_key_dir


@pytest.fixture
def app(db):
    """A confidential client (code flow) with redirect URI https://app.example/callback."""
    return ClientFactory()


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client, **params) -> str:
    """/oauth2/authorize with sensible defaults (code flow, openid email profile, a state)."""
    query = {
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uris.split()[0],
        "response_type": "code",
        "scope": "openid email profile",
        "state": "xyz",
    }
    query.update(params)
    query = {k: v for k, v in query.items() if v is not None}
    return f"/oauth2/authorize?{urlencode(query)}"


def response_params(response) -> dict:
    """The parameters of an authorization response (query or fragment of the Location)."""
    assert response.status_code == 302, response.content[:500]
    parts = urlsplit(response["Location"])
    raw = parts.fragment or parts.query
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def basic_auth(client_id: str, secret: str = CLIENT_SECRET) -> str:
    """An HTTP Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def exchange(http, client, code, *, verifier=None, secret=CLIENT_SECRET, **extra):
    """POST /oauth2/token for a code, authenticating with client_secret_basic."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": client.redirect_uris.split()[0]}
    if verifier:
        data["code_verifier"] = verifier
    data.update(extra)
    headers = {"HTTP_AUTHORIZATION": basic_auth(client.client_id, secret)} if secret else {}
    return http.post("/oauth2/token", data, **headers)
