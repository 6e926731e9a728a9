"""The id_token says how the person authenticated (amr, acr), and acr_values asks for a step-up to two factors."""

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

from oauth_provider.sessions import AUTH_TIME_SESSION_KEY
from tests.factories import AuthorizationFactory, totp_code, totp_enable
from tests.oauth_provider.conftest import authorize_url, exchange, response_params
from tests.oauth_provider.test_token import refresh

MFA = "urn:simplelogin:acr:mfa"
PWD = "urn:simplelogin:acr:pwd"


def id_token_claims(tokens: dict) -> dict:
    payload = tokens["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sign_in(client, user, password, *, secret=None):
    """A real log in: the password, then the authenticator code when the person has one."""
    client.post("/accounts/login/", {"login": user.email, "password": password})
    if secret:
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def tokens_for(client, app, **params):
    return exchange(client, app, response_params(client.get(authorize_url(app, **params)))["code"]).json()


@pytest.fixture
def consented(user, app):
    return AuthorizationFactory(user=user, client=app)


def test_a_password_log_in_is_pwd(client, user, password, app, consented):
    sign_in(client, user, password)
    claims = id_token_claims(tokens_for(client, app))
    assert claims["amr"] == ["pwd"] and claims["acr"] == PWD


def test_password_and_authenticator_code_are_mfa_and_a_refresh_says_the_same(client, user, password, app, consented):
    secret, _codes = totp_enable(user)
    sign_in(client, user, password, secret=secret)
    tokens = tokens_for(client, app)
    first = id_token_claims(tokens)
    assert first["amr"] == ["pwd", "otp", "mfa"] and first["acr"] == MFA
    refreshed = id_token_claims(refresh(client, app, tokens["refresh_token"]).json())
    assert (refreshed["amr"], refreshed["acr"], refreshed["auth_time"]) == (first["amr"], MFA, first["auth_time"])


def test_a_passkey_log_in_is_hwk_and_mfa(signed_in, user, app, consented):
    session = signed_in.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time(), "id": 1, "type": "webauthn", "passwordless": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    claims = id_token_claims(tokens_for(signed_in, app))
    assert claims["amr"] == ["hwk", "mfa"] and claims["acr"] == MFA


def test_implicit_id_tokens_carry_amr_and_acr_too(client, user, password, consented):
    from tests.factories import ClientFactory

    app = ClientFactory(allow_implicit_flow=True)
    AuthorizationFactory(user=user, client=app)
    sign_in(client, user, password)
    params = response_params(client.get(authorize_url(app, response_type="id_token", nonce="n")))
    claims = id_token_claims(params)
    assert claims["amr"] == ["pwd"] and claims["acr"] == PWD


def test_discovery_lists_the_acr_values(client):
    document = client.get("/.well-known/openid-configuration").json()
    assert document["acr_values_supported"] == [PWD, MFA]
    assert {"amr", "acr"} <= set(document["claims_supported"])


def test_acr_values_mfa_steps_up_to_the_second_factor_and_moves_auth_time(client, user, password, app, consented):
    secret, _codes = totp_enable(user)
    client.post("/accounts/login/", {"login": user.email, "password": password})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, step=-1)})
    session = client.session  # this session logged in with both factors an hour ago ...
    hour_ago = time.time() - 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": hour_ago}]  # ... or just a password
    session[AUTH_TIME_SESSION_KEY] = int(hour_ago)
    session.save()
    url = authorize_url(app, acr_values=MFA)
    step_up = client.get(url)
    assert step_up.status_code == 302
    assert step_up["Location"].startswith("/accounts/2fa/reauthenticate/?")
    assert parse_qs(urlsplit(step_up["Location"]).query)["next"] == [url]
    before = int(time.time())
    back = client.post(step_up["Location"], {"code": totp_code(secret)})
    assert back["Location"] == url
    claims = id_token_claims(tokens_for(client, app, acr_values=MFA))
    assert claims["acr"] == MFA and claims["amr"] == ["pwd", "otp", "mfa"]
    assert claims["auth_time"] >= before


def test_acr_values_mfa_without_a_factor_sends_the_person_to_set_one_up_then_back(
    client, user, password, app, consented
):
    sign_in(client, user, password)
    url = authorize_url(app, acr_values=MFA)
    response = client.get(url)
    assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/").content.decode()
    assert f"{app.name} asks for two-factor authentication" in page
    secret, _codes = totp_enable(user)  # what /accounts/2fa/totp/activate/ does (tests/accounts/test_two_factor*.py)
    page = client.get("/accounts/2fa/").content.decode()
    assert f"Continue to {app.name}" in page
    again = client.get(url)
    assert again["Location"].startswith("/accounts/2fa/reauthenticate/?")
    assert client.post(again["Location"], {"code": totp_code(secret)})["Location"] == url
    claims = id_token_claims(tokens_for(client, app, acr_values=MFA))
    assert claims["acr"] == MFA
    assert "Continue to" not in client.get("/accounts/2fa/").content.decode()


def test_acr_values_mfa_with_prompt_none_is_interaction_required(client, user, password, app, consented):
    sign_in(client, user, password)
    params = response_params(client.get(authorize_url(app, acr_values=MFA, prompt="none")))
    assert params["error"] == "interaction_required" and params["state"] == "xyz"


def test_acr_values_that_accept_one_factor_do_not_step_up(client, user, password, app, consented):
    sign_in(client, user, password)
    claims = id_token_claims(tokens_for(client, app, acr_values=f"{MFA} {PWD}"))
    assert claims["acr"] == PWD


def test_a_session_without_a_password_record_steps_up_once(signed_in, user, app, consented):
    """Logged in by the email-verification link (no password record): the second factor alone makes it mfa."""
    secret, _codes = totp_enable(user)
    step_up = signed_in.get(authorize_url(app, acr_values=MFA))
    signed_in.post(step_up["Location"], {"code": totp_code(secret)})
    claims = id_token_claims(tokens_for(signed_in, app, acr_values=MFA))
    assert claims["acr"] == MFA and claims["amr"] == ["otp", "mfa"]


def test_a_refreshed_id_token_keeps_the_auth_time_of_the_original_log_in(signed_in, user, app, consented):
    # OIDC Core 12.2: not the person's latest log-in elsewhere.
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = 1_800_000_000
    session.save()
    tokens = tokens_for(signed_in, app)
    assert id_token_claims(tokens)["auth_time"] == 1_800_000_000
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = 1_800_009_999  # the person logs in again later, and another app signs them in
    session.save()
    other = tokens_for(signed_in, app)
    assert id_token_claims(other)["auth_time"] == 1_800_009_999
    refreshed = refresh(signed_in, app, tokens["refresh_token"]).json()
    assert id_token_claims(refreshed)["auth_time"] == 1_800_000_000
    twice = refresh(signed_in, app, refreshed["refresh_token"]).json()  # a rotated refresh token: the same family
    assert id_token_claims(twice)["auth_time"] == 1_800_000_000
    assert id_token_claims(refresh(signed_in, app, other["refresh_token"]).json())["auth_time"] == 1_800_009_999
