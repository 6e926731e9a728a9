"""The partner programme: the application form (stored, mailed to support) and partner codes."""

import pytest

from accounts.models import PartnerApplication, User


def test_application_is_stored_and_mailed_to_support(signed_in, user, smtp_server, settings):
    settings.SUPPORT_EMAIL = "support@sl.local"
    response = signed_in.post(
        "/partner/",
        {
            "email": "Dev@Startup.example",
            "name": "Startup",
            "website": "https://startup.example",
            "additional_information": "We build a note app with 10k users.",
        },
    )
    assert response.status_code == 302
    application = PartnerApplication.objects.get()
    assert (application.user, application.email, application.website) == (
        user,
        "dev@startup.example",
        "https://startup.example",
    )
    (mail,) = smtp_server.messages
    assert mail["to"] == ["support@sl.local"] and "Startup" in mail["message"]["Subject"]
    body = mail["message"].get_content()
    assert "We build a note app with 10k users." in body and user.email in body
    assert mail["message"]["Reply-To"] == "dev@startup.example"
    assert not User.objects.get(pk=user.pk).is_developer


def test_application_signed_out_and_with_errors(client, db, smtp_server):
    assert client.get("/partner/").status_code == 200
    bad = client.post("/partner/", {"email": "not-an-email", "name": ""})
    assert bad.status_code == 400 and b"Enter a valid email address." in bad.content
    assert client.post("/partner/", {"email": "a@b.example", "name": "A"}).status_code == 302
    assert PartnerApplication.objects.get().user is None and len(smtp_server.messages) == 1


@pytest.mark.parametrize("typed", ["WELCOME2019", " welcome2019 "])
def test_partner_code_makes_a_developer_at_once(signed_in, user, settings, typed):
    settings.PARTNER_CODES = ["WELCOME2019"]
    response = signed_in.post("/partner/code", {"code": typed})
    assert response.status_code == 302 and response["Location"] == "/developer/"
    assert User.objects.get(pk=user.pk).is_developer
    assert b"Register a new app" in signed_in.get("/developer/").content


def test_unknown_partner_code_is_explained(signed_in, user, settings):
    settings.PARTNER_CODES = ["WELCOME2019"]
    response = signed_in.post("/partner/code", {"code": "GUESS"})
    assert response.status_code == 400 and b"This partner code is not valid." in response.content
    assert not User.objects.get(pk=user.pk).is_developer


def test_partner_code_needs_an_account(client, db, settings):
    settings.PARTNER_CODES = ["WELCOME2019"]
    response = client.post("/partner/code", {"code": "WELCOME2019"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_partner_codes_cannot_be_guessed_at_length(signed_in, user, settings):
    settings.PARTNER_CODES = ["WELCOME2019"]
    for attempt in range(10):
        assert signed_in.post("/partner/code", {"code": f"GUESS{attempt}"}).status_code == 400
    response = signed_in.post("/partner/code", {"code": "WELCOME2019"})
    assert response.status_code == 400 and b"Too many partner codes tried" in response.content
    assert not User.objects.get(pk=user.pk).is_developer


def test_partner_form_is_rate_limited_per_address(client, db, smtp_server):
    for n in range(5):
        assert client.post("/partner/", {"email": f"a{n}@b.example", "name": "A"}).status_code == 302
    assert client.post("/partner/", {"email": "spam@b.example", "name": "Spam"}).status_code == 429
    assert PartnerApplication.objects.count() == 5 and len(smtp_server.messages) == 5


def test_after_applying_the_page_says_pending_instead_of_the_form(signed_in, user, smtp_server):
    signed_in.post("/partner/", {"email": user.email, "name": "Startup"})
    page = signed_in.get("/partner/").content.decode()
    assert "Application received — pending." in page and "Startup" in page
    assert "Send my application" not in page

    PartnerApplication.objects.update(approved_at="2026-01-01T00:00Z")
    assert "Send my application" in signed_in.get("/partner/").content.decode()


def test_signed_out_the_pending_application_is_this_browsers_own(client, db, smtp_server):
    client.post("/partner/", {"email": "a@b.example", "name": "Mine"})
    assert "Application received — pending." in client.get("/partner/").content.decode()
    from django.test import Client

    assert "Send my application" in Client().get("/partner/").content.decode()


@pytest.mark.parametrize("codes", [[], ["WELCOME2019"]], ids=["no codes", "codes"])
def test_the_code_box_shows_only_when_codes_exist(signed_in, settings, codes):
    settings.PARTNER_CODES = codes
    page = signed_in.get("/partner/").content.decode()
    assert page.count("I have a partner code") == len(codes) and page.count("Send my application") == 1
