"""Headless Chromium: change the account's email end to end, mails read from the loopback SMTP server, and alias
mail forwarded through the real mail handler to the old mailbox until the new one is verified."""

import re

import pytest
from allauth.account.models import EmailAddress

from tests.accounts.forwarding.conftest import RunningHandler, shared_connection_executor
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

mail_executor = shared_connection_executor  # the forwarding tests' fixture: the handler sees the test's rows

NEW = "me@new-provider.example"


def plain(mail) -> str:
    return mail["message"].get_body(preferencelist=("plain",)).get_content()


def received_by(smtp_server, address, subject_part):
    return [m for m in smtp_server.messages if m["to"] == [address] and subject_part in (m["message"]["Subject"] or "")]


def test_change_the_email_verify_it_and_aliases_follow(
    page, live_server, settings, smtp_server, mail_executor, password
):
    settings.URL = site = live_server.url
    user = UserFactory()
    old = user.email
    alias = AliasFactory(user=user)
    handler = RunningHandler(mail_executor)
    try:
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Email").fill(old)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(f"{site}/dashboard/")

        page.goto(f"{site}/settings/")
        page.get_by_role("link", name="Change email").click()
        page.get_by_role("heading", name="Change your email").wait_for()
        page.get_by_label("New email").fill(NEW)
        page.get_by_role("button", name="Send a verification link").click()
        page.get_by_role("heading", name="Confirm it's you").wait_for()
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("heading", name="Change your email").wait_for()
        assert NEW in page.locator("#pending-change").inner_text()
        assert "Not verified yet" in page.locator("#pending-change").inner_text()

        handler.send(
            mail_from="shop@example.net", to=[alias.email], message=f"To: {alias.email}\r\nSubject: one\r\n\r\nhi"
        )
        assert [m["message"]["Subject"] for m in smtp_server.messages if m["to"] == [old]] == ["one"]

        [verification] = received_by(smtp_server, NEW, "confirm your email")
        [link] = re.findall(rf"{re.escape(site)}/accounts/confirm-email/\S+/", plain(verification))
        page.goto(link)
        page.get_by_role("button", name="Confirm").click()
        page.goto(f"{site}/settings/")
        assert f"Email: {NEW}" in page.get_by_role("region", name="Profile").inner_text()

        handler.send(
            mail_from="shop@example.net", to=[alias.email], message=f"To: {alias.email}\r\nSubject: two\r\n\r\nhi"
        )
        assert [
            m["message"]["Subject"]
            for m in smtp_server.messages
            if m["to"] == [NEW] and m["message"]["Subject"] == "two"
        ]
        [told] = received_by(smtp_server, old, "Your account's email was changed")
        assert f"changed from {old} to {NEW}" in plain(told)
        assert received_by(smtp_server, NEW, "This is now your SimpleLogin address")
        assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [NEW]
    finally:
        handler.stop()
