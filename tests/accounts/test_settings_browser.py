"""Headless Chromium on a 390 px phone: errors show at their form, confirmations come first, the new key copies."""

import pytest

from accounts.models import ApiKey, User
from accounts.services import api_key_create
from oauth_provider.models import Authorization
from tests.factories import AuthorizationFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, settings):
    settings.URL = live_server.url
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, site, user, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site}/dashboard/")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]


def fits_across(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_wrong_password_on_delete_account_shows_at_that_form(phone, live_server, password):
    user = UserFactory()
    sign_in(phone, live_server.url, user, password)
    phone.goto(f"{live_server.url}/settings/")
    phone.get_by_role("link", name="Delete my account…").click()
    phone.get_by_role("heading", name="Delete your account").wait_for()
    phone.get_by_label("Your password").fill("not-my-password")
    phone.get_by_role("button", name="Delete my account").click()
    phone.get_by_role("heading", name="Confirm it's you").wait_for()
    phone.get_by_label("Password").fill(password)
    phone.get_by_role("button", name="Confirm").click()
    error = phone.get_by_text("That is not your password.")
    error.wait_for()
    assert in_view(phone, error) and in_view(phone, phone.get_by_label("Your password"))
    assert phone.evaluate("document.activeElement.name") == "password"  # typing goes straight to the field
    assert User.objects.filter(pk=user.pk).exists()


def test_an_api_key_error_shows_at_the_key_form_then_the_new_key_copies(phone, live_server, password):
    user = UserFactory()
    sign_in(phone, live_server.url, user, password)
    phone.goto(f"{live_server.url}/settings/")
    phone.get_by_role("button", name="Create API key").click()
    phone.get_by_role("heading", name="Confirm it's you").wait_for()
    phone.get_by_label("Password").fill(password)
    phone.get_by_role("button", name="Confirm").click()
    error = phone.locator("#api-key-name-error")
    error.wait_for()
    assert "This field is required." in error.inner_text() and in_view(phone, error)

    phone.get_by_label("Key name").fill("backup script")
    phone.get_by_role("button", name="Create API key").click()
    phone.get_by_role("heading", name="Your new API key").wait_for()
    field, copy = phone.get_by_label("API key"), phone.get_by_role("button", name="Copy")
    assert fits_across(field) and fits_across(copy)
    raw = field.input_value()
    assert raw.startswith("sl_") and field.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # all of it shows
    copy.click()
    phone.locator("button.copy[data-copied='true']").wait_for()
    assert phone.evaluate("navigator.clipboard.readText()") == raw


def test_deleting_a_key_and_revoking_an_app_ask_first(phone, live_server, password):
    user = UserFactory()
    key, _ = api_key_create(user=user, name="Old script")
    app = ClientFactory(name="Photo Book")
    authorization = AuthorizationFactory(user=user, client=app)
    sign_in(phone, live_server.url, user, password)

    phone.goto(f"{live_server.url}/settings/")
    phone.locator(f"#api-key-{key.pk}").get_by_role("link", name="Delete").click()
    phone.get_by_role("heading", name="Delete the API key “Old script”?").wait_for()
    phone.get_by_role("link", name="Cancel").click()
    assert ApiKey.objects.filter(pk=key.pk).exists()
    phone.locator(f"#api-key-{key.pk}").get_by_role("link", name="Delete").click()
    phone.get_by_role("button", name="Delete this key").click()
    phone.get_by_text("The API key “Old script” is deleted; it no longer works.").wait_for()
    assert not ApiKey.objects.filter(pk=key.pk).exists()

    phone.goto(f"{live_server.url}/apps/")
    phone.get_by_role("link", name="Revoke access").click()
    phone.get_by_role("heading", name="Revoke Photo Book's access?").wait_for()
    assert Authorization.objects.filter(pk=authorization.pk).exists()
    phone.get_by_role("button", name="Revoke access").click()
    phone.get_by_text("Photo Book no longer has access to your account.").wait_for()
    assert not Authorization.objects.filter(pk=authorization.pk).exists()
