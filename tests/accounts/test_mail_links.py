"""Every link in every mail is built from URL, whatever Host header the request came with."""

import re

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://login.example"
HOST = "127.0.0.1:9999"  # ALLOWED_HOSTS has 127.0.0.1 and Django ignores the port


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.URL = SITE


def _signup(client, email):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "name": "New",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        HTTP_HOST=HOST,
    )


FLOWS = {
    "password reset": lambda client, user: client.post(
        "/accounts/password/reset/", {"email": user.email}, HTTP_HOST=HOST
    ),
    "password reset, unknown address": lambda client, user: client.post(
        "/accounts/password/reset/", {"email": "nobody@example.com"}, HTTP_HOST=HOST
    ),
    "sign-up": lambda client, user: _signup(client, "new@example.com"),
    "sign-up with a taken address": lambda client, user: _signup(client, user.email),
    "resend verification": lambda client, user: client.post(
        "/accounts/resend-verification/", {"email": UserFactory(verified=False).email}, HTTP_HOST=HOST
    ),
    "log in unverified": lambda client, user: client.post(
        "/accounts/login/", {"login": UserFactory(verified=False).email, "password": PASSWORD}, HTTP_HOST=HOST
    ),
}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_links_in_mail_come_from_url_not_from_the_host_header(client, user, smtp_server, flow):
    flow(client, user)

    assert smtp_server.messages
    for mail in smtp_server.messages:
        body = mail["message"].get_body(preferencelist=("plain",)).get_content()
        links = re.findall(r"https?://[^\s<>\"]+", body)
        assert links, body
        assert all(link.startswith(f"{SITE}/") for link in links), links
        assert HOST not in mail["raw"].decode("utf-8", "replace")


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_every_mail_says_simplelogin_in_sentence_case(client, user, smtp_server, flow):
    flow(client, user)

    assert smtp_server.messages
    for mail in smtp_server.messages:
        subject = mail["message"]["Subject"]
        body = mail["message"].get_body(preferencelist=("plain",)).get_content()
        assert subject.startswith("[SimpleLogin] ")
        words = subject.removeprefix("[SimpleLogin] ").split()
        assert all(word.islower() for word in words[1:] if word.isalpha()), subject
        assert body.startswith("Hello from SimpleLogin!") and "Thank you for using SimpleLogin!" in body
