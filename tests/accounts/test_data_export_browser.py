"""Headless Chromium: "Download my data" saves a JSON file that parses and holds the aliases."""

import json

import pytest

from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_my_data_from_settings_and_from_the_delete_page(page, live_server, settings, password):
    settings.URL = site = live_server.url
    user = UserFactory()
    aliases = {AliasFactory(user=user, note="shopping").email, AliasFactory(user=user).email}
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site}/dashboard/")

    page.goto(f"{site}/settings/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data").click()
    download = info.value
    assert download.suggested_filename.startswith("simplelogin-data-") and download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert data["profile"]["email"] == user.email
    assert {alias["email"] for alias in data["aliases"]} == aliases
    assert "shopping" in {alias["note"] for alias in data["aliases"]}

    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_role("heading", name="Delete your account").wait_for()
    with page.expect_download() as again:
        page.get_by_role("link", name="Download my data").click()
    with open(again.value.path(), encoding="utf-8") as file:
        assert {alias["email"] for alias in json.load(file)["aliases"]} == aliases
