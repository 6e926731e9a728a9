"""Two-factor log in (allauth.mfa): the code is asked, wrong and used codes are refused, attempts are limited."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import totp_code, totp_enable

pytestmark = pytest.mark.django_db

WRONG_CODE = "That code is not right or was already used."


def log_in(client, user, password):
    """Password step; answers the redirect to the second step."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302
    return response


def test_a_person_with_an_authenticator_app_is_asked_for_a_code(client, user, password):
    secret, _codes = totp_enable(user)
    response = log_in(client, user, password)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_code_is_refused_with_a_clear_message(client, user, password):
    totp_enable(user)
    log_in(client, user, password)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(client, user, password, django_user_model):
    secret, _codes = totp_enable(user)
    code = totp_code(secret)
    log_in(client, user, password)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    client.post("/accounts/logout/")
    log_in(client, user, password)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert WRONG_CODE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once_then_is_refused(client, user, password):
    _secret, codes = totp_enable(user)
    log_in(client, user, password)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]})["Location"] == "/dashboard/"
    client.post("/accounts/logout/")
    log_in(client, user, password)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert WRONG_CODE in response.content.decode()
    page = client.post("/accounts/2fa/authenticate/", {"code": codes[1]})
    assert page["Location"] == "/dashboard/"
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap()
    assert len(recovery.get_unused_codes()) == len(codes) - 2


def test_wrong_codes_are_rate_limited(client, user, password):
    secret, _codes = totp_enable(user)
    log_in(client, user, password)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_settings_page_links_to_two_factor_and_says_what_is_on(signed_in, user):
    page = signed_in.get("/settings/").content.decode()
    assert 'href="/accounts/2fa/"' in page and "Off." in page
    totp_enable(user)
    page = signed_in.get("/settings/").content.decode()
    assert "Log in asks for your second factor: authenticator app." in page


def test_the_login_page_offers_a_passkey_with_scripts_of_our_own(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Use a passkey" in page
    assert 'src="/static/mfa/js/webauthn.js"' in page
    assert "<script>" not in page  # only external scripts and JSON data: CSP script-src 'self' holds
