"""The dashboard in headless Chromium: the alias journey, copy buttons, switches without a reload, pages."""

import re

import pytest
from django.conf import settings
from django.test import Client as DjangoClient

from accounts.models import Alias
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    """Put a session cookie for `user` in the browser."""
    django_client = DjangoClient()
    django_client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
    )


def watch_navigations(page) -> list[str]:
    """URLs the main frame navigates to from now on (a full page load shows up here)."""
    seen = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    return seen


def test_alias_journey_in_a_browser(live_server, page, password, smtp_server):
    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.get_by_text("You have no aliases yet.").wait_for()

    page.get_by_role("button", name="Create a random alias").click()
    created = page.locator(".messages[role=status]").inner_text()
    email = re.search(r"Alias (\S+@\S+) has been created", created).group(1)
    row = page.locator("tbody tr", has_text=email)
    assert row.locator(".badge").inner_text() == "on"
    assert not row.locator(".blocked-note").is_visible()

    row.get_by_role("button", name="Turn off").click()
    page.get_by_text(f"Forwarding for {email} is now off.").wait_for()
    assert row.locator(".badge").inner_text() == "off"
    assert row.locator(".blocked-note").inner_text() == "Forwarding is off: it will be blocked."

    row.get_by_role("button", name="Send a test email").click()
    page.get_by_text("but forwarding is off: it is blocked").wait_for()
    assert smtp_server.messages[-1]["to"] == [email]

    page.locator("tbody tr", has_text=email).get_by_role("link", name="Delete").click()
    page.get_by_text("No app uses this alias.").wait_for()
    page.get_by_role("button", name="Delete this alias").click()
    page.get_by_text(f"Alias {email} has been deleted.").wait_for()
    assert user.aliases.count() == 0


def test_forwarding_and_notes_are_saved_without_a_page_reload(live_server, page):
    user = UserFactory()
    alias = AliasFactory(user=user)
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/dashboard/")
    page.evaluate("window.stillTheSamePage = true")
    navigations = watch_navigations(page)
    row = page.locator(f"#alias-{alias.pk}")

    row.get_by_role("button", name="Turn off").click()
    page.locator("#alias-live", has_text=f"Forwarding for {alias.email} is now off.").wait_for()
    assert row.locator(".badge").inner_text() == "off" and row.get_by_role("button", name="Turn on").is_visible()
    row.locator("input[name=note]").fill("newsletters")
    row.get_by_role("button", name="Save note").click()
    page.locator("#alias-live", has_text=f"The note of {alias.email} is saved.").wait_for()

    assert navigations == [] and page.evaluate("window.stillTheSamePage") is True
    alias.refresh_from_db()
    assert alias.enabled is False and alias.note == "newsletters"
    page.reload()  # what was saved is what the server shows
    assert (
        row.locator(".badge").inner_text() == "off" and row.locator("input[name=note]").input_value() == "newsletters"
    )


def test_a_refused_note_is_explained_without_a_reload(live_server, page):
    user = UserFactory()
    alias = AliasFactory(user=user, note="kept")
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/dashboard/")
    navigations = watch_navigations(page)
    row = page.locator(f"#alias-{alias.pk}")
    row.locator("input[name=note]").evaluate(
        "input => { input.removeAttribute('maxlength'); input.value = 'x'.repeat(1001); }"
    )
    row.get_by_role("button", name="Save note").click()
    page.locator("#alias-live.message-error", has_text="too long").wait_for()
    assert navigations == []
    alias.refresh_from_db()
    assert alias.note == "kept"


def test_without_javascript_the_forms_still_work(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        user = UserFactory()
        alias = AliasFactory(user=user)
        sign_in(page, live_server, user)
        page.goto(f"{live_server.url}/dashboard/")
        assert not page.locator("button.copy").first.is_visible()  # nothing to copy with
        page.locator(f"#alias-{alias.pk}").get_by_role("button", name="Turn off").click()
        page.get_by_text(f"Forwarding for {alias.email} is now off.").wait_for()
        assert Alias.objects.get(pk=alias.pk).enabled is False
    finally:
        context.close()


def test_copy_buttons_put_the_alias_on_the_clipboard(live_server, page):
    user = UserFactory()
    first, second = AliasFactory(user=user), AliasFactory(user=user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/dashboard/")
    for alias in (first, second):
        button = page.locator(f"#alias-{alias.pk}").get_by_role("button", name="Copy")
        button.click()
        page.locator(f"#alias-{alias.pk} button.copy[data-copied='true']").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == alias.email


def test_pages_of_25_with_filters_kept_on_a_phone(live_server, page):
    user = UserFactory()
    for n in range(30):
        AliasFactory(user=user, email=f"a{n:02d}@{settings.EMAIL_DOMAIN}", enabled=n % 3 != 0)
    sign_in(page, live_server, user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("tbody tr").count() == 25
    page.get_by_label("Forwarding", exact=True).select_option("on")
    page.get_by_label("Sort").select_option("address")
    page.get_by_role("button", name="Show", exact=True).click()
    page.locator("#alias-count", has_text="20 aliases").wait_for()
    assert page.locator("tbody tr").count() == 20 and page.locator(".badge.off").count() == 0
    page.get_by_label("Forwarding", exact=True).select_option("")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_text("30 aliases, page 1 of 2").wait_for()
    assert page.locator("code.alias-email").first.inner_text() == f"a00@{settings.EMAIL_DOMAIN}"
    page.get_by_role("link", name="Next").click()
    page.get_by_text("30 aliases, page 2 of 2").wait_for()
    assert page.locator("tbody tr").count() == 5
    assert page.locator("code.alias-email").last.inner_text() == f"a29@{settings.EMAIL_DOMAIN}"
    assert page.get_by_label("Sort").input_value() == "address"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
