"""How the provider hooks into django-oauth-toolkit: our server class, the private methods we override, the
RFC 9700 switches we turn on, and one claims builder for the id_token and userinfo."""

import base64
import hashlib
import inspect
import json

import pytest
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from oauth_provider.oauth2_validator import Validator
from oauth_provider.server import Server
from oauth_provider.views.token import TokenView
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, basic_auth, exchange, response_params

# DOT's private methods that we override or call. Each hash is of the source we read when writing our code: when
# DOT changes one, this fails, and the override in oauth_provider/ must be checked against the new code.
PINNED = {
    (OAuth2Validator, "_create_authorization_code"): "6aa66b1d03974f3e",  # we call it, then store auth_time
    (OAuth2Validator, "_load_access_token"): "713babbd1c31b6d4",  # one query with client and person (bench)
    (OAuth2Validator, "_check_and_set_request_resource"): "83be546872406c2c",  # no RFC 8707 resources offered
    (OAuth2Validator, "_create_access_token"): "b9b36b168ac8ba46",  # reuses the id_token just saved (bench)
    (OAuth2Validator, "_create_refresh_token"): "eca3713cacfd672b",  # we call it and keep the row
    (OAuth2Validator, "_get_key_for_token"): "041de4490465a223",  # the key named by kid, current or retired
    (OAuth2Validator, "_set_token_value"): "fb56a30214da8e1d",  # called from our _create_access_token
    (OAuth2Validator, "_save_id_token"): "fc3dac719d350eee",  # called from our finalize_id_token
    (OAuthLibCore, "_extract_params"): "245595e0039a3c54",  # called by the introspection view
    (OAuthLibCore, "extract_body"): "a4185e7bad629ec8",  # replaced to keep repeated parameters
}


@pytest.mark.parametrize(("owner", "name"), list(PINNED))
def test_dot_private_methods_we_rely_on_are_unchanged(owner, name):
    source = inspect.getsource(getattr(owner, name))
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == PINNED[(owner, name)], (
        f"django-oauth-toolkit changed {owner.__name__}.{name}: re-check our override or call before updating the pin"
    )


def test_dot_builds_our_server_class():
    server = TokenView.get_server()
    assert isinstance(server, Server)
    assert set(server.grant_types) == {"authorization_code", "refresh_token", ""}
    assert set(server.tokens) == {"Bearer"}  # no JWT token type: an id_token is never a bearer credential


def test_the_password_grant_does_not_exist(client, app, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a password was checked")

    monkeypatch.setattr(Validator, "validate_user", never)
    response = client.post(
        "/oauth2/token",
        {"grant_type": "password", "username": "a@b.c", "password": "x"},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


def test_a_token_request_without_grant_type_is_invalid_request(client, app):
    response = client.post("/oauth2/token", {"code": "x"}, HTTP_AUTHORIZATION=basic_auth(app.client_id))
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert response["Cache-Control"] == "no-store"


def test_dot_checks_the_grant_type_itself():
    # The password-grant switch (COMPLIANT_BCP_RFC9700_PASSWORD_GRANT) lives in DOT's validate_grant_type.
    assert Validator.validate_grant_type is OAuth2Validator.validate_grant_type


@pytest.mark.parametrize(("compliant", "refused"), [(True, True), (False, False)])
def test_the_pkce_method_switch_is_read_by_the_code_we_run(settings, app, user, compliant, refused):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_PKCE_METHOD": compliant}
    oauth2_settings.reload()
    request = Request("https://testserver/oauth2/authorize")
    request.client, request.user, request.redirect_uri = app, user, app.redirect_uris
    request.scopes, request.code_challenge, request.code_challenge_method = ["openid"], "c" * 43, "plain"
    try:
        if refused:
            with pytest.raises(errors.InvalidRequestError):
                Validator()._create_authorization_code(request, {"code": "abc"})
        else:
            with pytest.warns(DeprecationWarning):
                assert Validator()._create_authorization_code(request, {"code": "abc"}).code_challenge_method == "plain"
    finally:
        settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True}
        oauth2_settings.reload()


def test_repeated_parameters_are_refused_at_revocation_and_introspection(client, app):
    body = f"token=a&token=b&client_id={app.client_id}"
    for path in ("/oauth2/revoke", "/oauth2/introspect"):
        response = client.post(
            path, body, content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=basic_auth(app.client_id)
        )
        assert (response.status_code, response.json()["error"]) == (400, "invalid_request"), path


def test_clients_say_they_get_rs256_id_tokens(signed_in, user):
    app = ClientFactory()
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app, nonce="n")))["code"]
    id_token = exchange(signed_in, app, code).json()["id_token"]
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    assert app.algorithm == "RS256" and header["alg"] == "RS256"


def _id_token_claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


ID_TOKEN_ONLY = {"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "jti", "azp", "amr", "acr"}


@pytest.mark.parametrize(
    "scope", ["openid", "openid email", "openid profile", "openid email profile", "openid name avatar_url"]
)
@pytest.mark.parametrize("with_alias", [True, False])
def test_id_token_and_userinfo_carry_the_same_claims(signed_in, app, user, scope, with_alias):
    alias = AliasFactory(user=user) if with_alias else None
    AuthorizationFactory(user=user, client=app, alias=alias, share_avatar=True, scope=scope)
    code = response_params(signed_in.get(authorize_url(app, scope=scope, nonce="n")))["code"]
    tokens = exchange(signed_in, app, code).json()
    userinfo = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    from_id_token = {k: v for k, v in _id_token_claims(tokens["id_token"]).items() if k not in ID_TOKEN_ONLY}
    assert from_id_token == userinfo
    assert ("email" in userinfo) == ("email" in scope)
