"""Headless Chromium: set up an authenticator app and log in with it; recovery codes; a WebAuthn passkey."""

import re

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings):
    """The live server (http://localhost:PORT: WebAuthn accepts localhost over plain http) is the site's URL."""
    settings.URL = live_server.url
    return live_server.url


def password_step(page, site, user, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def confirm_with_password(page, password):
    page.get_by_role("heading", name="Confirm it's you").wait_for()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()


def test_set_up_an_authenticator_app_then_log_in_with_it_and_a_recovery_code(page, site, password):
    user = UserFactory()
    password_step(page, site, user, password)
    page.wait_for_url(f"{site}/dashboard/")
    page.goto(f"{site}/settings/")
    page.get_by_role("link", name="Manage two-factor & passkeys").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_with_password(page, password)
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("123456" if totp_code(secret) != "123456" else "654321")
    page.get_by_role("button", name="Turn on").click()
    assert "That code is not right" in page.get_by_role("alert").first.inner_text()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    log_out(page)
    password_step(page, site, user, password)
    page.get_by_role("heading", name="Two-factor authentication").wait_for()
    page.get_by_label("Code").fill(totp_code(secret, step=1))  # the set-up used the current one
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/dashboard/")

    log_out(page)
    password_step(page, site, user, password)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/dashboard/")

    log_out(page)
    password_step(page, site, user, password)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    assert "That code is not right or was already used" in page.get_by_role("alert").first.inner_text()
    assert page.url == f"{site}/accounts/2fa/authenticate/"


def virtual_authenticator(page):
    """Chromium's virtual authenticator (CDP WebAuthn domain): a passkey-capable platform key that says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_add_a_passkey_then_log_in_with_it_alone_and_as_a_second_factor(page, site, password):
    user = UserFactory()
    virtual_authenticator(page)
    password_step(page, site, user, password)
    page.wait_for_url(f"{site}/dashboard/")
    page.goto(f"{site}/accounts/2fa/")
    page.get_by_role("link", name="Add a security key or passkey").click()
    confirm_with_password(page, password)
    page.get_by_label("Name").fill("Laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Laptop" and key.wrap().is_passwordless

    log_out(page)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{site}/dashboard/")

    log_out(page)
    password_step(page, site, user, password)
    page.get_by_role("heading", name="Two-factor authentication").wait_for()
    page.get_by_role("button", name="Use a security key or passkey").click()
    page.wait_for_url(f"{site}/dashboard/")
    page.goto(f"{site}/accounts/2fa/webauthn/")
    assert re.search(r"Laptop\s+Passkey", page.locator("tbody tr").first.inner_text())
