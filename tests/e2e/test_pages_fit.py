"""Every page fits a 1280 px desktop and a 390 px phone without sideways scrolling, in light and dark mode.

Set SCREENSHOT_DIR to keep a full-page screenshot of each page (e.g. to look at them after a layout change).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from accounts.models import Alias
from accounts.services import api_key_create
from oauth_provider.console import playground
from tests.factories import CLIENT_SECRET, PASSWORD, AliasFactory, AuthorizationFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "phone": 390}
LONG_NOTE = "A note long enough to wrap: newsletters-and-receipts-from-a-shop-with-a-very-long-name.example"

SIGNED_OUT = {
    "home": "/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "reset": "/accounts/password/reset/",
    "reset-done": "/accounts/password/reset/done/",
    "reset-link-expired": "/accounts/password/reset/key/1-not-a-key/",
    "reset-key-done": "/accounts/password/reset/key/done/",
    "verification-sent": "/accounts/confirm-email/",
    "confirm-link-expired": "/accounts/confirm-email/not-a-key/",
    "social-cancelled": "/accounts/3rdparty/login/cancelled/",
    "pricing": "/pricing",
    "discover": "/discover/",
    "privacy": "/privacy",
    "terms": "/terms",
    "404": "/no-such-page",
}


def _signed_in_pages(world):
    client, authorize_query = world["client"], world["authorize_query"]
    return {
        "dashboard": "/dashboard/",
        "settings": "/settings/",
        "password-change": "/accounts/password/change/",
        "email": "/accounts/email/",
        "logout": "/accounts/logout/",
        "mfa": "/accounts/2fa/",
        "mfa-totp": "/accounts/2fa/totp/activate/",
        "console": "/developer/",
        "console-new": "/developer/clients/new",
        "console-detail": f"/developer/clients/{client.client_id}/",
        "playground": f"/developer/clients/{client.client_id}/playground",
        "apps": "/apps/",
        "discover": "/discover/",
        "pricing": "/pricing",
        "partner": "/partner/",
        "consent": f"/oauth2/authorize?{authorize_query}",
        "api-docs": "/api/docs/",
        "sessions": "/accounts/sessions/",
        "delete-account": "/settings/delete",
        "api-key-delete": f"/settings/api-keys/{world['api_key'].pk}/delete",
        "app-revoke": f"/apps/{world['used'].client_id}/revoke",
        "404": "/no-such-page",
    }


@pytest.fixture
def world(live_server, settings, signing_key_dir):
    """A developer on a trial with aliases, an app of their own (with the playground URI), an app they use."""
    settings.URL = live_server.url
    person = UserFactory(is_developer=True, name="Dana Developer-With-A-Rather-Long-Surname")
    for number in range(6):
        AliasFactory(user=person, email=f"a-rather-long-alias-prefix.{number}x7k2q9@sl.local", note=LONG_NOTE)
    own = ClientFactory(
        user=person,
        name="My Very Own Application With A Long Name",
        redirect_uris=f"https://app.example/callback {playground.playground_callback_uri()}",
        published=True,
    )
    used = ClientFactory(name="An App Someone Else Made", published=True)
    AuthorizationFactory(user=person, client=used, alias=Alias.objects.filter(user=person).first())
    api_key, _raw = api_key_create(user=person, name="A backup script with a rather long name")
    query = urlencode(
        {
            "client_id": own.client_id,
            "redirect_uri": "https://app.example/callback",
            "response_type": "code",
            "scope": "openid email profile",
            "state": "fit",
        }
    )
    return {"person": person, "client": own, "used": used, "api_key": api_key, "authorize_query": query}


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _visit(page, url, shot: str) -> int:
    page.goto(url)
    page.wait_for_load_state("load")
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{shot}.png", full_page=True)
    return _overflow(page)


def _log_in(page, base, person):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/dashboard/$"))


@pytest.mark.parametrize("device", WIDTHS, ids=WIDTHS.keys())
def test_every_page_fits_the_window(browser, live_server, world, device):
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    too_wide = {}
    try:
        pages = {
            **SIGNED_OUT,
            "login-from-app": f"/accounts/login/?next=/oauth2/authorize%3F{world['authorize_query']}",
        }
        for name, path in pages.items():
            if overflow := _visit(page, base + path, f"{device}-out-{name}"):
                too_wide[f"signed out {name}"] = overflow

        _log_in(page, base, world["person"])
        for name, path in _signed_in_pages(world).items():
            if overflow := _visit(page, base + path, f"{device}-in-{name}"):
                too_wide[name] = overflow

        page.goto(f"{base}/developer/clients/{world['client'].client_id}/playground")
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_role("button", name="Build the authorize URL").click()
        page.locator("#authorize-url").wait_for()
        if overflow := _overflow(page):
            too_wide["playground with the authorize URL"] = overflow
        page.get_by_role("link", name=re.compile("^Sign in as")).click()
        page.get_by_role("button", name="Allow").click()
        page.locator("#token-response").wait_for()
        if folder := os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(path=f"{folder}/{device}-in-playground-result.png", full_page=True)
        if overflow := _overflow(page):
            too_wide["playground result"] = overflow
    finally:
        context.close()

    assert too_wide == {}, f"pages wider than {width} px (by how many px): {too_wide}"


DARK_PAGES = ["/dashboard/", "/settings/", "/accounts/password/change/", "/accounts/2fa/", "/developer/", "/apps/"]


def _luminance(css_color: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _assert_dark(page, label):
    colours = page.evaluate(
        """() => {
            const surface = document.querySelector('.section, .card, .topbar') || document.body;
            return {body: getComputedStyle(document.body).backgroundColor,
                    ink: getComputedStyle(document.body).color,
                    surface: getComputedStyle(surface).backgroundColor};
        }"""
    )
    assert _luminance(colours["body"]) < 0.2, (label, colours)
    assert _luminance(colours["surface"]) < 0.2, (label, colours)
    assert _luminance(colours["ink"]) > 0.7, (label, colours)


def test_dark_mode_follows_the_system_setting(browser, live_server, world):
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    try:
        assert _visit(page, f"{base}/accounts/login/", "dark-login") == 0
        _assert_dark(page, "login")
        _log_in(page, base, world["person"])
        for path in [*DARK_PAGES, f"/oauth2/authorize?{world['authorize_query']}"]:
            shot = "dark-" + re.sub(r"\W+", "-", path.split("?")[0]).strip("-")
            assert _visit(page, base + path, shot) == 0, path
            _assert_dark(page, path)
    finally:
        context.close()


def test_every_page_fits_a_phone_in_french_too(browser, live_server, world):
    """French words run longer than English ones: the phone layout still holds (signed out, then signed in)."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    too_wide = {}
    try:
        for name, path in SIGNED_OUT.items():
            if overflow := _visit(page, base + path, f"fr-out-{name}"):
                too_wide[f"signed out {name}"] = overflow
        assert page.locator("html").get_attribute("lang") == "fr"

        page.goto(f"{base}/accounts/login/")
        page.get_by_label("E-mail").fill(world["person"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r".*/dashboard/$"))
        for name, path in _signed_in_pages(world).items():
            if overflow := _visit(page, base + path, f"fr-in-{name}"):
                too_wide[name] = overflow
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()

    assert too_wide == {}, f"pages wider than 390 px in French (by how many px): {too_wide}"
