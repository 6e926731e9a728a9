"""Discovery documents and the JWKS: endpoints listed, pairwise subjects, kid matching id_tokens, CORS."""

import base64
import json

import pytest

from tests.factories import AuthorizationFactory
from tests.oauth_provider.conftest import ISSUER, authorize_url, exchange, response_params


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
def test_discovery_lists_every_endpoint(client, path):
    response = client.get(path, HTTP_ORIGIN="https://spa.example")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    doc = response.json()
    assert doc["issuer"] == ISSUER
    for key, suffix in (
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userinfo"),
        ("jwks_uri", "/jwks"),
        ("introspection_endpoint", "/oauth2/introspect"),
        ("revocation_endpoint", "/oauth2/revoke"),
        ("end_session_endpoint", "/oauth2/end_session"),
    ):
        assert doc[key] == ISSUER + suffix
        assert client.options(suffix).status_code != 404
    assert doc["subject_types_supported"] == ["pairwise"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert set(doc["response_types_supported"]) == {
        "code",
        "token",
        "id_token",
        "id_token token",
        "code id_token",
        "code token",
        "code id_token token",
    }
    assert set(doc["response_modes_supported"]) == {"query", "fragment", "form_post"}
    assert {"sub", "email", "email_verified", "name", "avatar_url", "client"} <= set(doc["claims_supported"])
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert {"client_secret_basic", "client_secret_post"} <= set(doc["token_endpoint_auth_methods_supported"])


def test_jwks_kid_matches_the_id_token_header(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    id_token = exchange(signed_in, app, code).json()["id_token"]
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    jwks = signed_in.get("/jwks", HTTP_ORIGIN="https://spa.example")
    assert jwks["Access-Control-Allow-Origin"] == "*"
    published = jwks.json()["keys"]
    assert header["kid"] in [k["kid"] for k in published]
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in published)


def test_authorize_has_no_cors(signed_in, app):
    response = signed_in.get(authorize_url(app), HTTP_ORIGIN="https://spa.example")
    assert "Access-Control-Allow-Origin" not in response


def test_discovery_post_is_405(client):
    assert client.post("/.well-known/openid-configuration").status_code == 405


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/jwks"])
def test_public_documents_answer_304_to_their_etag(client, path):
    first = client.get(path)
    assert first["Cache-Control"] == "public, max-age=3600" and first["ETag"].startswith('"')
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH='"stale"').content == first.content


def test_jwks_etag_changes_when_the_keys_rotate(client):
    from io import StringIO

    from django.core.management import call_command

    before = client.get("/jwks")
    call_command("rotate_signing_key", stdout=StringIO())
    after = client.get("/jwks", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert len(after.json()["keys"]) == 2


def test_discovery_follows_the_registration_setting(client, settings):
    settings.DYNAMIC_CLIENT_REGISTRATION = False
    assert "registration_endpoint" not in client.get("/.well-known/openid-configuration").json()
    settings.DYNAMIC_CLIENT_REGISTRATION = True
    assert client.get("/.well-known/openid-configuration").json()["registration_endpoint"].endswith("/oauth2/register")


def test_every_scope_listed_is_accepted(signed_in, app, user, client):
    scopes = client.get("/.well-known/openid-configuration").json()["scopes_supported"]
    assert {"openid", "email", "profile", "offline_access", "name", "avatar_url"} <= set(scopes)
    AuthorizationFactory(user=user, client=app, scope=" ".join(scopes))
    params = response_params(signed_in.get(authorize_url(app, scope=" ".join(scopes))))
    assert "code" in params
    assert set(exchange(signed_in, app, params["code"]).json()["scope"].split()) == set(scopes)


def test_every_claim_listed_is_one_a_sign_in_can_carry(client, user, password, db):
    # A real log in (auth_time, amr, acr), a hybrid response (c_hash, at_hash, nonce), an avatar and a name.
    from django.core.files.base import ContentFile

    from tests.factories import ClientFactory
    from tests.oauth_provider.test_amr_acr import id_token_claims, sign_in

    app = ClientFactory(allow_hybrid_flow=True)
    user.avatar.save("a.png", ContentFile(b"png"), save=True)
    AuthorizationFactory(user=user, client=app, name="Ann", share_avatar=True)
    sign_in(client, user, password)
    front = response_params(client.get(authorize_url(app, response_type="code id_token token", nonce="n")))
    tokens = exchange(client, app, front["code"]).json()
    userinfo = client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    carried = set(id_token_claims(front)) | set(id_token_claims(tokens)) | set(userinfo)
    listed = set(client.get("/.well-known/openid-configuration").json()["claims_supported"])
    assert {"id", "picture", "name", "avatar_url", "amr", "acr", "at_hash", "c_hash"} <= listed
    assert listed <= carried, listed - carried


def test_discovery_lists_what_the_endpoints_accept(client, db):
    doc = client.get("/.well-known/openid-configuration").json()
    assert doc["request_parameter_supported"] is True and doc["request_uri_parameter_supported"] is True
    assert doc["claims_parameter_supported"] is False
    assert set(doc["grant_types_supported"]) == {"authorization_code", "refresh_token", "implicit"}
    assert set(doc["prompt_values_supported"]) == {"none", "login", "consent"}
    assert "registration_endpoint" not in doc  # off by default
