"""An independent relying party (Authlib) drives the running server over HTTP.

Discovery, code + PKCE with id_token validation against the JWKS, hybrid, userinfo, refresh, revocation.
"""

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken, HybridIDToken
from django.conf import settings
from django.test import Client as DjangoClient

from oauth_provider.models import Authorization
from tests.factories import CLIENT_SECRET, AliasFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.slow

REDIRECT_URI = "http://127.0.0.1:7000/callback"


@pytest.fixture
def server(live_server, settings, monkeypatch):
    settings.URL = live_server.url
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    return live_server.url


@pytest.fixture
def person(transactional_db):
    return UserFactory()


@pytest.fixture
def browser(server, person):
    """A requests session carrying the signed-in person's session cookie."""
    django_client = DjangoClient()
    django_client.force_login(person)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, django_client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


@pytest.fixture
def discovery(server):
    response = requests.get(f"{server}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    return response.json()


def verify_id_token(discovery, id_token, claims_cls, nonce, client_id, **params):
    jwks = JsonWebKey.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        id_token,
        jwks,
        claims_cls=claims_cls,
        claims_options={"iss": {"essential": True, "value": discovery["issuer"]}},
        claims_params={"nonce": nonce, "client_id": client_id, **params},
    )
    claims.validate()
    return claims


def consent_through_the_page(browser, url, email_choice):
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        url,
        data={"csrfmiddlewaretoken": csrf, "email": email_choice, "name": "Rita", "action": "allow"},
        headers={"Referer": url},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def test_code_flow_with_pkce_userinfo_refresh_and_revocation(server, discovery, browser, person):
    app = ClientFactory(redirect_uris=REDIRECT_URI, refresh_without_offline_access=False)  # a new app
    alias = AliasFactory(user=person)
    rp = OAuth2Session(
        app.client_id,
        CLIENT_SECRET,
        scope="openid email profile offline_access",  # OIDC Core 11: a new app's refresh tokens need it
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

    location = consent_through_the_page(browser, url, alias.email)
    assert parse_qs(urlsplit(location).query)["iss"] == [discovery["issuer"]]
    token = rp.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)

    claims = verify_id_token(
        discovery, token["id_token"], CodeIDToken, nonce, app.client_id, access_token=token["access_token"]
    )
    sub = Authorization.objects.get(user=person, client=app).sub
    assert claims["sub"] == sub and claims["email"] == alias.email and claims["name"] == "Rita"
    assert token["user"]["email"] == alias.email

    userinfo = rp.get(discovery["userinfo_endpoint"]).json()
    assert userinfo["sub"] == sub and userinfo["email"] == alias.email

    old_refresh = token["refresh_token"]
    refreshed = rp.refresh_token(discovery["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"] and refreshed["refresh_token"] != old_refresh
    assert rp.get(discovery["userinfo_endpoint"]).status_code == 200

    assert (
        rp.revoke_token(
            discovery["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
        ).status_code
        == 200
    )
    assert rp.get(discovery["userinfo_endpoint"]).status_code == 401


def test_hybrid_flow(server, discovery, browser, person):
    app = ClientFactory(redirect_uris=REDIRECT_URI, allow_hybrid_flow=True)
    rp = OAuth2Session(
        app.client_id, CLIENT_SECRET, scope="openid email", redirect_uri=REDIRECT_URI, code_challenge_method="S256"
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    # Authlib adds the challenge for response_type=code only; a verifier without one is refused (RFC 9700 2.1.1).
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"],
        response_type="code id_token",
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
        nonce=nonce,
    )
    location = consent_through_the_page(browser, url, "real")
    fragment = {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}
    assert fragment["state"] == state and fragment["iss"] == discovery["issuer"]
    front = verify_id_token(discovery, fragment["id_token"], HybridIDToken, nonce, app.client_id, code=fragment["code"])
    assert front["email"] == person.email
    token = rp.fetch_token(discovery["token_endpoint"], code=fragment["code"], code_verifier=verifier)
    back = verify_id_token(discovery, token["id_token"], CodeIDToken, nonce, app.client_id)
    assert back["sub"] == front["sub"]
