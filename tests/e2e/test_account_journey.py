"""A person signs up, verifies, logs out and back in, in headless Chromium."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_verify_and_login_in_a_browser(live_server, page, smtp_server, settings):
    settings.URL = live_server.url  # links in mail are built from URL
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("journey@example.com")
    page.get_by_label("Name").fill("Journey Person")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("Verify your email address").wait_for()

    body = smtp_server.messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("navigation", name="Main").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/accounts/login/.*|.*/$"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("journey@example.com")
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("are not correct").wait_for()
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
