"""allauth's pages in our words: sentence case, a way back to log in, the password page inside Settings."""

import re

import pytest

pytestmark = pytest.mark.django_db

SETTINGS_CURRENT = '<a href="/settings/" aria-current="page">Settings</a>'


def test_the_reset_done_page_offers_to_log_in(client):
    page = client.get("/accounts/password/reset/done/").content.decode()
    assert "<h1>Check your email</h1>" in page
    assert '<a class="button primary" href="/accounts/login/">Log in</a>' in page


def test_an_expired_reset_link_says_so_and_offers_a_new_one(client):
    page = client.get("/accounts/password/reset/key/1-not-a-key/").content.decode()
    assert "<h1>This link has expired</h1>" in page and 'href="/accounts/password/reset/">Ask for a new link' in page


@pytest.mark.parametrize("path", ["/accounts/password/change/", "/accounts/2fa/", "/accounts/email/"])
def test_password_and_two_factor_pages_are_part_of_settings(reauthenticated, path):
    page = reauthenticated.get(path).content.decode()
    assert SETTINGS_CURRENT in page
    assert '<p class="breadcrumb"><a href="/settings/">' in page


def test_the_password_page_speaks_in_sentence_case(signed_in):
    page = signed_in.get("/accounts/password/change/").content.decode()
    assert "<h1>Change password</h1>" in page
    labels = re.findall(r'<label for="id_\w+">([^<]+)</label>', page)
    assert labels == ["Current password", "New password", "New password (again)"]
    assert "placeholder=" not in page


def test_the_login_form_speaks_in_sentence_case(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Remember me" in page and "Remember Me" not in page and "placeholder=" not in page


def test_changing_the_password_still_works(signed_in, user, password):
    response = signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "a-new-long-pass-phrase", "password2": "a-new-long-pass-phrase"},
        follow=True,
    )
    assert "Your new password is saved." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-new-long-pass-phrase")


def test_confirming_by_a_mailed_code_in_our_words(signed_in, user, smtp_server):
    ask = signed_in.get("/accounts/reauthenticate/code/")
    assert ask.status_code == 200 and "Mail me a code" in ask.content.decode()

    sent = signed_in.post("/accounts/reauthenticate/code/", {"recipient": user.email}, follow=True)

    page = sent.content.decode()
    assert "<h1>Enter the code</h1>" in page and user.email in page
    (mail,) = smtp_server.messages
    assert mail["message"]["Subject"].startswith("[SimpleLogin] ")
    code = re.search(r"browser window\.\s+(\S+)\s", mail["message"].get_content()).group(1)
    confirmed = signed_in.post("/accounts/reauthenticate/code/confirm/", {"code": code})
    assert confirmed.status_code == 302
