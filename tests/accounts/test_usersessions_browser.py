"""Headless Chromium, two browsers: one signs the other out from "Where you're signed in"."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, site, user, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site}/dashboard/")


def test_sign_out_the_other_browser_and_it_is_logged_out(browser, live_server, settings, password):
    settings.URL = site = live_server.url
    user = UserFactory()
    laptop = browser.new_context(user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36")
    phone = browser.new_context(
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1",
        viewport={"width": 390, "height": 844},
    )
    try:
        mine, other = laptop.new_page(), phone.new_page()
        log_in(other, site, user, password)
        log_in(mine, site, user, password)

        mine.goto(f"{site}/settings/")
        mine.get_by_role("link", name="See where you're signed in").click()
        mine.get_by_role("heading", name="Where you're signed in").wait_for()
        rows = mine.locator("table.usersessions tbody tr")
        assert rows.count() == 2
        assert "Chrome on Linux" in rows.nth(0).inner_text() and "This browser" in rows.nth(0).inner_text()
        assert "Safari on iPhone" in rows.nth(1).inner_text()
        rows.nth(1).get_by_role("button", name="Sign out").click()
        assert "That session (Safari on iPhone) is signed out." in mine.get_by_role("status").first.inner_text()
        assert mine.locator("table.usersessions tbody tr").count() == 1

        other.goto(f"{site}/dashboard/")
        assert other.url.startswith(f"{site}/accounts/login/")
        mine.goto(f"{site}/dashboard/")
        assert mine.url == f"{site}/dashboard/"
    finally:
        laptop.close()
        phone.close()
