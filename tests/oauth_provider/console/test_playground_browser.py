"""The developer journey in headless Chromium: register an app, copy its secret, run the playground end to end."""

import json

import pytest

from oauth_provider.models import Client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_app_and_try_sign_in_in_a_browser(live_server, page, password, settings):
    settings.URL = live_server.url
    developer = UserFactory(is_developer=True)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/?next=/developer/")
    page.get_by_label("Email").fill(developer.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Register a new app").click()

    page.get_by_label("Name", exact=True).fill("Browser App")
    page.get_by_label("Redirect URIs", exact=True).fill("https://app.example/cb")
    page.get_by_role("button", name="Register").click()
    secret = page.locator("#client-secret").inner_text()
    page.locator("button.copy[data-copy='#client-secret']").click()
    page.locator("button.copy[data-copy='#client-secret'][data-copied='true']").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret and len(secret) == 64

    page.get_by_role("link", name="I have saved it: go to the app").click()
    page.get_by_role("link", name="Try sign-in").click()
    page.get_by_role("button", name="Add the playground redirect URI").click()
    page.get_by_label("Client secret").fill(secret)
    page.get_by_role("button", name="Build the authorize URL").click()
    assert "code_challenge_method=S256" in page.locator("#authorize-url").inner_text()
    page.get_by_role("link", name="Sign in as Browser App").click()

    page.get_by_label("My real email").check()
    page.get_by_role("button", name="Allow").click()
    page.locator(".id-token .signature").first.wait_for()
    assert page.locator(".id-token .signature").inner_text() == "Signature valid"
    claims = json.loads(page.locator(".id-token-claims").inner_text())
    assert claims["email"] == developer.email and claims["aud"] == Client.objects.get(name="Browser App").client_id
    assert json.loads(page.locator("#userinfo-response").inner_text())["email"] == developer.email
    assert '"token_type": "Bearer"' in page.locator("#token-response").inner_text()

    Client.objects.filter(name="Browser App").update(allow_implicit_flow=True)
    page.get_by_role("link", name="Try again").click()
    page.get_by_label("response_type").select_option("id_token token")
    page.get_by_label("Use PKCE (S256)").uncheck()
    page.get_by_role("button", name="Build the authorize URL").click()
    page.get_by_role("link", name="Sign in as Browser App").click()
    page.get_by_text("id_token: from the authorization response").wait_for()
    assert page.locator(".id-token .signature").inner_text() == "Signature valid"
    assert (
        "#" not in page.url and json.loads(page.locator("#userinfo-response").inner_text())["email"] == developer.email
    )
