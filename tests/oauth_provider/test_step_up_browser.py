"""Headless Chromium: an app asks for two factors; the person sets up an authenticator app and comes back to it."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.factories import CLIENT_SECRET, ClientFactory, UserFactory, totp_code
from tests.oauth_provider.conftest import authorize_url

pytestmark = pytest.mark.django_db(transaction=True)

CALLBACK = "http://127.0.0.1:7000/callback"
MFA = "urn:simplelogin:acr:mfa"


def test_an_app_asking_for_mfa_gets_it_after_the_person_sets_up_a_factor(live_server, page, settings, password):
    settings.URL = live_server.url
    site = live_server.url
    person = UserFactory()
    app = ClientFactory(redirect_uris=CALLBACK, name="Bank")
    seen = []
    page.route("http://127.0.0.1:7000/**", lambda route: (seen.append(route.request.url), route.fulfill(body="ok")))

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site}/dashboard/")

    page.goto(site + authorize_url(app, acr_values=MFA, nonce="n"))
    page.wait_for_url(f"{site}/accounts/2fa/")
    page.get_by_text("Bank asks for two-factor authentication").first.wait_for()
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="Continue to Bank").click()

    page.get_by_role("heading", name="Confirm it's you").wait_for()
    page.get_by_label("Code").fill(totp_code(secret, step=1))
    page.get_by_role("button", name="Confirm").click()
    page.check("input[value=real]")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{CALLBACK}**")

    code = parse_qs(urlsplit(seen[0]).query)["code"][0]
    tokens = requests.post(
        f"{site}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=(app.client_id, CLIENT_SECRET),
        timeout=10,
    ).json()
    payload = tokens["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["acr"] == MFA and claims["amr"] == ["pwd", "otp", "mfa"]
