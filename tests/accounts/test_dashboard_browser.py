"""The dashboard in headless Chromium: create a random alias, switch it off, test email, delete."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_alias_journey_in_a_browser(live_server, page, password, smtp_server):
    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.get_by_text("You have no aliases yet.").wait_for()

    page.get_by_role("button", name="Create a random alias").click()
    created = page.get_by_role("status").inner_text()
    email = re.search(r"Alias (\S+@\S+) has been created", created).group(1)
    row = page.locator("tbody tr", has_text=email)
    assert row.locator(".badge").inner_text() == "on"

    row.get_by_role("button", name="Turn off").click()
    page.get_by_text(f"Forwarding for {email} is now off.").wait_for()
    assert page.locator("tbody tr", has_text=email).locator(".badge").inner_text() == "off"

    page.locator("tbody tr", has_text=email).get_by_role("button", name="Send a test email").click()
    page.get_by_text("Please check your inbox.").wait_for()
    assert smtp_server.messages[-1]["to"] == [email]

    page.locator("tbody tr", has_text=email).get_by_role("link", name="Delete").click()
    page.get_by_text("No app uses this alias.").wait_for()
    page.get_by_role("button", name="Delete this alias").click()
    page.get_by_text(f"Alias {email} has been deleted.").wait_for()
    assert user.aliases.count() == 0
