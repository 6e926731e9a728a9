"""Social log in (GitHub, Google, Facebook): on only when configured; GitHub's HTTP answered at allauth's boundary."""

from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.account.models import EmailAddress

from accounts.models import User
from billing.models import Membership

pytestmark = pytest.mark.django_db

GITHUB = {"github": {"APPS": [{"client_id": "gh-id", "secret": "gh-secret", "key": ""}], "SCOPE": ["user:email"]}}


def test_no_provider_buttons_without_credentials(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    body = client.get("/accounts/login/").content.decode()
    assert "Or log in with" not in body
    assert client.post("/accounts/github/login/").status_code == 404


def test_provider_button_appears_when_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    body = client.get("/accounts/login/").content.decode()
    assert "Or log in with" in body and "GitHub" in body
    assert "Google" not in body


@responses.activate
def test_github_signup_creates_an_onboarded_verified_account(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    response = client.post("/accounts/github/login/", {"next": "/settings/"})
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert authorize.netloc == "github.com"
    state = parse_qs(authorize.query)["state"][0]

    responses.post(
        "https://github.com/login/oauth/access_token", json={"access_token": "gho_x", "token_type": "bearer"}
    )
    responses.get("https://api.github.com/user", json={"id": 4242, "login": "octo", "name": "Octo Cat", "email": None})
    responses.get(
        "https://api.github.com/user/emails",
        json=[{"email": "octo@example.com", "primary": True, "verified": True}],
    )
    response = client.get("/accounts/github/login/callback/", {"code": "abc", "state": state})
    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    person = User.objects.get(email="octo@example.com")
    assert person.name == "Octo Cat"
    assert not person.has_usable_password()
    assert EmailAddress.objects.get(user=person).verified
    assert Membership.objects.filter(user=person).exists()


@responses.activate
def test_github_callback_with_forged_state_is_refused(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    client.post("/accounts/github/login/")
    response = client.get("/accounts/github/login/callback/", {"code": "abc", "state": "forged"})
    assert response.status_code == 401
    assert "Log in failed" in response.content.decode()
    assert not User.objects.exists()


@responses.activate
def test_a_github_verified_address_wins_over_a_never_verified_sign_up(client, settings):
    from tests.factories import UserFactory

    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    squatter = UserFactory(email="octo@example.com", verified=False)
    state = parse_qs(urlsplit(client.post("/accounts/github/login/")["Location"]).query)["state"][0]
    responses.post(
        "https://github.com/login/oauth/access_token", json={"access_token": "gho_x", "token_type": "bearer"}
    )
    responses.get("https://api.github.com/user", json={"id": 4242, "login": "octo", "name": "Octo Cat", "email": None})
    responses.get(
        "https://api.github.com/user/emails", json=[{"email": "octo@example.com", "primary": True, "verified": True}]
    )

    response = client.get("/accounts/github/login/callback/", {"code": "abc", "state": state})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    person = User.objects.get(email="octo@example.com")
    assert person.pk != squatter.pk and person.name == "Octo Cat"
    assert EmailAddress.objects.get(user=person).verified
